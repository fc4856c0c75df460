#!/bin/sh
# bench-ui.sh: the desktop window's figures, on the real binary under Xvfb.
#
#   1. start-up: process start to the list drawn with its codes, 1,000
#      accounts, beside the floor (a bare Fyne window from this module, same
#      tags) and beside the same accounts with no brand icon (the icons'
#      share), RUNS launches of each in turn, medians;
#   2. idle CPU over IDLE_SECONDS (default 60) with IDLE_ACCOUNTS (200),
#      from /proc/PID/stat (utime+stime) as a percentage of one core, beside
#      the floor window whose one label changes once a second (the least
#      repaint a countdown needs), IDLE_RUNS (3) runs of each in turn;
#   3. memory: VmHWM (peak RSS) and VmRSS from /proc/PID/status, beside the
#      floor's, and where it is (/proc/PID/smaps: the software GL driver,
#      the C and Go heaps, the executable) with the PSS;
#   4. quit: Ctrl+Q to the process gone;
#   5. search: one keystroke with 10,000 accounts (filter + list refresh),
#      and the per-second tick, as Go benchmarks.
#
# Beside the floor, start-up, idle CPU and memory are also read against a
# same-content peer (ui/internal/benchpeer): a plain Fyne window drawing
# what Sparekey's window draws, ticking its countdowns, with none of
# Sparekey's own work. Fyne repaints the whole window for any change, so
# what the floor cannot show, the peer does: how much of each figure is
# Fyne drawing this content, and how much Sparekey adds to it.
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
(cd "$ROOT" && go build -tags "$(cat packaging/build-tags)" -o "$WORK/peer" ./ui/internal/benchpeer)

# The floor: a Fyne window with one label (ui/internal/benchfloor), built
# from this module with the same tags and measured the same way, so each
# figure below can be read against what Fyne itself costs on this machine.
(cd "$ROOT" && go build -tags "$(cat packaging/build-tags)" -o "$WORK/hello" ./ui/internal/benchfloor)

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

make_vault() { # HOME N [WORK_FACTOR [FLAG]]
	# shellcheck disable=SC2086 # the flag is one word or none
	"$WORK/benchvault" -home "$1" -n "$2" -passphrase-file "$WORK/pass" -work-factor "${3:-10}" ${4:-} >/dev/null
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
	peer) exe=$WORK/peer ;;
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
	# The CPU the process used to get there (all its threads, Mesa's too):
	# on a shared, busy machine far steadier than the wall clock.
	CPUMS=$(($(cpu_ticks "$APP_PID") * 1000 / hz))
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

# Every Sparekey figure is read beside the floor's from the same run,
# launched in turn with it, so a busy moment of a shared machine hits both.
H1000=$WORK/h1000
make_vault "$H1000" 1000
# The same accounts under issuers no icon matches: the brand icons' share
# of the start-up is the difference.
H1000P=$WORK/h1000p
make_vault "$H1000P" 1000 10 -plain-issuers
# One launch of each to warm the page cache and Fyne's font cache.
for h in hello peer "$H1000" "$H1000P"; do
	launch "$h"
	stop_app
done
ftimes="" stimes="" ptimes="" fcpu="" scpu="" pcpu="" qtimes="" qcpu=""
for r in $(seq "$RUNS"); do
	launch hello
	ftimes="$ftimes $MS" fcpu="$fcpu $CPUMS"
	if [ "$r" = 1 ]; then
		hwmhello=$(status_kb "$APP_PID" VmHWM)
		partshello=$(memory_parts "$APP_PID")
	fi
	stop_app
	launch peer
	qtimes="$qtimes $MS" qcpu="$qcpu $CPUMS"
	if [ "$r" = 1 ]; then
		hwmpeer=$(status_kb "$APP_PID" VmHWM)
	fi
	stop_app
	launch "$H1000"
	stimes="$stimes $MS" scpu="$scpu $CPUMS"
	if [ "$r" = 1 ]; then
		hwm1000=$(status_kb "$APP_PID" VmHWM)
		rss1000=$(status_kb "$APP_PID" VmRSS)
		parts1000=$(memory_parts "$APP_PID")
	fi
	stop_app
	launch "$H1000P"
	ptimes="$ptimes $MS" pcpu="$pcpu $CPUMS"
	stop_app
