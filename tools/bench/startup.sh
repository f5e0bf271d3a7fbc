#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The startup section: how long husk takes from exec to the guest's first
# instruction. Two parts, each a median: the cost of exec'ing husk at all
# (the dynamic loader and libc start-up, measured by hyperfine on
# `husk --version`), and husk's own start-up from main() to the guest's
# first instruction (tools/bench/guest/pio.S marks it on port 0x4f0 with
# its fourth instruction; husk timestamps it in --metrics).

set -u
O=${O:-build}
husk=$O/husk
guest=$O/bench/pio.elf
runs=${BENCH_STARTUP_RUNS:-21}
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

echo "## startup"
echo

missing=
[ -x "$husk" ] || missing="$missing $husk"
[ -f "$guest" ] || missing="$missing $guest"
command -v hyperfine >/dev/null || missing="$missing hyperfine"
[ -c /dev/kvm ] && [ -w /dev/kvm ] || missing="$missing /dev/kvm"
if [ -n "$missing" ]; then
	echo "**NOT MEASURED: missing:$missing.**"
	echo
	exit 0
fi

median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Prints "first_kvm_run_ns mark1_ns" of one run, from husk's metrics.
once() {
	local m=$work/m.json
	rm -f "$m"
	"$husk" --kernel "$guest" --mem 16M --metrics "$m" \
		>/dev/null 2>&1 </dev/null
	[ -s "$m" ] || return 0
	tr '{' '\n' <"$m" | awk '
		/"first_kvm_run":/ {
			match($0, /"first_kvm_run":[0-9]+/)
			run = substr($0, RSTART + 16, RLENGTH - 16)
		}
		/"value":1,/ {
			match($0, /"ns":[0-9]+/)
			mark = substr($0, RSTART + 5, RLENGTH - 5)
		}
		END { if (run != "" && mark != "") print run, mark }'
}

: >"$work/run"
: >"$work/mark"
for _ in $(seq 1 "$runs"); do
	read -r run mark < <(once)
	[ -n "${mark:-}" ] || continue
	echo "$run" >>"$work/run"
	echo "$mark" >>"$work/mark"
done
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/exec.json" \
	"$husk --version" >/dev/null 2>&1

exec_s=$(sed -n 's/.*"median": *\([0-9.e-]*\).*/\1/p' "$work/exec.json" |
	head -n 1)
run_ns=$(median <"$work/run")
mark_ns=$(median <"$work/mark")
if [ -z "$exec_s" ] || [ -z "$mark_ns" ]; then
	echo "**NOT MEASURED: husk did not report its marks or hyperfine failed.**"
	echo
	exit 0
fi

awk -v e="$exec_s" -v r="$run_ns" -v m="$mark_ns" -v n="$runs" 'BEGIN {
	printf "Medians of %d runs of husk booting `tools/bench/guest/pio.S`", n
	printf " (16 MiB, 1 vCPU).\n\n"
	print "| part | ms |"
	print "|---|---:|"
	printf "| exec to exit of `husk --version` (loader, libc) | %.3f |\n", e * 1000
	printf "| main() to the first KVM_RUN | %.3f |\n", r / 1e6
	printf "| main() to the guest'"'"'s first instruction (mark 1) | %.3f |\n", m / 1e6
	printf "| **exec to the guest'"'"'s first instruction** | **%.3f** |\n\n", e * 1000 + m / 1e6
}'
