#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The filter section: husk's role policies and the benchmark's own, each
# compiled by husk and by libseccomp, compared by tools/bench/filter_bench.
# BENCH_ITERS and BENCH_ROUNDS tune the in-kernel timing.

set -u
O=${O:-build}
bench=$O/bench/filter_bench

policies=()
for p in filter/*.policy tools/bench/policies/*.policy; do
	[ -e "$p" ] && policies+=("$p")
done

if [ ! -x "$bench" ]; then
	printf '## filter\n\n**NOT MEASURED: %s did not build' "$bench"
	printf ' (it needs the filter front end, filter/module.mk and'
	printf ' libseccomp-dev); see the make output above the report.**\n\n'
	exit 0
fi
if [ ${#policies[@]} -eq 0 ]; then
	printf '## filter\n\n**NOT MEASURED: no policy files found.**\n\n'
	exit 0
fi

"$bench" --iters "${BENCH_ITERS:-200000}" --rounds "${BENCH_ROUNDS:-15}" \
	"${policies[@]}"
exit 0
