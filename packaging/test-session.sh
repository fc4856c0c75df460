#!/bin/sh
# Runs a command inside a throwaway desktop session, the way `make test` needs
# it: a private D-Bus session bus with an unlocked gnome-keyring (so the real
# Secret Service is exercised without touching the user's own keyring) and an
# Xvfb display. Everything it starts is stopped when the command ends.
#
#   packaging/test-session.sh go test ./...
set -eu

# Go's caches live under HOME; pin them before HOME moves to the sandbox.
GOCACHE=$(go env GOCACHE); GOMODCACHE=$(go env GOMODCACHE); GOPATH=$(go env GOPATH)
export GOCACHE GOMODCACHE GOPATH

sandbox=$(mktemp -d "${TMPDIR:-/tmp}/sparekey-session.XXXXXX")
xvfb_pid=""
cleanup() {
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
	rm -rf "$sandbox"
}
trap cleanup EXIT INT TERM

export HOME="$sandbox/home"
export XDG_RUNTIME_DIR="$sandbox/run"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" XDG_CACHE_HOME="$HOME/.cache"
mkdir -p "$HOME/.local/share/keyrings" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
chmod 700 "$XDG_RUNTIME_DIR"
export LANG=C.UTF-8 LC_ALL=C.UTF-8

# A display number nobody uses: no lock file and no socket.
n=90
while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$sandbox/xvfb.log" 2>&1 &
xvfb_pid=$!
i=0
until [ -e "/tmp/.X11-unix/X$n" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$xvfb_pid" 2>/dev/null; then
		echo "test-session: Xvfb did not start:" >&2; cat "$sandbox/xvfb.log" >&2; exit 1
	fi
	sleep 0.05
done
export DISPLAY=":$n"

status=0
dbus-run-session -- sh -c '
	echo sparekey-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || {
		echo "test-session: gnome-keyring-daemon did not start" >&2; exit 1; }
	exec "$@"' sh "$@" || status=$?
exit $status
