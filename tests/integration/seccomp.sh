#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Checks that every husk thread runs under its role's seccomp filter and
# that a violation is explained: /proc/PID/task/*/status while a guest
# runs, in kill, log and off modes; a vCPU thread that breaks its policy
# mid-run (tests/husk-hooks), with the exact stderr line, exit status 7,
# the --seccomp-report record, the console output before it, and the
# terminal mode restored; the same hook in log and off modes.
#
# Environment: O (build dir, default build), HUSK (default $O/husk),
# HUSK_HOOKS (default $O/tests/husk-hooks), GUESTS (default $O/guest).

set -u
O=${O:-build}
HUSK=${HUSK:-$O/husk}
HUSK_HOOKS=${HUSK_HOOKS:-$O/tests/husk-hooks}
GUESTS=${GUESTS:-$O/guest}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
feeder=
cleanup() {
	[ -n "$feeder" ] && kill "$feeder" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

SUITE=seccomp
RUNS="proc-kill proc-log proc-off violation-kill violation-log violation-off"

# Every role's policy compiles for every architecture husk builds for.
HUSK_FILTER=${HUSK_FILTER:-$O/husk-filter}
for arch in x86_64 aarch64 riscv64; do
	for policy in filter/vmm.policy filter/vcpu.policy \
		filter/supervisor.policy; do
		if "$HUSK_FILTER" compile --arch "$arch" --format dump \
			"$(dirname "$0")/../../$policy" >/dev/null 2>"$tmp/compile.err"; then
			ok "$policy compiles for $arch"
		else
			not_ok "$policy compiles for $arch: $(head -n 1 "$tmp/compile.err")"
		fi
	done
done

kvm_usable || skip_all "/dev/kvm not usable"
[ "$(uname -m)" = x86_64 ] || skip_all "the test guests are x86_64 only"
[ -f "$GUESTS/uart.bzImage" ] || skip_all "no guests in $GUESTS"
need_built seccomp "$HUSK" "$HUSK_HOOKS"

# ---- every thread filtered: /proc/PID/task/*/status ---------------------

# thread_table PID: one "TID SECCOMP FILTERS" line per thread of husk's.
# Tasks KVM adds to the process (kvm-nx-lpage-recovery on Linux 6.x) run
# only in the kernel and are left out.
thread_table() {
	local st tid
	for st in /proc/"$1"/task/*/status; do
		tid=${st%/status}
		case $(cat "${st%/status}/comm" 2>/dev/null) in
		kvm-*) continue ;;
		esac
		tid=${tid##*/}
		awk -v tid="$tid" '/^Seccomp:/ { s = $2 }
			/^Seccomp_filters:/ { f = $2 }
			END { print tid, s, f }' "$st" 2>/dev/null
	done
}

# want_table PID NTHREADS MODE FILTERS: every thread in MODE with
# FILTERS filters. Waits up to 10 s for the threads to install theirs.
want_table() {
	local pid=$1 n=$2 mode=$3 filters=$4 i table bad
	for i in $(seq 1 100); do
		table=$(thread_table "$pid")
		bad=$(awk -v m="$mode" -v f="$filters" \
			'$2 != m || $3 != f' <<<"$table")
		[ "$(wc -l <<<"$table")" -eq "$n" ] && [ -z "$bad" ] && break
		sleep 0.1
	done
	sed 's/^/#   tid seccomp filters: /' <<<"$table"
	[ "$(wc -l <<<"$table")" -eq "$n" ] && [ -z "$bad" ]
}

# proc_check NAME MODE-ARG THREADS SECCOMP FILTERS: boots the uart guest
# with 2 vCPUs and stdin held open, checks the table, then feeds it.
proc_check() {
	local name=$1 arg=$2 n=$3 mode=$4 filters=$5 pid rc
	rm -f "$tmp/in.fifo"
	mkfifo "$tmp/in.fifo"
	sleep 30 >"$tmp/in.fifo" &
	feeder=$!
	"$HUSK" "$arg" --cpus 2 --kernel "$GUESTS/uart.bzImage" \
		--cmdline "line1=a line2=b" <"$tmp/in.fifo" >"$tmp/$name.out" \
		2>"$tmp/$name.err" &
	pid=$!
	(sleep 40 && kill "$pid") 2>/dev/null &
	if want_table "$pid" "$n" "$mode" "$filters"; then
		ok "$name: $n threads, each Seccomp: $mode, Seccomp_filters: $filters"
	else
		not_ok "$name: $n threads, each Seccomp: $mode, Seccomp_filters: $filters"
	fi
	printf 'a\nb\n' >"$tmp/in.fifo"
	kill "$feeder" 2>/dev/null
	wait "$pid"
	rc=$?
	feeder=
	if [ "$rc" -eq 0 ]; then
		ok "$name: guest ends normally"
	else
		not_ok "$name: guest ends normally: exit $rc, $(head -n 1 "$tmp/$name.err")"
	fi
}

