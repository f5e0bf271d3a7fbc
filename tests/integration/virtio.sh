#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Boots the virtio test guest (guest/virtio/) with an entropy device and two
# disks on /dev/kvm: the guest checks the transport, reads and writes the
# images and feeds the devices malformed chains; this script then checks
# the images on the host, that flushed writes survive a kill -9 of husk,
# and that unusable --disk arguments are refused at start-up.
#
# Environment: O (build dir, default build), HUSK (default $O/husk),
# GUESTS (default $O/guest), GUEST_TIMEOUT (seconds per boot, default 60).

set -u
O=${O:-build}
HUSK=${HUSK:-$O/husk}
GUESTS=${GUESTS:-$O/guest}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-60}
SECTORS=2048
SERIAL=husk-test-disk
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

SUITE=virtio
RUNS="no-rng many-devices guest images crash flush bad-disks"

check_prerequisites() {
	if ! kvm_usable; then
		skip_all "/dev/kvm not usable"
	fi
	if [ ! -f "$GUESTS/virtio.elf" ]; then
		skip_all "no $GUESTS/virtio.elf (make O=$O guests; needs an x86_64 CC)"
	fi
	need_built virtio "$HUSK"
}

# pattern PREFIX FIRST COUNT: COUNT 512-byte sectors, sector i holding
# "PREFIX%08d" (20 bytes) repeated; the guest computes the same.
pattern() {
	awk -v p="$1" -v first="$2" -v n="$3" 'BEGIN {
		for (i = first; i < first + n; i++) {
			s = sprintf("%s%08d", p, i); l = s
			while (length(l) < 512) l = l s
			printf "%s", substr(l, 1, 512)
		}
	}'
}

# sectors IMAGE FIRST COUNT: those sectors of IMAGE on stdout.
sectors() {
	dd if="$1" bs=512 skip="$2" count="$3" status=none
}

# same NAME FILE-A FILE-B
same() {
	if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1: contents differ"; fi
}

# run NAME STATUS HUSK-ARGS...: console in $tmp/NAME.out, messages in .err
run() {
	local name=$1 want=$2 rc
	shift 2
	boot "$name" /dev/null "$@"
	rc=$?
	sed 's/^/#   /' "$tmp/$name.err"
	if [ "$rc" -eq 4 ]; then
		echo "skip - $name: husk found no usable KVM (exit 4)"
		return 1
	fi
	rename_results "$name" <"$tmp/$name.out"
	if [ "$rc" -ne "$want" ]; then
		not_ok "$name exits $want: exit $rc, $(tail -n 1 "$tmp/$name.err")"
	else
		ok "$name exits $want"
	fi
}

check_plan() {
	local name=$1 plan results
	plan=$(sed -n -E 's/^1\.\.([0-9]+)$/\1/p' "$tmp/$name.out" | tail -n 1)
	results=$(grep -c -E '^(ok|not ok) - ' "$tmp/$name.out")
	if [ -n "$plan" ] && [ "$plan" -eq "$results" ] && [ "$results" -gt 50 ]; then
		ok "$name: guest finished its checks ($results)"
	else
		not_ok "$name: guest finished its checks" \
			"($results results, plan ${plan:-none})"
	fi
}

make_images() {
	pattern husk-sector- 0 "$SECTORS" >"$tmp/disk.img"
	cp "$tmp/disk.img" "$tmp/ro.img"
	cp "$tmp/disk.img" "$tmp/orig.img"
}

guest_args() {
	echo "--kernel $GUESTS/virtio.elf --mem 128M" \
		"--disk $tmp/disk.img,serial=$SERIAL --disk $tmp/ro.img,ro"
}

GUEST_CMDLINE="rng=0 disk=1 rodisk=2 sectors=$SECTORS serial=$SERIAL"

test_guest() {
	# shellcheck disable=SC2046
	run virtio 0 $(guest_args) --cmdline "$GUEST_CMDLINE" || return
	check_plan virtio
	if [ -s "$tmp/virtio.err" ]; then
		not_ok "virtio: husk prints nothing of its own:" \
			"$(head -n 1 "$tmp/virtio.err")"
	else
		ok "virtio: husk prints nothing of its own, hostile cases included"
	fi
}

# What the guest wrote is in the image; nothing else changed.
test_images() {
	local img=$tmp/disk.img
	pattern guest-wrote- 100 8 >"$tmp/want"
	sectors "$img" 100 8 >"$tmp/got"
	same "virtio images: sectors 100-107 hold the guest's writes" \
		"$tmp/want" "$tmp/got"
	head -c 1024 /dev/zero >"$tmp/want"
	sectors "$img" 200 2 >"$tmp/got"
	same "virtio images: write-zeroes zeroed sectors 200-201" \
		"$tmp/want" "$tmp/got"
	sectors "$img" 0 100 >"$tmp/got"
	sectors "$tmp/orig.img" 0 100 >"$tmp/want"
	same "virtio images: sectors 0-99 untouched" "$tmp/want" "$tmp/got"
	sectors "$img" 300 1748 >"$tmp/got"
	sectors "$tmp/orig.img" 300 1748 >"$tmp/want"
	same "virtio images: sectors 300-2047 untouched" "$tmp/want" "$tmp/got"
	same "virtio images: the read-only image is unchanged" \
		"$tmp/orig.img" "$tmp/ro.img"
	if [ "$(stat -c %s "$img")" -eq $((SECTORS * 512)) ]; then
		ok "virtio images: size unchanged"
	else
		not_ok "virtio images: size unchanged: $(stat -c %s "$img") bytes"
	fi
}

