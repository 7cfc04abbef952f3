#!/bin/sh
# End to end: the bench UI (qcstation run on a terminal) in a detached tmux
# session of 80x24, driven like a person and a keyboard-wedge scanner: codes
# arrive as one fast burst ending in Enter (one send-keys -l each), keys by
# name; the screen is read with capture-pane, polled until the expected text
# shows or the deadline passes (never a fixed sleep).
#
# The steps are tables at the bottom, one step a line, three fields
# separated by '|' (spaces around them are ignored, inside them kept):
#   scan   | CODE   | TEXT   a scanner: the code in one burst, then Enter
#   key    | KEY    | TEXT   a key by its tmux name (F4, Escape, ?)
#   type   | TEXT   | TEXT   a person typing, one key a call, then Enter
#   photo  | SERIAL | TEXT   a camera: a PNG of SERIAL's Code 128 label
#                            dropped in the watched folder ([qc] watch_folder)
#   banner | -      | WORD   the banner says WORD (LOGIN, READY, INSPECT,
#                            PASS, FAIL, ERROR)
#   expect | -      | TEXT   nothing to do, only wait
# After each step the last field must show on the screen (or in the banner).
# QC_BIN (the binary), QC_SRC (the source tree) and QC_MKBARCODE (the
# label renderer, tests/e2e/qc_test_mkbarcode.c) come from ctest.
set -eu

: "${QC_BIN:?QC_BIN names the qcstation binary}"
: "${QC_SRC:?QC_SRC names the source tree}"
: "${QC_MKBARCODE:?QC_MKBARCODE names the qc_test_mkbarcode helper}"
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
# The banner's word is the first word of the row under its block letters:
# the first row that starts with one of the six words.
banner_is() {
	screen | awk -v w="$1" '!f && /^ *(LOGIN|READY|INSPECT|PASS|FAIL|ERROR)( |$)/ {
		f = 1; ok = ($1 == w) } END { exit !ok }'
}
trim() {
	t=${1#"${1%%[![:space:]]*}"}
	printf '%s' "${t%"${t##*[![:space:]]}"}"
}

# Photos dropped in this folder attach to the item being inspected.
mkdir "$dir/photos"
printf '[qc]\nwatch_folder = %s/photos\n' "$dir" >"$dir/qc.ini"

# Start the station in a fresh database with the demo data.
T new-session -d -s qc -x 80 -y 24 \
	"env LANG=C.UTF-8 '$QC_BIN' --config '$dir/qc.ini' run --demo --db '$dir/s.db' 2>'$dir/stderr'; echo \$? >'$dir/exit.tmp'; mv '$dir/exit.tmp' '$dir/exit'"

# Run the steps of the table on stdin.
steps() {
	while IFS='|' read -r what arg expect; do
		what=$(trim "$what")
		arg=$(trim "$arg")
		expect=$(trim "$expect")
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
		photo) # rendered outside the folder, then copied in whole
			"$QC_MKBARCODE" "$arg" "$dir/$arg.png" || fail "cannot render $arg"
			cp "$dir/$arg.png" "$dir/photos/$arg.png"
			;;
		banner)
			wait_until "the banner to say $expect" banner_is "$expect"
			continue
			;;
		expect) ;;
		*) fail "unknown step '$what'" ;;
		esac
		wait_for "$expect"
	done
}

steps <<'STEPS'
expect | -                 | LOGIN
expect | -                 | Scan your operator badge
scan   | BADGE-0001        | Operator: Ana Ruiz
banner | -                 | READY
scan   | ORD-100231        | Forever & Always
scan   | 09501101020916    | ERROR
expect | -                 | check digit should be 7
key    | F2                | CMD-PASS  scan an item first
key    | ?                 | Keys (the letters only
key    | ?                 | Last results
# A ring through QC (ORD-100231 line 1: size 6.5, engraving "Forever &
# Always", personalized, so a photo is required): item, size, engraving,
# photo, PASS-ALL.  The checklist header counts the checks answered (two,
# band thickness and gift box, do not apply to this line).
scan   | SN00001001        | Item SN00001001
banner | -                 | INSPECT
expect | -                 | ring v1  2/13
key    | F4                | PASS-ALL cannot answer ring_size
type   | 6.5               | ring v1  3/13
type   | Forever & Always  | ring v1  4/13
photo  | SN00001001        | ring v1  5/13
key    | F4                | PASS  SN00001001 passed
banner | -                 | PASS
# A second item fails: FAIL on the first check, the defect code typed (no
# defect barcode at hand), then the disposition scanned.
scan   | SN00001011        | Item SN00001011
key    | F3                | scan the defect code
type   | DEF-LOOSE-STONE   | check 2/12 prongs
scan   | CMD-REWORK        | FAIL  SN00001011 failed: LOOSE-STONE (major) -> rework
banner | -                 | FAIL
STEPS

# Resizing re-lays out the screen: 40 rows, the keys on the last one.
T resize-window -t qc -x 100 -y 40
tall() { [ "$(screen | wc -l)" -eq 40 ] && screen | tail -n 1 | grep -qF 'F10/q Quit'; }
wait_until "a 100x40 layout" tall
wait_for "Item SN00001011"
T resize-window -t qc -x 80 -y 24
wait_until "an 80x24 layout" sh -c "[ \"\$(tmux -L '$sock' capture-pane -t qc -p | wc -l)\" -eq 24 ]"

# The quit key ends the station with status 0.
T send-keys -t qc q
wait_until "qcstation to exit" test -f "$dir/exit"
[ "$(cat "$dir/exit")" = 0 ] || fail "exit status $(cat "$dir/exit")"
grep -q 'scans stored this session' "$dir/stderr" && fail "summary went to stderr"

# Both inspections and the photo are in the audit chain, every link intact.
"$QC_BIN" --db "$dir/s.db" audit verify >"$dir/audit" 2>&1 || fail "audit verify: $(cat "$dir/audit")"
grep -qF '(2 inspections, 1 evidence)' "$dir/audit" || fail "audit verify: $(cat "$dir/audit")"
echo "test_tui: ok"
