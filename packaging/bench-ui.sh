#!/bin/sh
# bench-ui.sh: the desktop window's figures, on the real binary under Xvfb.
#
#   1. start-up: process start to the list drawn with its codes, 1,000
#      accounts (RUNS launches; each one's time and the median);
#   2. idle CPU over IDLE_SECONDS (default 60) with 100 accounts, from
#      /proc/PID/stat (utime+stime), as a percentage of one core;
#   3. memory: VmHWM (peak RSS) and VmRSS from /proc/PID/status, for both,
#      and where it is (/proc/PID/smaps: the software GL driver, the C and
#      Go heaps, the executable) with the PSS;
#   4. search: one keystroke with 10,000 accounts (filter + list refresh),
#      and the per-second tick, as Go benchmarks.
#
# Vaults are passphrase-mode ones made by ui/internal/benchvault with scrypt
# work factor 10, so the start-up figure is the app, not the KDF (the real
# work factor, 18, adds about a second by design; it is timed separately
# below). "Codes drawn" is the app's own trace (SPAREKEY_TRACE=1): printed
# from the event loop turn after the list's first rows were bound, i.e.
# after the first frame with codes.
#
#   packaging/bench-ui.sh                         # uses $DISPLAY, else its own Xvfb
#   SPAREKEY_BIN=bin/sparekey RUNS=10 IDLE_SECONDS=30 packaging/bench-ui.sh
#
# Needs: go, Xvfb (when there is no DISPLAY).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-7}
IDLE_SECONDS=${IDLE_SECONDS:-60}
WORK=$(mktemp -d)
XVFB_PID= APP_PID=
cleanup() {
	[ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
	[ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

BIN=${SPAREKEY_BIN:-}
if [ -z "$BIN" ]; then
	BIN=$WORK/sparekey
	(cd "$ROOT" && go build -tags "$(cat packaging/build-tags)" -o "$BIN" .)
fi
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
(cd "$ROOT" && go build -o "$WORK/benchvault" ./ui/internal/benchvault)

# The floor: a Fyne window with one label, built from this module (same
# Fyne, same flags) and measured the same way, so each figure below can be
# read against what Fyne itself costs on this machine.
cat >"$WORK/hello.go" <<'GO'
package main

import (
	"fmt"
	"image"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := fyneapp.NewWithID("io.github.sparekey.BenchHello")
	w := a.NewWindow("Hello")
	drawn := false
	probe := canvas.NewRaster(func(int, int) image.Image {
		if !drawn {
			drawn = true
			fmt.Fprintf(os.Stderr, "sparekey-trace codes-drawn %d\n", time.Now().UnixNano())
		}
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	})
	probe.Resize(fyne.NewSize(1, 1))
	label := widget.NewLabel("hello")
	w.SetContent(container.NewStack(label, container.NewWithoutLayout(probe)))
	w.Resize(fyne.NewSize(520, 680))
	if len(os.Args) > 1 && os.Args[1] == "tick" {
		// The least a countdown costs: one label's text changing once a second.
		go func() {
			for i := 0; ; i++ {
				time.Sleep(time.Second)
				fyne.Do(func() { label.SetText(fmt.Sprintf("hello %d", i%30)) })
			}
		}()
	}
	w.ShowAndRun()
}
GO
printf '{"Replace":{"%s/zz_bench_hello/main.go":"%s/hello.go"}}\n' "$ROOT" "$WORK" >"$WORK/hello-overlay.json"
(cd "$ROOT" && go build -tags "$(cat packaging/build-tags)" -overlay "$WORK/hello-overlay.json" -o "$WORK/hello" ./zz_bench_hello)

if [ -z "${DISPLAY:-}" ]; then
	command -v Xvfb >/dev/null || { echo "bench-ui.sh: no DISPLAY and Xvfb is not installed" >&2; exit 1; }
	exec 3>"$WORK/display"
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
	XVFB_PID=$!
	exec 3>&-
	i=0
	while [ ! -s "$WORK/display" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	DISPLAY=:$(cat "$WORK/display")
fi
export DISPLAY LANG=en_US.UTF-8 XDG_RUNTIME_DIR="$WORK/run"
unset WAYLAND_DISPLAY SPAREKEY_VAULT SPAREKEY_PASSPHRASE_COMMAND
mkdir -p "$WORK/run" && chmod 700 "$WORK/run"
printf 'bench passphrase\n' >"$WORK/pass"

make_vault() { # HOME N [WORK_FACTOR]
	"$WORK/benchvault" -home "$1" -n "$2" -passphrase-file "$WORK/pass" -work-factor "${3:-10}" >/dev/null
}

now_ns() { date +%s%N; }

# launch HOME: starts the app, waits for its codes, and sets APP_PID and
# MS, the milliseconds from just before exec to "codes-drawn". (No command
# substitution: APP_PID must be set in this shell.)
launch() {
	log=$WORK/app.log
	: >"$log"
	exe=$BIN args=
	case $1 in
	hello) exe=$WORK/hello ;;
	hello-tick) exe=$WORK/hello args=tick ;;
	esac
	t0=$(now_ns)
	# shellcheck disable=SC2086 # args is one word or none
	SPAREKEY_HOME=$1 SPAREKEY_PASSPHRASE_FILE=$WORK/pass SPAREKEY_TRACE=1 \
		XDG_CONFIG_HOME=$WORK/xdg XDG_CACHE_HOME=$WORK/xdg-cache "$exe" $args >"$log" 2>&1 &
	APP_PID=$!
	i=0
	until grep -q '^sparekey-trace codes-drawn ' "$log"; do
		sleep 0.005
		i=$((i + 1))
		if [ $i -gt 6000 ] || ! kill -0 "$APP_PID" 2>/dev/null; then
			echo "bench-ui.sh: the window did not draw its codes:" >&2
			cat "$log" >&2
			exit 1
		fi
	done
	t1=$(grep '^sparekey-trace codes-drawn ' "$log" | head -1 | cut -d' ' -f3)
	MS=$(((t1 - t0) / 1000000))
}

stop_app() {
	kill "$APP_PID" 2>/dev/null || true
	# SIGTERM quits through the app's own Quit; never wait forever.
	i=0
	while kill -0 "$APP_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	kill -9 "$APP_PID" 2>/dev/null || true
	wait "$APP_PID" 2>/dev/null || true
	APP_PID=
}

status_kb() { grep "^$2:" "/proc/$1/status" | awk '{print $2}'; }

# memory_parts PID: where the resident memory is, from /proc/PID/smaps: the
# software OpenGL driver (Mesa's llvmpipe: libLLVM and swrast_dri, which a
# GPU driver replaces), the C heap, Go's heap and the executable's pages.
memory_parts() {
	awk '/^[0-9a-f]+-[0-9a-f]+ /{n=$6; if (n == "") n="[anon]"}
		/^Rss:/{
			if (n ~ /libLLVM|swrast_dri|libgallium/) gl += $2
			else if (n == "[heap]") ch += $2
			else if (n == "[anon]") an += $2
			else if (n ~ /sparekey|hello/) ex += $2
			else ot += $2
		}
		END { printf "Mesa software GL %d MiB, C heap %d MiB, Go heap and stacks %d MiB, executable %d MiB, other %d MiB", gl/1024, ch/1024, an/1024, ex/1024, ot/1024 }' "/proc/$1/smaps"
	printf '; PSS %s MiB' "$(awk '/^Pss:/{print int($2/1024)}' "/proc/$1/smaps_rollup")"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

hz=$(getconf CLK_TCK)
# idle_pct TICKS: CPU ticks over IDLE_SECONDS as a percentage of one core.
idle_pct() { awk -v d="$1" -v hz="$hz" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.2f", d / hz / s * 100 }'; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== Sparekey desktop figures ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), DISPLAY=$DISPLAY)"

# Fyne alone, for reference.
launch hello
stop_app
times=""
for r in $(seq "$RUNS"); do
	launch hello
	if [ "$r" = 1 ]; then
		hwmhello=$(status_kb "$APP_PID" VmHWM)
		partshello=$(memory_parts "$APP_PID")
	fi
	if [ "$r" = "$RUNS" ]; then
		sleep 5
		c0=$(cpu_ticks "$APP_PID")
		sleep "$IDLE_SECONDS"
		c1=$(cpu_ticks "$APP_PID")
	fi
	stop_app
	times="$times $MS"
done
echo "reference, a Fyne window with one label: first frame median $(for t in $times; do echo "$t"; done | median) ms (runs:${times} ms), VmHWM $((hwmhello / 1024)) MiB, idle $(idle_pct $((c1 - c0)))% of one core"
echo "  its memory: $partshello"

# A countdown needs a repaint every second; the same window with its label
# changing once a second shows what that alone costs here.
launch hello-tick
sleep 5
c0=$(cpu_ticks "$APP_PID")
sleep "$IDLE_SECONDS"
c1=$(cpu_ticks "$APP_PID")
stop_app
echo "reference, the same window with its label changing once a second: idle $(idle_pct $((c1 - c0)))% of one core"

H1000=$WORK/h1000
make_vault "$H1000" 1000
# One launch to warm the page cache and Fyne's font cache.
launch "$H1000"
stop_app
times=""
for r in $(seq "$RUNS"); do
	launch "$H1000"
	ms=$MS
	if [ "$r" = 1 ]; then
		hwm1000=$(status_kb "$APP_PID" VmHWM)
		rss1000=$(status_kb "$APP_PID" VmRSS)
		parts1000=$(memory_parts "$APP_PID")
	fi
	stop_app
	times="$times $ms"
done
med=$(for t in $times; do echo "$t"; done | median)
echo "start-up, 1,000 accounts, process start -> codes drawn: median ${med} ms (runs:${times} ms; target < 600 ms)"
echo "memory, 1,000 accounts after drawing: VmHWM $((hwm1000 / 1024)) MiB, VmRSS $((rss1000 / 1024)) MiB (target < 120 MB)"
echo "  where: $parts1000"

HKDF=$WORK/hkdf
make_vault "$HKDF" 1000 18
launch "$HKDF"
ms=$MS
stop_app
echo "start-up with the real scrypt work factor (18): ${ms} ms (the KDF's second is by design)"

H100=$WORK/h100
make_vault "$H100" 100
launch "$H100"
sleep 5
c0=$(cpu_ticks "$APP_PID")
sleep "$IDLE_SECONDS"
c1=$(cpu_ticks "$APP_PID")
hwm100=$(status_kb "$APP_PID" VmHWM)
rss100=$(status_kb "$APP_PID" VmRSS)
stop_app
echo "idle CPU, 100 accounts, ${IDLE_SECONDS} s: $(idle_pct $((c1 - c0)))% of one core ($((c1 - c0)) ticks at ${hz} Hz; target < 1%)"
echo "memory, 100 accounts after ${IDLE_SECONDS} s: VmHWM $((hwm100 / 1024)) MiB, VmRSS $((rss100 / 1024)) MiB"

echo "search keystroke and tick (Go benchmarks):"
(cd "$ROOT" && go test -tags "$(cat packaging/build-tags)" -run '^$' -bench 'SearchRefresh|Tick$' -benchmem -count=1 ./ui &&
	go test -run '^$' -bench 'SearchKeystroke|TickVisibleRows' -benchmem -count=1 ./app) |
	grep '^Benchmark'