# While another husk runs with the image, a second one may not open it.
second_husk() {
	local rc
	"$HUSK" --kernel "$GUESTS/virtio.elf" --disk "$tmp/disk.img,ro" \
		</dev/null >/dev/null 2>"$tmp/second.err"
	rc=$?
	if [ "$rc" -eq 3 ] && grep -q 'in use by another' "$tmp/second.err"; then
		ok "virtio lock: a second husk is refused the image (exit 3)"
	else
		not_ok "virtio lock: a second husk is refused the image:" \
			"exit $rc, $(head -n 1 "$tmp/second.err")"
	fi
}

# The guest writes, flushes, says so, and husk dies by SIGKILL at once:
# the flushed sectors must be in the image.
test_crash() {
	local pid
	make_images
	# shellcheck disable=SC2046
	"$HUSK" $(guest_args) --cmdline "$GUEST_CMDLINE mode=crash" \
		</dev/null >"$tmp/crash.out" 2>"$tmp/crash.err" &
	pid=$!
	wait_for "$tmp/crash.out" '^# flushed' "$GUEST_TIMEOUT" "$pid"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if ! grep -q '^# flushed' "$tmp/crash.out"; then
		sed 's/^/#   /' "$tmp/crash.out" "$tmp/crash.err"
		not_ok "virtio crash: guest flushed before the kill"
		return
	fi
	ok "virtio crash: guest flushed before the kill"
	pattern crash-flush- 300 8 >"$tmp/want"
	sectors "$tmp/disk.img" 300 8 >"$tmp/got"
	same "virtio crash: flushed sectors survive kill -9" "$tmp/want" \
		"$tmp/got"
}

# The guest's flush completes only after fdatasync(2) on the image has
# returned: strace sees the call before the guest says "# flushed". Then,
# with that husk still running, a second one may not open the image.
test_flush_syscall() {
	local pid trace=()
	make_images
	if command -v strace >/dev/null; then
		trace=(strace -f -qq -e trace=fdatasync -o "$tmp/strace.log")
	fi
	# shellcheck disable=SC2046
	"${trace[@]}" "$HUSK" $(guest_args) \
		--cmdline "$GUEST_CMDLINE mode=crash" \
		</dev/null >"$tmp/flush.out" 2>"$tmp/flush.err" &
	pid=$!
	wait_for "$tmp/flush.out" '^# flushed' "$GUEST_TIMEOUT" "$pid"
	grep -q 'fdatasync([0-9]*) *= 0' "$tmp/strace.log" 2>/dev/null
	local synced=$?
	grep -q '^# flushed' "$tmp/flush.out" && second_husk
	# shellcheck disable=SC2046
	kill -9 $(pgrep -P "$pid") "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ "${#trace[@]}" -eq 0 ]; then
		echo "skip - virtio flush: strace not installed"
	elif ! grep -q '^# flushed' "$tmp/flush.out"; then
		echo "skip - virtio flush: the guest did not run under strace:" \
			"$(head -n 1 "$tmp/flush.err")"
	elif [ "$synced" -eq 0 ]; then
		ok "virtio flush: fdatasync(2) returned before the guest saw it"
	else
		not_ok "virtio flush: fdatasync(2) returned before the guest saw it"
	fi
}

# bad_disk NAME STATUS MESSAGE DISK-ARG
bad_disk() {
	local name=$1 want=$2 msg=$3
	run "$name" "$want" --kernel "$GUESTS/virtio.elf" --disk "$4" || return
	if grep -q -F -- "$msg" "$tmp/$name.err"; then
		ok "$name: message names the problem"
	else
		not_ok "$name: message names the problem: no \"$msg\""
	fi
}

test_bad_disks() {
	head -c 1000 /dev/zero >"$tmp/odd.img"
	bad_disk bad-disk-size 3 "not a multiple of 512" "$tmp/odd.img"
	bad_disk bad-disk-missing 3 "No such file" "$tmp/none.img"
	bad_disk bad-disk-dir 3 "Is a directory" "$tmp"
	bad_disk bad-disk-option 2 "unknown option" "$tmp/disk.img,rw"
}

# --no-rng leaves the entropy device out: the first disk takes slot 0.
test_no_rng() {
	run no-rng 0 --kernel "$GUESTS/virtio.elf" --no-rng \
		--disk "$tmp/disk.img" --disk "$tmp/ro.img,ro" \
		--cmdline "mode=list" || return
	if grep -q -x '# slot 0 device 2' "$tmp/no-rng.out" &&
		grep -q -x '# slot 1 device 2' "$tmp/no-rng.out" &&
		! grep -q 'device 4$' "$tmp/no-rng.out"; then
		ok "no-rng: two disks at slots 0 and 1, no entropy device"
	else
		not_ok "no-rng: two disks at slots 0 and 1, no entropy device"
	fi
}

# The entropy device and 16 disks (GSI 5 to 21): all found, all in the
# DSDT.
test_many() {
	local args=() _
	for _ in $(seq 1 16); do
		args+=(--disk "$tmp/ro.img,ro")
	done
	run many-devices 0 --kernel "$GUESTS/virtio.elf" "${args[@]}" \
		--cmdline "mode=list" || return
	if [ "$(grep -c -E '^# slot [0-9]+ device [24]$' \
		"$tmp/many-devices.out")" -eq 17 ]; then
		ok "many-devices: 17 devices found"
	else
		not_ok "many-devices: 17 devices found"
	fi
}

check_prerequisites
make_images
test_no_rng
test_many
test_guest
test_images
test_crash
test_flush_syscall
test_bad_disks
exit 0