done
fmed=$(for t in $ftimes; do echo "$t"; done | median)
smed=$(for t in $stimes; do echo "$t"; done | median)
pmed=$(for t in $ptimes; do echo "$t"; done | median)
fc=$(for t in $fcpu; do echo "$t"; done | median)
sc=$(for t in $scpu; do echo "$t"; done | median)
pc=$(for t in $pcpu; do echo "$t"; done | median)
qmed=$(for t in $qtimes; do echo "$t"; done | median)
qc=$(for t in $qcpu; do echo "$t"; done | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "first frame, floor (a Fyne window with one label): median ${fmed} ms (runs:${ftimes} ms), VmHWM $((hwmhello / 1024)) MiB"
echo "  its memory: $partshello"
echo "first frame, 1,000 accounts, process start -> codes drawn: median ${smed} ms (runs:${stimes} ms) = $(ratio "$smed" "$fmed")x the floor (target <= 1.2x)"
echo "  same-content Fyne peer (200 rows, nothing of Sparekey's own): median ${qmed} ms (runs:${qtimes} ms) = $(ratio "$qmed" "$fmed")x the floor; Sparekey = $(ratio "$smed" "$qmed")x the peer; peer VmHWM $((hwmpeer / 1024)) MiB"
echo "  the same accounts with no brand icon: median ${pmed} ms (runs:${ptimes} ms); icons $((smed - pmed)) ms = $(awk -v a="$smed" -v b="$pmed" 'BEGIN { printf "%.0f", (a - b) / b * 100 }')% of start-up (target <= 10%)"
echo "CPU used to the first frame (all threads), medians: floor ${fc} ms (runs:${fcpu}), peer ${qc} ms (runs:${qcpu}), Sparekey ${sc} ms (runs:${scpu}) = $(ratio "$sc" "$fc")x the floor, with no brand icon ${pc} ms (runs:${pcpu}); icons $((sc - pc)) ms"
echo "memory, 1,000 accounts after drawing: VmHWM $((hwm1000 / 1024)) MiB, VmRSS $((rss1000 / 1024)) MiB"
echo "  where: $parts1000"

# Idle: IDLE_ACCOUNTS accounts against the floor window whose label changes
# once a second (the least a countdown repaints), IDLE_RUNS runs of each in
# turn, medians. Memory is read at the end of each idle period.
IDLE_ACCOUNTS=${IDLE_ACCOUNTS:-200}
IDLE_RUNS=${IDLE_RUNS:-3}
HIDLE=$WORK/hidle
make_vault "$HIDLE" "$IDLE_ACCOUNTS"
idle_run() { # HOME: sets PCT, HWM and RSS (MiB)
	launch "$1"
	sleep 5
	c0=$(cpu_ticks "$APP_PID")
	sleep "$IDLE_SECONDS"
	c1=$(cpu_ticks "$APP_PID")
	PCT=$(idle_pct $((c1 - c0)))
	HWM=$(($(status_kb "$APP_PID" VmHWM) / 1024))
	RSS=$(($(status_kb "$APP_PID" VmRSS) / 1024))
	stop_app
}
fpct="" fhwm="" frss="" spct="" shwm="" srss="" qpct="" qhwm="" qrss=""
for r in $(seq "$IDLE_RUNS"); do
	idle_run hello-tick
	fpct="$fpct $PCT" fhwm="$fhwm $HWM" frss="$frss $RSS"
	idle_run peer
	qpct="$qpct $PCT" qhwm="$qhwm $HWM" qrss="$qrss $RSS"
	idle_run "$HIDLE"
	spct="$spct $PCT" shwm="$shwm $HWM" srss="$srss $RSS"
done
med() { for v in "$@"; do echo "$v"; done | median; }
# shellcheck disable=SC2086 # the lists are words
{
	fp=$(med $fpct) sp=$(med $spct) fh=$(med $fhwm) sh=$(med $shwm) fr=$(med $frss) sr=$(med $srss)
	qp=$(med $qpct) qh=$(med $qhwm) qr=$(med $qrss)
}
echo "idle CPU over ${IDLE_SECONDS} s, medians of ${IDLE_RUNS}: Sparekey with ${IDLE_ACCOUNTS} accounts ${sp}% of one core (runs:${spct}), floor with a label changing once a second ${fp}% (runs:${fpct}); +$(awk -v a="$sp" -v b="$fp" 'BEGIN { printf "%.2f", a - b }') points (target +0.2)"
echo "  same-content Fyne peer ${qp}% (runs:${qpct}); Sparekey $(awk -v a="$sp" -v b="$qp" 'BEGIN { printf "%+.2f", a - b }') points against the peer"
echo "memory after idling, medians: Sparekey VmHWM ${sh} MiB, VmRSS ${sr} MiB; floor VmHWM ${fh} MiB, VmRSS ${fr} MiB; +$((sh - fh)) MiB peak (target +15 MiB)"
echo "  same-content Fyne peer VmHWM ${qh} MiB, VmRSS ${qr} MiB; Sparekey +$((sh - qh)) MiB peak against the peer"

HKDF=$WORK/hkdf
make_vault "$HKDF" 1000 18
launch "$HKDF"
ms=$MS
stop_app
echo "start-up with the real scrypt work factor (18): ${ms} ms (the KDF's second is by design)"

echo "search keystroke and tick (Go benchmarks):"
(cd "$ROOT" && go test -tags "$(cat packaging/build-tags)" -run '^$' -bench 'SearchRefresh|Tick$' -benchmem -count=1 ./ui &&
	go test -run '^$' -bench 'SearchKeystroke|TickVisibleRows' -benchmem -count=1 ./app) |
	grep '^Benchmark'
