#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Boots the virtio-net test guest (guest/virtio-net/) on /dev/kvm with a
# tap in a network namespace of its own, 10.0.0.1/24 on the host side:
# the guest resolves the host with ARP and sends it a UDP datagram (a
# busybox nc listener must receive it), the host pings the guest with
# small and large frames (the guest answers ARP and ICMP echo), then sends
# it "quit". The datagram is read with python3 if there is one. Also: a tap husk creates vanishes when husk exits, and bad
# --net arguments and a tun device of the name are refused at start-up.
# Needs root (network namespaces), /dev/net/tun, ip and busybox.
#
# Environment: O (build dir, default build), HUSK (default $O/husk),
# GUESTS (default $O/guest), GUEST_TIMEOUT (seconds per boot, default 60).

set -u
O=${O:-build}
HUSK=${HUSK:-$O/husk}
GUESTS=${GUESTS:-$O/guest}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-60}
NS=husk-net-$$
TAP=htap0
GUEST_MAC=02:00:00:00:00:02
PORT=7777
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	ip netns del "$NS" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

SUITE=net
RUNS="guest udp ping ping-large exit created-tap bad-args tun"

check_prerequisites() {
	if [ "$(id -u)" -ne 0 ]; then
		skip_all "needs root for a network namespace and a tap"
	fi
	if [ ! -c /dev/net/tun ]; then
		skip_all "no /dev/net/tun (modprobe tun)"
	fi
	if ! command -v ip >/dev/null || ! command -v busybox >/dev/null; then
		skip_all "needs ip (iproute2) and busybox"
	fi
	if ! kvm_usable; then
		skip_all "/dev/kvm not usable"
	fi
	if [ ! -f "$GUESTS/virtio-net.elf" ]; then
		skip_all "no $GUESTS/virtio-net.elf (make O=$O guests; needs an x86_64 CC)"
	fi
	need_built net "$HUSK"
	if ! ip netns add "$NS"; then
		skip_all "ip netns add failed"
	fi
}

in_ns() { ip netns exec "$NS" "$@"; }

setup_tap() {
	in_ns ip link set lo up &&
		in_ns ip tuntap add dev "$TAP" mode tap &&
		in_ns ip addr add 10.0.0.1/24 dev "$TAP" &&
		in_ns ip link set "$TAP" up
}