# Kill mode: main (vmm) and two vCPU threads, one filter each: the vCPU
# threads start before the main thread installs its own.
proc_check proc-kill --seccomp=kill 3 2 1
# Log mode adds the supervisor thread, which filters itself.
proc_check proc-log --seccomp=log 4 2 1
proc_check proc-off --seccomp=off 3 0 0
# HUSK_SECCOMP gives the default; the option wins over it.
HUSK_SECCOMP=log proc_check proc-env-log --log-level=warn 4 2 1
HUSK_SECCOMP=off proc_check proc-option-wins --seccomp=kill 3 2 1

# ---- the command line ---------------------------------------------------

# cli NAME STATUS PATTERN HUSK-ARGS...: status and a line of stderr.
cli() {
	local name=$1 want=$2 pattern=$3 rc
	shift 3
	timeout 20 "$HUSK" "$@" </dev/null >"$tmp/cli.out" 2>"$tmp/cli.err"
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -Eq -- "$pattern" "$tmp/cli.err"; then
		ok "$name"
	else
		not_ok "$name: exit $rc, $(head -n 1 "$tmp/cli.err")"
	fi
}
"$HUSK" --help >"$tmp/help"
for opt in seccomp seccomp-report; do
	check_help=$(grep -c -- "--$opt " "$tmp/help")
	if [ "$check_help" -ge 1 ]; then ok "--help lists --$opt"; else
		not_ok "--help lists --$opt"; fi
done
cli "--seccomp bad value" 2 "--seccomp fast: not kill, log or off" \
	--kernel x --seccomp fast
HUSK_SECCOMP=fast cli "HUSK_SECCOMP bad value" 2 \
	"HUSK_SECCOMP=fast: not kill, log or off" --kernel x
cli "--seccomp-report unwritable" 3 "--seccomp-report $tmp/no/such" \
	--kernel "$GUESTS/power.elf" --seccomp-report "$tmp/no/such"
cli "--log-level debug names mode and filters" 0 \
	"seccomp: vmm thread 0 runs under filter/vmm.policy" \
	--kernel "$GUESTS/power.elf" --cmdline action=poweroff \
	--log-level debug
if grep -q '^husk: seccomp: mode kill$' "$tmp/cli.err" &&
	grep -q 'seccomp: vcpu thread 0 runs under filter/vcpu.policy' \
		"$tmp/cli.err"; then
	ok "--log-level debug names the mode and the vcpu filter"
else
	not_ok "--log-level debug names the mode and the vcpu filter"
fi

# ---- a vCPU thread breaks its policy mid-run ----------------------------

