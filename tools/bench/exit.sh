#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The exit section: the round-trip cost of a port-I/O exit under husk and
# under tools/bench/bare_kvm, a KVM_RUN loop that only counts, both running
# the same guest (tools/bench/guest/pio.S) side by side, interleaved.
# Target: husk within 1.2x of the bare loop.

set -u
O=${O:-build}
husk=$O/husk
bare=$O/bench/bare_kvm
guest=$O/bench/pio.elf
count=${BENCH_PIO_COUNT:-20000}
rounds=${BENCH_EXIT_ROUNDS:-11}
TARGET=1.2
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

echo "## exit"
echo

missing=
[ -x "$bare" ] || missing="$missing $bare"
[ -f "$guest" ] || missing="$missing $guest"
[ -x "$husk" ] || missing="$missing $husk"
if [ ! -c /dev/kvm ] || [ ! -w /dev/kvm ]; then
	missing="$missing /dev/kvm"
fi
if [ -n "$missing" ]; then
	echo "**NOT MEASURED: missing:$missing.**"
	echo
	exit 0
fi

# Marks 1 and 2 bracket $count exits plus the second mark's own exit.
exits=$((count + 1))

# Prints nanoseconds per exit of one husk run, or nothing.
husk_once() {
	local m=$work/metrics.json
	rm -f "$m"
	"$husk" --kernel "$guest" --mem 16M --metrics "$m" \
		>"$work/husk.out" 2>"$work/husk.err" </dev/null
	echo $? >"$work/husk.rc"
	[ -s "$m" ] || return 0
	tr '{' '\n' <"$m" | awk -v n="$exits" '
		function ns() {
			match($0, /"ns":[0-9]+/)
			return substr($0, RSTART + 5, RLENGTH - 5)
		}
		/"value":1,/ { a = ns() }
		/"value":2,/ { b = ns() }
		END { if (a != "" && b != "") printf "%.1f\n", (b - a) / n }'
}

bare_once() {
	"$bare" "$guest" 2>"$work/bare.err" |
		sed -n 's/.*ns_per_exit \([0-9.]*\).*/\1/p'
}

median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit
		if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

: >"$work/husk.ns"
: >"$work/bare.ns"
: >"$work/ratio"
for r in $(seq 1 "$rounds"); do
	if [ $((r % 2)) -eq 1 ]; then
		hr=$(husk_once)
		br=$(bare_once)
	else
		br=$(bare_once)
		hr=$(husk_once)
	fi
	[ -n "$hr" ] && echo "$hr" >>"$work/husk.ns"
	[ -n "$br" ] && echo "$br" >>"$work/bare.ns"
	# Neighbouring runs share the machine's mood: compare them in pairs.
	[ -n "$hr" ] && [ -n "$br" ] &&
		awk -v h="$hr" -v b="$br" 'BEGIN { printf "%.3f\n", h / b }' \
			>>"$work/ratio"
done
h=$(median <"$work/husk.ns")
b=$(median <"$work/bare.ns")
q=$(median <"$work/ratio")

echo "Guest: \`tools/bench/guest/pio.S\`, $count \`out\` to port 0x80" \
	"between marks 1 and 2 on port 0x4f0, in 64-bit mode. husk times"
echo "the marks itself (\`--metrics\`); bare_kvm times them in its loop."
echo "$rounds rounds, each a husk run and a bare_kvm run back to back" \
	"(order alternating); the target uses the median of the per-round"
echo "ratios, which cancels most of the machine's drift."
echo
echo "| monitor | ns per exit (median) | runs |"
echo "|---|---:|---|"
echo "| husk | ${h:-**FAILED**} | $(tr '\n' ' ' <"$work/husk.ns") |"
echo "| bare_kvm | ${b:-**FAILED**} | $(tr '\n' ' ' <"$work/bare.ns") |"
echo "| husk/bare per round | ${q:-n/a} | $(tr '\n' ' ' <"$work/ratio") |"
echo
if [ -z "$h" ]; then
	echo "- **FAIL**: husk gave no marks (exit status" \
		"$(cat "$work/husk.rc")); its last words:"
	echo
	echo '```'
	tail -n 6 "$work/husk.err"
	echo '```'
elif [ -z "$b" ]; then
	echo "- **FAIL**: bare_kvm failed: $(tail -n 1 "$work/bare.err")"
else
	awk -v r="$q" -v m="$(awk -v h="$h" -v b="$b" \
		'BEGIN { printf "%.2f", h / b }')" -v t="$TARGET" 'BEGIN {
		printf "- %s: husk/bare = %.2f, median of per-round ratios" \
			" (ratio of medians %s; target <= %.1f)\n",
			r <= t ? "PASS" : "**FAIL**", r, m, t }'
fi
echo

# The pio-bench test guest reports its own per-exit cost from inside.
pio=$O/guest/pio-bench.elf
if [ -f "$pio" ]; then
	echo "\`$pio\` under husk, as the guest measures itself with the TSC" \
		"(a different guest from the one above, so not a ratio):"
	echo
	echo '```'
	"$husk" --kernel "$pio" --mem 64M </dev/null 2>&1 |
		grep -a '^bench:\|not ok\|husk:' | head -n 12
	echo '```'
else
	echo "The \`pio-bench\` test guest is not built ($pio);" \
		"its in-guest figures are not shown."
fi
echo