# wait_exit PID SECONDS: the exit status, or 124 after a kill.
wait_exit() {
	local _
	for _ in $(seq 1 $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null && kill -9 "$1"
	wait "$1"
}

guest_cmdline() {
	echo "net=0 mac=$GUEST_MAC ip=10.0.0.2 hostip=10.0.0.1 port=$PORT $*"
}

# One datagram to 10.0.0.1:PORT into $tmp/udp (busybox nc has no UDP).
start_listener() {
	listener=
	command -v python3 >/dev/null || return
	in_ns timeout -k 2 "$GUEST_TIMEOUT" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.1", int(sys.argv[1])))
print("listening", flush=True)
sys.stdout.buffer.write(s.recv(2048))
' "$PORT" >"$tmp/udp" 2>"$tmp/udp.err" &
	listener=$!
	wait_for "$tmp/udp" listening 10 "$listener"
}

check_udp() {
	if [ -z "$listener" ]; then
		echo "skip - net udp: no python3 to receive the guest's datagram"
		return
	fi
	wait "$listener" 2>/dev/null
	if grep -q husk-net-hello "$tmp/udp"; then
		ok "net udp: the host received the guest's datagram"
	else
		sed 's/^/#   /' "$tmp/udp.err"
		not_ok "net udp: the host received the guest's datagram: got '$(head -c 80 "$tmp/udp")'"
	fi
}

# ping_guest NAME SIZE
ping_guest() {
	if in_ns busybox ping -c 3 -W 2 -s "$2" 10.0.0.2 >"$tmp/$1" 2>&1 &&
		grep -q '3 packets received' "$tmp/$1"; then
		ok "net $1: the guest answers 3 echo requests of $2 bytes"
	else
		sed 's/^/#   /' "$tmp/$1"
		not_ok "net $1: the guest answers 3 echo requests of $2 bytes"
	fi
}

test_guest() {
	local pid rc
	setup_tap || { not_ok "net guest: tap set-up in $NS failed"; return; }
	start_listener
	in_ns "$HUSK" --kernel "$GUESTS/virtio-net.elf" --no-rng \
		--net "tap=$TAP,mac=$GUEST_MAC" \
		--cmdline "$(guest_cmdline serve=$((GUEST_TIMEOUT / 2)))" \
		</dev/null >"$tmp/guest.raw" 2>"$tmp/guest.err" &
	pid=$!
	if ! wait_for "$tmp/guest.raw" '^# net ready' 20 "$pid"; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		tr -d '\r' <"$tmp/guest.raw" | sed 's/^/#   /'
		sed 's/^/#   /' "$tmp/guest.err"
		not_ok "net guest: the guest reached the host"
		return
	fi
	ping_guest ping 56
	ping_guest ping-large 1400
	in_ns bash -c "echo -n quit >/dev/udp/10.0.0.2/$PORT"
	wait_exit "$pid" "$GUEST_TIMEOUT"
	rc=$?
	tr -d '\r' <"$tmp/guest.raw" >"$tmp/guest.out"
	sed 's/^/#   /' "$tmp/guest.err"
	rename_results "net guest" <"$tmp/guest.out"
	grep '^#' "$tmp/guest.out"
	if [ "$rc" -eq 0 ] && grep -q '^1\.\.' "$tmp/guest.out"; then
		ok "net exit: husk exits 0 after the guest's checks"
	else
		not_ok "net exit: husk exits 0 after the guest's checks: exit $rc"
	fi
	check_udp
}

# A tap that does not exist is created by husk (root) and gone at exit.
test_created_tap() {
	local pid seen=no
	in_ns "$HUSK" --kernel "$GUESTS/virtio-net.elf" --no-rng \
		--net tap=hnew0 --cmdline "$(guest_cmdline arpwait=1)" \
		</dev/null >"$tmp/new.out" 2>"$tmp/new.err" &
	pid=$!
	for _ in $(seq 1 50); do
		if in_ns ip link show hnew0 >/dev/null 2>&1; then
			seen=yes
			break
		fi
		sleep 0.1
	done
	wait_exit "$pid" "$GUEST_TIMEOUT" >/dev/null
	if [ $seen = yes ] && ! in_ns ip link show hnew0 >/dev/null 2>&1; then
		ok "net created-tap: husk created hnew0 and it vanished at exit"
	else
		not_ok "net created-tap: husk created hnew0 ($seen) and it vanished at exit"
	fi
}

# bad NAME STATUS MESSAGE NET-ARG...: one --net per NET-ARG
bad() {
	local rc name=$1 want=$2 msg=$3 a args=()
	shift 3
	for a in "$@"; do
		args+=(--net "$a")
	done
	in_ns "$HUSK" --kernel "$GUESTS/virtio-net.elf" --no-rng "${args[@]}" \
		</dev/null >/dev/null 2>"$tmp/bad.err"
	rc=$?
	set -- "$name" "$want" "$msg"
	if [ "$rc" -eq "$2" ] && grep -q -F -- "$3" "$tmp/bad.err"; then
		ok "$1: exit $2, message names the problem"
	else
		not_ok "$1: exit $2 with \"$3\": exit $rc, $(head -n 1 "$tmp/bad.err")"
	fi
}

test_bad_args() {
	bad "net bad-args: empty name" 2 "interface name" "tap="
	bad "net bad-args: long name" 2 "interface name" "tap=abcdefghijklmnop"
	bad "net bad-args: no tap" 2 "interface name" "mac=02:00:00:00:00:01"
	bad "net bad-args: multicast MAC" 2 "not a unicast address" \
		"tap=$TAP,mac=01:00:5e:00:00:01"
	bad "net bad-args: short MAC" 2 "not a unicast address" \
		"tap=$TAP,mac=02:00:00:00:01"
	bad "net bad-args: unknown option" 2 "unknown" "tap=$TAP,speed=10"
	bad "net bad-args: repeated option" 2 "repeated" "tap=$TAP,tap=x"
	bad "net bad-args: same tap twice" 2 "given twice" \
		"tap=$TAP" "tap=$TAP"
	in_ns ip tuntap add dev htun0 mode tun
	bad "net tun: a tun device is refused" 3 "not a tap device" "tap=htun0"
}

check_prerequisites
test_guest
test_created_tap
test_bad_args
exit 0
