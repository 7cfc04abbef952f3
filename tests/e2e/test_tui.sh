#!/bin/sh
# End to end: the bench UI (qcstation run on a terminal) in a detached tmux
# session of 80x24, driven like a person and a keyboard-wedge scanner: codes
# arrive as one fast burst ending in Enter (one send-keys -l each), keys by
# name; the screen is read with capture-pane, polled until the expected text
# shows or the deadline passes (never a fixed sleep).
#
# To add steps (the QC workflow's "pass a ring through QC"), add lines to the
# table at the bottom:  scan CODE EXPECTED-TEXT | key KEY EXPECTED-TEXT |
# type TEXT EXPECTED-TEXT (slow typing, one key a call) | expect - TEXT.
# QC_BIN (the binary) and QC_SRC (the source tree) come from ctest.
set -eu

: "${QC_BIN:?QC_BIN names the qcstation binary}"
: "${QC_SRC:?QC_SRC names the source tree}"
. "$QC_SRC/scripts/deps.sh"
command -v tmux >/dev/null 2>&1 || qc_need tmux

dir=$(mktemp -d /tmp/qc-test-tui-XXXXXX)
sock="qc-tui-$$" # our own tmux server: parallel tests never meet
cr=$(printf '\r')
T() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	T kill-server >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

now_ms() { date +%s%3N; }
screen() { T capture-pane -t qc -p 2>/dev/null || true; }
fail() {
	echo "test_tui: $*" >&2
	echo "--- screen:" >&2
	screen >&2
	echo "--- stderr of qcstation:" >&2
	cat "$dir/stderr" >&2 2>/dev/null || true
	exit 1
}

# wait_until DESCRIPTION COMMAND...: poll COMMAND (10 s deadline).
wait_until() {
	what=$1
	shift
	deadline=$(($(now_ms) + 10000))
	until "$@"; do
		[ "$(now_ms)" -lt "$deadline" ] || fail "timed out waiting for $what"
		sleep 0.02 # the poll interval, not a wait for anything
	done
}
has_text() { screen | grep -qF -- "$1"; }
wait_for() { wait_until "'$1' on the screen" has_text "$1"; }

# Start the station in a fresh database with the demo data.
T new-session -d -s qc -x 80 -y 24 \
	"env LANG=C.UTF-8 '$QC_BIN' run --demo --db '$dir/s.db' 2>'$dir/stderr'; echo \$? >'$dir/exit.tmp'; mv '$dir/exit.tmp' '$dir/exit'"

# The steps.  Each: what to do, its argument, the text that must then show.
while read -r what arg expect; do
	case "$what" in
	'' | '#'*) continue ;;
	scan) T send-keys -t qc -l "$arg$cr" ;; # one burst, like a wedge scanner
	key) T send-keys -t qc "$arg" ;;
	type) # a person: one key per tmux call, then Enter on its own
		rest=$arg
		while [ -n "$rest" ]; do
			c=$(printf '%s' "$rest" | cut -c1)
			rest=$(printf '%s' "$rest" | cut -c2-)
			T send-keys -t qc -l "$c"
			sleep 0.1 # a person's pace: this is the input, not a wait
		done
		T send-keys -t qc Enter
		;;
	expect) ;;
	*) fail "unknown step '$what'" ;;
	esac
	wait_for "$expect"
done <<'STEPS'
expect  -               LOGIN
expect  -               Scan your operator badge
scan    BADGE-0001      Operator: Ana Ruiz
expect  -               READY
scan    ORD-100231      Forever & Always
scan    09501101020916  ERROR
expect  -               check digit should be 7
key     F2              CMD-PASS  scan an item first
key     ?               Keys (the letters only
key     ?               Last results
type    SN00001001      Item SN00001001
STEPS

# Resizing re-lays out the screen: 40 rows, the keys on the last one.
T resize-window -t qc -x 100 -y 40
tall() { [ "$(screen | wc -l)" -eq 40 ] && screen | tail -n 1 | grep -qF 'F10/q Quit'; }
wait_until "a 100x40 layout" tall
wait_for "Item SN00001001"
T resize-window -t qc -x 80 -y 24
wait_until "an 80x24 layout" sh -c "[ \"\$(tmux -L '$sock' capture-pane -t qc -p | wc -l)\" -eq 24 ]"

# The quit key ends the station with status 0.
T send-keys -t qc q
wait_until "qcstation to exit" test -f "$dir/exit"
[ "$(cat "$dir/exit")" = 0 ] || fail "exit status $(cat "$dir/exit")"
grep -q 'scans stored this session' "$dir/stderr" && fail "summary went to stderr"
echo "test_tui: ok"