# say TEXT: TEXT and a newline on the serial port.
say() {
	local s="$1" i
	for ((i = 0; i < ${#s}; i++)); do
		outb 0x3f8 "'${s:i:1}"
	done
	outb 0x3f8 10
}
VIOLATE=$(outb 0x4f0 0xa5)	# the hook's value on the marker port

mkbz "$tmp/violate.bz" "$(say before-violation)$VIOLATE$(say after-violation)$VIOLATE$POWEROFF"

LINE_RE='^husk: seccomp: vcpu thread 0 called nanosleep \(35\) on x86_64 \[0x[0-9a-f]+, 0x0(, 0x[0-9a-f]+){4}\]; not allowed by filter/vcpu\.policy'
JSON_RE='^\{"event":"seccomp-violation","role":"vcpu","thread":0,"syscall":"nanosleep","nr":35,"arch":"x86_64","args":\["0x[0-9a-f]+","0x0"(,"0x[0-9a-f]+"){4}\],"policy":"filter/vcpu\.policy","mode":"kill","exit_status":7\}$'

# check NAME CONDITION-STATUS WHAT [DETAIL]
check() {
	if [ "$2" -eq 0 ]; then ok "$1: $3"; else not_ok "$1: $3${4:+: $4}"; fi
}

# Kill mode, on a terminal: husk runs under script(1) on a pty, with the
# terminal's mode saved before and after.
violation_kill() {
	local name=violation-kill rc
	if ! command -v script >/dev/null || ! command -v stty >/dev/null; then
		echo "skip - $name: script(1) or stty missing (util-linux, coreutils)"
		return
	fi
	rm -f "$tmp/report.json"
	printf '%s\n' '{"earlier":"line"}' >"$tmp/report.json"
	cat >"$tmp/run.sh" <<-EOS
		stty -g >"$tmp/tty.before"
		"$HUSK_HOOKS" --cpus 2 --kernel "$tmp/violate.bz" \
			--seccomp-report "$tmp/report.json" 2>"$tmp/$name.err"
		echo \$? >"$tmp/$name.rc"
		stty -g >"$tmp/tty.after"
	EOS
	timeout 30 script -qec "bash $tmp/run.sh" /dev/null </dev/null \
		>"$tmp/$name.raw" 2>&1
	tr -d '\r' <"$tmp/$name.raw" >"$tmp/$name.out"
	sed 's/^/#   /' "$tmp/$name.out" "$tmp/$name.err"
	rc=$(cat "$tmp/$name.rc" 2>/dev/null)
	check "$name" "$([ "$rc" = 7 ]; echo $?)" "exit status 7" "exit ${rc:-none}"
	check "$name" "$([ "$(wc -l <"$tmp/$name.err")" -eq 1 ] &&
		grep -Eq "$LINE_RE\$" "$tmp/$name.err"; echo $?)" \
		"one line on stderr names role, thread, syscall, arch, policy"
	check "$name" "$(grep -qx 'before-violation' "$tmp/$name.out"; echo $?)" \
		"console output before the violation is intact"
	check "$name" "$(! grep -q 'after-violation' "$tmp/$name.out"; echo $?)" \
		"the guest ran no further"
	check "$name" "$([ "$(sed -n 1p "$tmp/report.json")" = '{"earlier":"line"}' ] &&
		[ "$(wc -l <"$tmp/report.json")" -eq 2 ] &&
		sed -n 2p "$tmp/report.json" | grep -Eq "$JSON_RE"; echo $?)" \
		"--seccomp-report appends one JSON record" \
		"$(tail -n 1 "$tmp/report.json")"
	check "$name" "$([ -s "$tmp/tty.before" ] &&
		cmp -s "$tmp/tty.before" "$tmp/tty.after"; echo $?)" \
		"the terminal mode is restored" \
		"$(cat "$tmp/tty.before" "$tmp/tty.after" 2>/dev/null | tr '\n' ' ')"
}

# Log mode: husk goes on, explains the call once, ends with the guest.
violation_log() {
	local name=violation-log rc n
	timeout 30 "$HUSK_HOOKS" --kernel "$tmp/violate.bz" --seccomp=log \
		</dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	sed 's/^/#   /' "$tmp/$name.out" "$tmp/$name.err"
	check "$name" "$([ "$rc" -eq 0 ]; echo $?)" "exit status 0" "exit $rc"
	n=$(grep -Ec "${LINE_RE} \\(let through: --seccomp=log\\)\$" \
		"$tmp/$name.err")
	check "$name" "$([ "$n" -eq 1 ] &&
		[ "$(wc -l <"$tmp/$name.err")" -eq 1 ]; echo $?)" \
		"the violation is explained once" "$n matching lines"
	check "$name" "$(tr -d '\r' <"$tmp/$name.out" |
		grep -qx 'after-violation'; echo $?)" "the guest runs on"
}

violation_off() {
	local name=violation-off rc
	timeout 30 "$HUSK_HOOKS" --kernel "$tmp/violate.bz" --seccomp=off \
		</dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	check "$name" "$([ "$rc" -eq 0 ] && [ ! -s "$tmp/$name.err" ]; echo $?)" \
		"no filter, no message, exit 0" "exit $rc, $(head -n 1 "$tmp/$name.err")"
}

# The production husk has no hook: the same guest powers off normally.
no_hook() {
	local name=no-hook rc
	timeout 30 "$HUSK" --kernel "$tmp/violate.bz" </dev/null \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	check "$name" "$([ "$rc" -eq 0 ] && [ ! -s "$tmp/$name.err" ]; echo $?)" \
		"husk itself ignores the hook's value" "exit $rc"
}

violation_kill
violation_log
violation_off
no_hook
exit 0
