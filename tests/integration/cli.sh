#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Checks husk's command line and its answers to bad input: exit statuses
# and the one-line messages, for missing, garbage and truncated kernels,
# bad --mem and --cpus values, a missing KVM device, and an initrd that
# does not fit. Tiny hand-made bzImages also check that power-off, reset
# and the mark port reach the documented exit statuses and metrics.
#
# Environment: O (build dir, default build), HUSK (default $O/husk).

set -u
O=${O:-build}
HUSK=${HUSK:-$O/husk}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$HUSK" ]; then
	echo "skip - cli: $HUSK is not built"
	exit 0
fi

kvm_ok=0
kvm_usable && kvm_ok=1

# expect NAME STATUS PATTERN -- HUSK-ARGS...: runs husk, checks its exit
# status and that stdout+stderr match PATTERN (grep -E; empty: anything).
expect() {
	local name=$1 want=$2 pattern=$3 rc
	shift 4
	timeout 20 "$HUSK" "$@" </dev/null >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		not_ok "$name: exit $rc, expected $want"
		sed 's/^/#   /' "$tmp/out" | head -n 5
	elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$tmp/out"; then
		not_ok "$name: output lacks /$pattern/"
		sed 's/^/#   /' "$tmp/out" | head -n 5
	else
		ok "$name"
	fi
}

# Like expect, but only where /dev/kvm works.
expect_kvm() {
	if [ "$kvm_ok" -eq 1 ]; then
		expect "$@"
	else
		echo "skip - $1: /dev/kvm not usable"
	fi
}

# The guests' code: a reset through the i8042, a mark of 42 then power-off.
RESET=$(outb 0x64 0xfe)$HALT
MARK_THEN_POWEROFF=$(outb 0x4f0 42)$POWEROFF

mkbz "$tmp/poweroff.bz" "$POWEROFF"
mkbz "$tmp/reset.bz" "$RESET"
mkbz "$tmp/mark.bz" "$MARK_THEN_POWEROFF"
head -c 3000 "$tmp/poweroff.bz" >"$tmp/truncated.bz"
head -c 100000 /dev/urandom >"$tmp/garbage"
: >"$tmp/empty"
truncate -s 64M "$tmp/big.initrd"
NOKVM=(--kvm-device "$tmp/no-such-kvm")

# The command line itself.
expect "--help" 0 "Usage: husk --kernel" -- --help
"$HUSK" --help >"$tmp/help"
for opt in kernel initrd cmdline mem cpus kvm-device log-level timestamps \
	metrics help version; do
	if grep -q -- "--$opt" "$tmp/help"; then
		ok "--help lists --$opt"
	else
		not_ok "--help lists --$opt"
	fi
done
expect "--version" 0 "^husk [0-9]+\.[0-9]+" -- --version
expect "no arguments" 2 "--kernel is required" --
expect "unknown option" 2 "unknown option" -- --frobnicate
expect "missing option argument" 2 "needs an argument" -- --kernel
expect "stray argument" 2 "unexpected argument" -- --kernel x extra
expect "bad --log-level" 2 "--log-level loud" -- --kernel x --log-level=loud

# Sizes and counts, refused before KVM is even opened.
expect "--mem not a number" 2 "--mem" -- --kernel x --mem lots
expect "--mem bad suffix" 2 "--mem" -- --kernel x --mem 12X
expect "--mem negative" 2 "--mem" -- --kernel x --mem=-1G
expect "--mem below minimum" 2 "minimum" -- --kernel x --mem 1M
expect "--mem overflow" 2 "too large" -- --kernel x --mem 99999999999999999999G
expect "--mem not page sized" 2 "multiple of 4K" -- --kernel x --mem 5001K
expect "--cpus zero" 2 "--cpus" -- --kernel x --cpus 0
expect "--cpus negative" 2 "--cpus" -- --kernel x --cpus -2
expect "--cpus not a number" 2 "--cpus" -- --kernel x --cpus two
expect "--cpus overflow" 2 "--cpus" -- --kernel x --cpus 99999999999999999999

# Both long option forms parse: the run gets as far as opening KVM.
expect "--mem=256M form" 4 "no-such-kvm" -- --kernel x --mem=256M "${NOKVM[@]}"
expect "--mem 256M form" 4 "no-such-kvm" -- --kernel x --mem 256M "${NOKVM[@]}"

# No usable KVM device.
expect "KVM device missing" 4 "no-such-kvm: No such file" -- \
	--kernel "$tmp/poweroff.bz" "${NOKVM[@]}"
expect "KVM device not KVM" 4 "not a KVM device" -- \
	--kernel "$tmp/poweroff.bz" --kvm-device /dev/null

# Limits that need KVM's answer or the host's size.
expect_kvm "--cpus above the limit" 2 "at most" -- \
	--kernel "$tmp/poweroff.bz" --cpus 100000
expect_kvm "--mem above host RAM" 2 "host" -- \
	--kernel "$tmp/poweroff.bz" --mem 4096T

# Kernels husk must refuse.
expect_kvm "kernel missing" 3 "No such file" -- --kernel "$tmp/nope"
expect_kvm "kernel is a directory" 3 "not a regular file" -- --kernel "$tmp"
expect_kvm "kernel empty" 3 "not a bzImage or ELF64" -- --kernel "$tmp/empty"
expect_kvm "kernel garbage" 3 "not a bzImage or ELF64" -- \
	--kernel "$tmp/garbage"
expect_kvm "bzImage truncated" 3 "truncated" -- --kernel "$tmp/truncated.bz"
expect_kvm "kernel needs more RAM" 3 "needs [0-9]+ MiB" -- \
	--kernel "$tmp/poweroff.bz" --mem 8M
expect_kvm "initrd missing" 3 "initrd .*No such file" -- \
	--kernel "$tmp/poweroff.bz" --initrd "$tmp/nope"
expect_kvm "initrd too large" 3 "does not fit" -- \
	--kernel "$tmp/poweroff.bz" --mem 32M --initrd "$tmp/big.initrd"
expect_kvm "cmdline too long" 2 "at most 2047" -- \
	--kernel "$tmp/poweroff.bz" --cmdline "$(head -c 3000 /dev/zero | tr '\0' x)"

# Tiny guests: how a run ends decides the status.
expect_kvm "guest power-off" 0 "" -- --kernel "$tmp/poweroff.bz"
expect_kvm "guest power-off, 4 vCPUs, RAM above 4 GiB" 0 "" -- \
	--kernel "$tmp/poweroff.bz" --cpus 4 --mem 5G
expect_kvm "guest reset" 5 "" -- --kernel "$tmp/reset.bz"
expect_kvm "--timestamps" 0 "timestamp mark 42: " -- \
	--kernel "$tmp/mark.bz" --timestamps
expect_kvm "--metrics" 0 "" -- --kernel "$tmp/mark.bz" \
	--metrics "$tmp/metrics.json"
if [ "$kvm_ok" -eq 1 ]; then
	if grep -q '"marks":\[{"value":42,"ns":[0-9]*}\]' "$tmp/metrics.json" &&
		grep -q '"exit_status":0' "$tmp/metrics.json"; then
		ok "--metrics JSON holds the mark and the status"
	else
		not_ok "--metrics JSON holds the mark and the status"
		sed 's/^/#   /' "$tmp/metrics.json"
	fi
else
	echo "skip - --metrics JSON holds the mark and the status: /dev/kvm not usable"
fi
exit 0
