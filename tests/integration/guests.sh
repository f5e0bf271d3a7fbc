#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Boots husk's freestanding test guests (guest/) on /dev/kvm through both
# kernel loaders, with varied memory sizes, vCPU counts, command lines and
# initrds. Passes the guests' own "ok"/"not ok" lines through, prefixed with
# the run's name, and adds checks of husk's exit status and output.
#
# Environment: O (build dir, default build), HUSK (default $O/husk),
# GUESTS (the guest images, default $O/guest), GUEST_TIMEOUT (seconds per
# boot, default 60).

set -u
O=${O:-build}
HUSK=${HUSK:-$O/husk}
GUESTS=${GUESTS:-$O/guest}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-60}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every run this script makes, for the skip lines when none can.
SUITE=guests
RUNS="bootinfo smp uart power triple-fault pio-bench bad-images"

check_prerequisites() {
	if [ ! -e /dev/kvm ]; then
		skip_all "/dev/kvm not usable (missing)"
	fi
	if ! kvm_usable; then
		skip_all "/dev/kvm not usable (no read/write access)"
	fi
	if [ ! -f "$GUESTS/bootinfo.elf" ]; then
		skip_all "no guests in $GUESTS (make O=$O guests; needs an x86_64 CC)"
	fi
	need_built guests "$HUSK"
}

# run NAME STATUS [--stdin FILE] HUSK-ARGS...: boots one guest, expecting
# husk to exit with STATUS. Leaves the console in $tmp/NAME.out (without
# carriage returns) and husk's messages in $tmp/NAME.err.
run() {
	local name=$1 want=$2 in=/dev/null rc
	shift 2
	if [ "$1" = --stdin ]; then
		in=$2
		shift 2
	fi
	boot "$name" "$in" "$@"
	rc=$?
	sed 's/^/#   /' "$tmp/$name.out" "$tmp/$name.err"
	if [ "$rc" -eq 4 ]; then
		echo "skip - $name: husk found no usable KVM (exit 4)"
		return 1
	fi
	rename_results "$name" <"$tmp/$name.out"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		not_ok "$name exits $want: timed out after ${GUEST_TIMEOUT}s"
	elif [ "$rc" -ne "$want" ]; then
		not_ok "$name exits $want: exit $rc, $(tail -n 1 "$tmp/$name.err")"
	else
		ok "$name exits $want"
	fi
	return 0
}

# The guest's closing plan "1..N" must count the results it printed, so a
# guest that stops half-way cannot pass.
check_plan() {
	local name=$1 plan results
	plan=$(sed -n -E 's/^1\.\.([0-9]+)$/\1/p' "$tmp/$name.out" | tail -n 1)
	results=$(grep -c -E '^(ok|not ok) - ' "$tmp/$name.out")
	if [ -z "$plan" ]; then
		not_ok "$name: guest finished its checks (no closing plan)"
	elif [ "$plan" -ne "$results" ] || [ "$results" -eq 0 ]; then
		not_ok "$name: guest finished its checks ($results results, plan $plan)"
	else
		ok "$name: guest finished its checks ($results)"
	fi
}

# A normal run prints nothing but the guest's console.
check_quiet() {
	if [ -s "$tmp/$1.err" ]; then
		not_ok "$1: husk prints nothing of its own: $(head -n 1 "$tmp/$1.err")"
	else
		ok "$1: husk prints nothing of its own"
	fi
}

# check_output NAME TEXT WHAT: the console holds the line TEXT exactly.
check_output() {
	if grep -q -x -F -- "$2" "$tmp/$1.out"; then
		ok "$1: $3"
	else
		not_ok "$1: $3: no line \"$2\""
	fi
}

# big_mem_ok GIB: whether this host lets husk map GIB GiB of guest RAM. Guest
# RAM is mapped lazily, but outside "always overcommit" mode the kernel
# still refuses a mapping larger than RAM plus swap.
big_mem_ok() {
	local kib
	[ "$(cat /proc/sys/vm/overcommit_memory 2>/dev/null)" = 1 ] && return 0
	kib=$(awk '/^(MemTotal|SwapTotal):/ { s += $2 } END { print s }' \
		/proc/meminfo)
	[ "${kib:-0}" -gt $((($1 + 1) * 1024 * 1024)) ]
}

