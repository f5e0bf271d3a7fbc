#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Guest console output on a stdout that drains slowly or not at all. A
# slow reader must get every byte, however long it pauses; a stdout that
# nobody reads (a full pipe, a terminal whose reader stopped) must hold
# the guest back but never keep husk from exiting when it is told to stop.
# The pio-bench guest with port=0x3f8 writes `count` bytes to the UART's
# THR, far more than a pipe holds (64 KiB).
#
# Environment: O (build dir, default build), HUSK (default $O/husk),
# GUESTS (the guest images, default $O/guest), STOP_LIMIT (seconds husk
# may take to exit after SIGTERM, default 5).

set -u
O=${O:-build}
HUSK=${HUSK:-$O/husk}
GUESTS=${GUESTS:-$O/guest}
STOP_LIMIT=${STOP_LIMIT:-5}
GUEST=$GUESTS/pio-bench.elf

tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

RUNS="slow-reader stuck-pipe-sigterm stuck-pipe-sigint-2cpu stuck-terminal"

skip_all() {
	local r
	for r in $RUNS; do
		echo "skip - stdout $r: $1"
	done
	exit 0
}

check_prerequisites() {
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		skip_all "/dev/kvm not usable (missing or no read/write access)"
	fi
	if [ ! -f "$GUEST" ]; then
		skip_all "no guests in $GUESTS (make O=$O guests; needs an x86_64 CC)"
	fi
	if [ ! -x "$HUSK" ]; then
		not_ok "stdout: $HUSK is not built"
		exit 1
	fi
}

# alive PID: the process exists and has not exited (a zombie whose parent
# is stuck has exited).
alive() {
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# wait_gone PID SECONDS: whether PID exits within SECONDS.
wait_gone() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		alive "$1" || return 0
		sleep 0.1
	done
	! alive "$1"
}

# The reader pauses 3 s, long enough for the pipe to fill and the guest to
# wait, then reads on. Every byte must arrive and the guest must finish.
test_slow_reader() {
	local name=slow-reader count=70000 rc nuls
	echo "# run $name: husk --kernel $GUEST | (sleep 3; cat)"
	timeout -k 5 120 "$HUSK" --kernel "$GUEST" \
		--cmdline "count=$count port=0x3f8" 2>"$tmp/$name.err" |
		{
			sleep 3
			cat
		} >"$tmp/$name.out"
	rc=${PIPESTATUS[0]}
	nuls=$(tr -cd '\000' <"$tmp/$name.out" | wc -c)
	tr -d '\000\r' <"$tmp/$name.out" | sed 's/^/#   /'
	if [ "$rc" -ne 0 ]; then
		not_ok "$name: husk exits 0: exit $rc, $(tail -n 1 "$tmp/$name.err")"
	else
		ok "$name: husk exits 0"
	fi
	if [ "$nuls" -eq "$count" ]; then
		ok "$name: all $count bytes of the burst arrive"
	else
		not_ok "$name: all $count bytes of the burst arrive: got $nuls"
	fi
	if tr -d '\000\r' <"$tmp/$name.out" | grep -q -x -E '1\.\.[0-9]+'; then
		ok "$name: the guest's closing plan arrives"
	else
		not_ok "$name: the guest's closing plan arrives"
	fi
	if [ -s "$tmp/$name.err" ]; then
		not_ok "$name: husk prints nothing of its own: $(head -n 1 "$tmp/$name.err")"
	else
		ok "$name: husk prints nothing of its own"
	fi
}

# stuck_pipe NAME SIGNAL CPUS: stdout is a FIFO this script holds open and
# never reads. The guest fills it and waits; SIG must still end husk with
# status 1 within STOP_LIMIT seconds, after it gave up the pending output
# with a warning.
stuck_pipe() {
	local name=$1 sig=$2 cpus=$3 pid t0 t1 ms rc bytes
	mkfifo "$tmp/$name.fifo"
	exec 3<>"$tmp/$name.fifo"
	echo "# run $name: husk --cpus $cpus >unread-fifo, then SIG$sig"
	"$HUSK" --kernel "$GUEST" --cpus "$cpus" \
		--cmdline "count=10000000 port=0x3f8" >&3 2>"$tmp/$name.err" &
	pid=$!
	pids+=("$pid")
	sleep 4
	if ! alive "$pid"; then
		wait "$pid"
		not_ok "$name: the guest waits for stdout: husk ended (exit $?)"
		exec 3>&-
		return
	fi
	ok "$name: the guest waits for stdout"

	t0=$(date +%s%N)
	kill -"$sig" "$pid"
	if ! wait_gone "$pid" "$STOP_LIMIT"; then
		not_ok "$name: husk exits within ${STOP_LIMIT}s of SIG$sig"
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		exec 3>&-
		return
	fi
	wait "$pid"
	rc=$?
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	ok "$name: husk exits within ${STOP_LIMIT}s of SIG$sig ($ms ms)"
	sed 's/^/#   /' "$tmp/$name.err"
	if [ "$rc" -eq 1 ]; then
		ok "$name: exit status 1"
	else
		not_ok "$name: exit status 1: exit $rc"
	fi
	if grep -q 'dropping the rest of the guest' "$tmp/$name.err"; then
		ok "$name: husk says it dropped output"
	else
		not_ok "$name: husk says it dropped output"
	fi

	bytes=$(timeout 2 cat <&3 | wc -c)
	exec 3>&-
	if [ "$bytes" -ge 32768 ]; then
		ok "$name: the guest filled the pipe before it waited ($bytes bytes)"
	else
		not_ok "$name: the guest filled the pipe before it waited: $bytes bytes"
	fi
}

# A terminal whose reader stopped: script(1) gives husk a pty and copies
# it to a FIFO nobody reads, so script blocks and the pty fills. husk has
# the terminal in raw mode; it must still exit on SIGTERM. (script cannot
# reap it while it is stuck, so an exited husk shows as a zombie.)
test_stuck_terminal() {
	local name=stuck-terminal spid pid i
	if ! command -v script >/dev/null; then
		echo "skip - stdout $name: no script(1) to make a terminal"
		return
	fi
	mkfifo "$tmp/$name.fifo"
	exec 3<>"$tmp/$name.fifo"
	echo "# run $name: script -c 'husk ...' >unread-fifo, then SIGTERM"
	script -q -c "exec '$HUSK' --kernel '$GUEST' --cmdline \
'count=10000000 port=0x3f8' 2>'$tmp/$name.err'" /dev/null \
		</dev/null >&3 2>/dev/null &
	spid=$!
	pids+=("$spid")
	for ((i = 0; i < 50; i++)); do
		pid=$(pgrep -P "$spid" -x husk) && break
		sleep 0.1
	done
	if [ -z "$pid" ]; then
		not_ok "$name: husk runs on the terminal"
		exec 3>&-
		return
	fi
	sleep 4
	if ! alive "$pid"; then
		not_ok "$name: the guest waits for the terminal: husk ended"
		exec 3>&-
		return
	fi
	ok "$name: the guest waits for the terminal"
	kill -TERM "$pid"
	if wait_gone "$pid" "$STOP_LIMIT"; then
		ok "$name: husk exits within ${STOP_LIMIT}s of SIGTERM"
	else
		not_ok "$name: husk exits within ${STOP_LIMIT}s of SIGTERM"
	fi
	sed 's/^/#   /' "$tmp/$name.err"
	kill -KILL "$pid" "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	exec 3>&-
}

check_prerequisites
test_slow_reader
stuck_pipe stuck-pipe-sigterm TERM 1
stuck_pipe stuck-pipe-sigint-2cpu INT 2
test_stuck_terminal
exit 0
