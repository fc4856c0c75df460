#!/bin/sh
# bench-cli.sh: time `sparekey code NAME` as a whole process against
# `oathtool --totp` (the target: within 3x), with hyperfine.
#
# The vault is in keyring mode against a private dbus-daemon + gnome-keyring
# (nothing touches your own keyring), so the figure is start-up + keyring +
# decryption, not scrypt. Passphrase mode is timed separately: it pays
# scrypt (work factor 18, about a second) on every call, by design.
#
#   packaging/bench-cli.sh                 # builds ./sparekey into a temp dir
#   SPAREKEY_BIN=/path/to/sparekey RUNS=100 packaging/bench-cli.sh
#
# Also timed: `sparekey --version` (start-up alone) and the same command
# line built without the GUI (main calling cli.Main, via a build overlay),
# which shows what the desktop half of the binary costs the command line.
#
# And three floors, to read the ratio against: a Go program that only
# prints (any Go command's start-up here), one lookup of the vault key by
# libsecret's C client secret-tool (the keyring's share, in any language),
# and the vault package alone opening the vault and printing the code.
# Needs: go, hyperfine, oathtool, secret-tool, dbus-daemon, dbus-send, gnome-keyring-daemon.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-50}
WORK=$(mktemp -d)
DBUS_PID= GK_PID=
cleanup() {
	[ -n "$GK_PID" ] && kill "$GK_PID" 2>/dev/null || true
	[ -n "$DBUS_PID" ] && kill "$DBUS_PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

for tool in go hyperfine oathtool secret-tool dbus-daemon dbus-send gnome-keyring-daemon; do
	command -v "$tool" >/dev/null || { echo "bench-cli.sh: $tool is not installed" >&2; exit 1; }
done

BIN=${SPAREKEY_BIN:-}
if [ -z "$BIN" ]; then
	BIN=$WORK/sparekey
	(cd "$ROOT" && go build -tags "$(cat packaging/build-tags)" -o "$BIN" .)
fi
CLI=$WORK/sparekey-cli
cat >"$WORK/clionly.go" <<'GO'
package main

import (
	"os"

	"github.com/sparekey/sparekey/app/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
GO
# Two floors, built the same way: a Go program that only prints a string
# (what any Go command costs to start here), and the vault package alone
# opening the vault and printing a code (no command line, GUI or SDK).
cat >"$WORK/floorgo.go" <<'GO'
package main

import "os"

func main() { os.Stdout.WriteString("123456\n") }
GO
cat >"$WORK/floorvault.go" <<'GO'
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/sparekey/sparekey/vault"
)

func main() {
	v, err := vault.Open(os.Args[1], vault.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	a, err := v.Find(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code, _ := a.CodeAt(time.Now())
	fmt.Println(code)
}
GO
printf '{"Replace":{"%s/zz_bench_clionly/main.go":"%s/clionly.go","%s/zz_bench_floorgo/main.go":"%s/floorgo.go","%s/zz_bench_floorvault/main.go":"%s/floorvault.go"}}\n' \
	"$ROOT" "$WORK" "$ROOT" "$WORK" "$ROOT" "$WORK" >"$WORK/overlay.json"
(cd "$ROOT" && go build -overlay "$WORK/overlay.json" -o "$CLI" ./zz_bench_clionly &&
	go build -overlay "$WORK/overlay.json" -o "$WORK/floor-go" ./zz_bench_floorgo &&
	go build -overlay "$WORK/overlay.json" -o "$WORK/floor-vault" ./zz_bench_floorvault)

# A private session: own HOME, runtime dir, bus and keyring.
mkdir -p "$WORK/home/.local/share/keyrings" "$WORK/run"
chmod 700 "$WORK/run"
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL \
	SPAREKEY_VAULT SPAREKEY_PASSPHRASE_FILE SPAREKEY_PASSPHRASE_COMMAND XDG_DATA_HOME XDG_CONFIG_HOME
export HOME="$WORK/home" XDG_RUNTIME_DIR="$WORK/run" SPAREKEY_HOME="$WORK/keyring-home" LANG=C.UTF-8
dbus-daemon --session --nofork --print-address=1 >"$WORK/bus" &
DBUS_PID=$!
i=0
until [ -s "$WORK/bus" ]; do i=$((i + 1)); [ $i -lt 500 ] || { echo "no bus" >&2; exit 1; }; sleep 0.01; done
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$WORK/bus")
export DBUS_SESSION_BUS_ADDRESS
printf pw | gnome-keyring-daemon --foreground --unlock --components=secrets >"$WORK/keyring.log" 2>&1 &
GK_PID=$!
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
	org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
	i=$((i + 1)); [ $i -lt 500 ] || { echo "gnome-keyring did not start" >&2; cat "$WORK/keyring.log" >&2; exit 1; }
	sleep 0.02
done

SECRET=JBSWY3DPEHPK3PXP
"$BIN" init >/dev/null
"$BIN" add "otpauth://totp/Bench:alice?secret=$SECRET&issuer=Bench" >/dev/null
for i in $(seq 1 100); do echo "otpauth://totp/Filler$i:user$i?secret=$(printf 'GEZDGNBVGY3TQ%03d' "$i" | tr 0189 ABCD)AA"; done >"$WORK/filler"
while read -r uri; do "$CLI" add "$uri" >/dev/null; done <"$WORK/filler"

[ "$("$BIN" code alice)" = "$(oathtool --totp -b $SECRET)" ] || echo "warning: sparekey and oathtool disagree (a step boundary?)" >&2

echo "== keyring mode, $("$BIN" list --json | grep -c '"id"') accounts, load: $(cut -d' ' -f1-3 /proc/loadavg)"
VAULT=$SPAREKEY_HOME/data/vault.age
[ "$("$WORK/floor-vault" "$VAULT" alice)" = "$("$BIN" code alice)" ] || echo "warning: the vault floor disagrees (a step boundary?)" >&2
# One Secret Service lookup of the vault key, by libsecret's own C client:
# the least any program pays to fetch the key from gnome-keyring over D-Bus.
KEYNAME="vault:$VAULT"
secret-tool lookup service Sparekey username "$KEYNAME" >/dev/null ||
	{ echo "bench-cli.sh: secret-tool cannot find the vault key" >&2; exit 1; }
hyperfine -N --warmup 5 --runs "$RUNS" --export-markdown "$WORK/keyring.md" \
	"oathtool --totp -b $SECRET" \
	"$WORK/floor-go" \
	"secret-tool lookup service Sparekey username $KEYNAME" \
	"$WORK/floor-vault $VAULT alice" \
	"$BIN --version" \
	"$BIN code alice" \
	"$CLI code alice"

echo "== passphrase mode (scrypt work factor 18 on every call)"
echo "bench passphrase" >"$WORK/pass"
export SPAREKEY_HOME="$WORK/passphrase-home"
"$BIN" --no-keyring --passphrase-file "$WORK/pass" init >/dev/null 2>&1
"$BIN" --passphrase-file "$WORK/pass" add "otpauth://totp/Bench:alice?secret=$SECRET" >/dev/null
hyperfine -N --warmup 1 --runs 5 "$BIN --passphrase-file $WORK/pass code alice"
