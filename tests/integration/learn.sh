#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# `husk-filter learn` over husk: every guest run of guests.sh and every
# run of cli.sh, in log mode, must show nothing missing from the role
# policies; and a husk built with vcpu.policy less its 'exit' line
# (tests/husk-reduced) must be reported as missing exactly that.
#
# Environment: O (build dir, default build), HUSK (default $O/husk),
# HUSK_FILTER (default $O/husk-filter), GUESTS (default $O/guest).

set -u
O=${O:-build}
HUSK=${HUSK:-$O/husk}
HUSK_FILTER=${HUSK_FILTER:-$O/husk-filter}
HUSK_REDUCED=${HUSK_REDUCED:-$O/tests/husk-reduced}
GUESTS=${GUESTS:-$O/guest}
here=$(dirname "$0")
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

SUITE=learn
RUNS="guests cli reduced"
kvm_usable || skip_all "/dev/kvm not usable"
need_built learn "$HUSK" "$HUSK_FILTER" "$HUSK_REDUCED"

# learn_suite NAME SCRIPT: runs SCRIPT's husks under learn; learn's own
# output must be empty and its status 0, and SCRIPT must pass in log mode.
learn_suite() {
	local name=$1 script=$2 rc
	"$HUSK_FILTER" learn -- env O="$O" HUSK="$HUSK" GUESTS="$GUESTS" \
		bash "$script" >"$tmp/$name.learn" 2>"$tmp/$name.err" \
		3>&1 </dev/null
	rc=$?
	sed 's/^/#   /' "$tmp/$name.learn" "$tmp/$name.err" | tail -n 20
	if [ "$rc" -eq 0 ] && ! grep -q '^# missing' "$tmp/$name.learn"; then
		ok "learn over $name.sh: nothing missing"
	else
		not_ok "learn over $name.sh: nothing missing (exit $rc)"
	fi
}

# The suites' own output goes to a file: their ok lines are not ours.
cat >"$tmp/guests.sh" <<EOS
bash "$here/guests.sh" >"$tmp/guests.log" 2>&1
EOS
cat >"$tmp/cli.sh" <<EOS
bash "$here/cli.sh" >"$tmp/cli.log" 2>&1
EOS
learn_suite guests "$tmp/guests.sh"
learn_suite cli "$tmp/cli.sh"
for s in guests cli; do
	if grep -q '^not ok' "$tmp/$s.log" || ! grep -q '^ok' "$tmp/$s.log"; then
		not_ok "$s.sh passes in log mode"
		grep '^not ok' "$tmp/$s.log" | sed 's/^/#   /' | head -n 5
	else
		ok "$s.sh passes in log mode"
	fi
done

# A policy one line short: learn names that syscall and nothing else.
# Sanitizer builds allow 'exit' in every role (filter/sanitizer.policy).
if grep -q __asan_init "$HUSK_REDUCED"; then
	echo "skip - learn names the one syscall a reduced vcpu.policy lacks: sanitizer build, whose roles all allow exit"
	exit 0
fi
# (The guest's console goes to a file of its own.)
"$HUSK_FILTER" learn -- sh -c 'exec "$@" >"$0"' "$tmp/reduced.console" \
	"$HUSK_REDUCED" --kernel "$GUESTS/power.elf" --cmdline action=poweroff \
	</dev/null >"$tmp/reduced.out" 2>"$tmp/reduced.err"
rc=$?
printf '# missing from filter/vcpu.policy\nexit\t# learned: vcpu thread, 1 call\n' \
	>"$tmp/reduced.want"
sed 's/^/#   /' "$tmp/reduced.out" "$tmp/reduced.err"
if [ "$rc" -eq 1 ] && cmp -s "$tmp/reduced.out" "$tmp/reduced.want"; then
	ok "learn names the one syscall a reduced vcpu.policy lacks"
else
	not_ok "learn names the one syscall a reduced vcpu.policy lacks (exit $rc)"
fi
exit 0
