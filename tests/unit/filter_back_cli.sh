#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The husk-filter command line: exit statuses, diagnostics, the three
# output formats on every architecture, dump and sim.

set -u
O=${O:-build}
hf=$O/husk-filter
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {
	local name=$1
	shift
	if "$@"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
	fi
}

status() {
	"$@" >/dev/null 2>&1
	echo $?
}

cat >"$tmp/vcpu.policy" <<'POLICY'
default kill
hot ioctl
read
write
exit_group
ioctl: (u32)arg1 == KVM_RUN
ioctl -> errno 25
POLICY
printf 'read\nbogus_call\n' >"$tmp/bad.policy"
for i in $(seq 700); do
	echo "ioctl: arg1 == $((i + 4294967296)) && arg2 == $i -> errno 1"
done >"$tmp/big.policy"

check "no command is bad usage" [ "$(status "$hf")" = 2 ]
check "compile without --arch is bad usage" \
	[ "$(status "$hf" compile "$tmp/vcpu.policy")" = 2 ]
pol=$tmp/vcpu.policy
check "unknown format is bad usage" \
	[ "$(status "$hf" compile --arch x86_64 --format xml "$pol")" = 2 ]
check "a --name that is no C identifier is bad usage" \
	[ "$(status "$hf" compile --arch x86_64 --name 1x "$pol")" = 2 ]
check "--help documents the exit statuses" \
	grep -q "Exit status" <("$hf" --help)

out=$("$hf" compile --arch x86_64 "$tmp/bad.policy" 2>&1 >/dev/null)
rc=$?
check "a policy error exits 1" [ "$rc" = 1 ]
check "a policy error says file:line:col" \
	grep -q "bad.policy:2:1: " <<<"$out"

out=$("$hf" compile --arch x86_64 -o "$tmp/big.c" "$tmp/big.policy" 2>&1)
rc=$?
check "a program over 4096 instructions exits 1" [ "$rc" = 1 ]
check "the size error names the policy" grep -q "big.policy.*4096" <<<"$out"
check "no output is left behind on error" [ ! -e "$tmp/big.c" ]

for arch in x86_64 aarch64 riscv64; do
	bin=$tmp/vcpu-$arch.bin
	"$hf" compile --arch "$arch" --format bin -o "$bin" "$tmp/vcpu.policy"
	check "$arch: binary compiles" [ -s "$bin" ]
	check "$arch: binary is whole instructions" \
		[ $(($(stat -c %s "$bin") % 8)) = 0 ]
	check "$arch: dump starts with the arch check" \
		grep -q "^   0: ld \[arch\]$" <("$hf" dump "$bin")
	check "$arch: dump reads standard input" \
		cmp -s <("$hf" dump "$bin") <("$hf" dump - <"$bin")
	check "$arch: KVM_RUN runs 7 instructions" \
		grep -qx "ALLOW after 7 instructions" \
		<("$hf" sim --arch "$arch" "$bin" ioctl 3 KVM_RUN)
	sim=("$hf" sim --arch "$arch" "$bin")
	check "$arch: other ioctls get errno" \
		grep -q "^ERRNO(25) " <("${sim[@]}" ioctl 3 0x5401)
	check "$arch: read is cached by the kernel" \
		grep -q "action cache allows" <("${sim[@]}" read)
	check "$arch: unlisted syscall is killed" \
		grep -q "^KILL_PROCESS " <("${sim[@]}" close 1)
	"$hf" compile --arch "$arch" --name vcpu -o "$tmp/vcpu-$arch.c" \
		"$tmp/vcpu.policy"
	check "$arch: generated C compiles" \
		${HOSTCC:-cc} -Wall -Werror -c -o "$tmp/vcpu-$arch.o" \
		"$tmp/vcpu-$arch.c"
done

check "x32 numbers are killed" \
	grep -q "^KILL_PROCESS " \
	<("$hf" sim --arch x86_64 "$tmp/vcpu-x86_64.bin" 0x40000000)
printf 'abc' >"$tmp/odd.bin"
check "a file that is no program exits 1" \
	[ "$(status "$hf" dump "$tmp/odd.bin")" = 1 ]
check "names writes the name table" \
	grep -q '\[16\] = "ioctl"' <("$hf" names --arch x86_64)

if command -v script >/dev/null; then
	script -qec "$hf compile --arch x86_64 --format bin $tmp/vcpu.policy" \
		/dev/null >"$tmp/tty.out" 2>&1
	check "binary output to a terminal is refused" \
		grep -q "refusing to write a binary" "$tmp/tty.out"
else
	echo "skip - binary output to a terminal: script(1) is missing"
fi