# bootinfo NAME MEM CPUS INITRD-BYTES (0: none) [elf]
bootinfo() {
	local name=$1 mem=$2 cpus=$3 size=$4 format=${5:-bzImage}
	local args=(--mem "$mem" --cpus "$cpus") initrd sum cmdline
	cmdline="mem=$mem cpus=$cpus text=husk-$name${BOOTINFO_PAD:+ pad=$BOOTINFO_PAD}"
	[ "$format" = elf ] && cmdline="$cmdline loader=elf"
	if [ "$size" -gt 0 ]; then
		initrd=$tmp/$name.initrd
		head -c "$size" /dev/urandom >"$initrd"
		sum=$(cksum <"$initrd" | cut -d ' ' -f 1)
		cmdline="$cmdline initrd_size=$size initrd_cksum=$sum"
		args+=(--initrd "$initrd")
	else
		cmdline="$cmdline initrd=none"
	fi
	run "$name" 0 --kernel "$GUESTS/bootinfo.$format" "${args[@]}" \
		--cmdline "$cmdline" || return
	check_plan "$name"
	check_quiet "$name"
	check_output "$name" "# cmdline: $cmdline" "command line arrives intact"
}

test_bootinfo() {
	bootinfo bootinfo-128M-1cpu 128M 1 5000
	bootinfo bootinfo-1G-2cpu 1G 2 $((1024 * 1024 + 3))
	bootinfo bootinfo-3G-8cpu-noinitrd 3G 8 0
	if big_mem_ok 5; then
		bootinfo bootinfo-5G-4cpu 5G 4 65536
	else
		echo "skip - bootinfo-5G-4cpu: RAM plus swap too small to map 5 GiB"
	fi
	bootinfo bootinfo-elf-256M-2cpu 256M 2 4096 elf
	BOOTINFO_PAD=$(printf 'pad%.0s' $(seq 1 600)) \
		bootinfo bootinfo-long-cmdline 64M 1 0
}

test_smp() {
	local cpus
	for cpus in 1 2 4 8; do
		run "smp-${cpus}cpu" 0 --kernel "$GUESTS/smp.elf" \
			--cpus "$cpus" --cmdline "cpus=$cpus" || continue
		check_plan "smp-${cpus}cpu"
		check_quiet "smp-${cpus}cpu"
	done
	run smp-2cpu-bzimage 0 --kernel "$GUESTS/smp.bzImage" --cpus 2 \
		--mem 64M --cmdline "cpus=2" && check_plan smp-2cpu-bzimage
}

# The second line is sent a second later, so it arrives while the guest
# waits for the receive interrupt.
test_uart() {
	local name=uart
	mkfifo "$tmp/uart.fifo"
	{
		printf 'hello-poll\n'
		sleep 1
		printf 'hello-irq\n'
	} >"$tmp/uart.fifo" &
	run "$name" 0 --stdin "$tmp/uart.fifo" --kernel "$GUESTS/uart.bzImage" \
		--cmdline "line1=hello-poll line2=hello-irq" || return
	wait
	check_plan "$name"
	check_output "$name" "echo-poll: hello-poll" "polled echo"
	check_output "$name" "echo-irq: hello-irq" "interrupt-driven echo"
}

test_power() {
	run power-poweroff 0 --kernel "$GUESTS/power.elf" \
		--cmdline "action=poweroff" || return
	run power-reset-i8042 5 --kernel "$GUESTS/power.bzImage" \
		--cmdline "action=reset"
	run power-reset-acpi 5 --kernel "$GUESTS/power.elf" \
		--cmdline "action=reset-acpi"
}

test_triple_fault() {
	local name=triple-fault
	run "$name" 6 --kernel "$GUESTS/triple-fault.elf" || return
	if grep -q -i 'triple fault' "$tmp/$name.err"; then
		ok "$name: husk names the triple fault"
	else
		not_ok "$name: husk names the triple fault: stderr has no \"triple fault\""
	fi
}

test_pio_bench() {
	local name=pio-bench
	run "$name" 0 --timestamps --kernel "$GUESTS/pio-bench.bzImage" \
		--cmdline "count=2000" || return
	check_plan "$name"
	if grep -q -E '^husk: timestamp mark 11: ' "$tmp/$name.err"; then
		ok "$name: marker port writes show in --timestamps"
	else
		not_ok "$name: marker port writes show in --timestamps: no \"mark 11\""
	fi
}

# Images the bzImage loader must refuse with status 3 (unusable kernel).
test_bad_images() {
	local img=$tmp/old-protocol.bzImage
	cp "$GUESTS/bootinfo.bzImage" "$img"
	printf '\x0b\x02' | dd of="$img" bs=1 seek=$((0x206)) conv=notrunc \
		status=none
	run bad-image-protocol-2.11 3 --kernel "$img"

	img=$tmp/truncated.bzImage
	head -c 2048 "$GUESTS/bootinfo.bzImage" >"$img"
	run bad-image-truncated 3 --kernel "$img"

	img=$tmp/no-64bit.bzImage
	cp "$GUESTS/bootinfo.bzImage" "$img"
	printf '\x00\x00' | dd of="$img" bs=1 seek=$((0x236)) conv=notrunc \
		status=none
	run bad-image-no-xlf-kernel-64 3 --kernel "$img"
}

check_prerequisites
test_bootinfo
test_smp
test_uart
test_power
test_triple_fault
test_pio_bench
test_bad_images
exit 0
