# SPDX-License-Identifier: MIT
#
# Helpers shared by the integration test scripts, which source this file:
# result lines, prerequisites, booting a guest under a time limit, and tiny
# hand-made bzImages. Files go under the sourcing script's $tmp.

# shellcheck shell=bash disable=SC2034,SC2154 # set here, used there

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

# skip_all WHY: a skip line for each run named in $RUNS, as "$SUITE RUN",
# then ends the script: none of its runs can be made here.
skip_all() {
	local r
	for r in $RUNS; do
		echo "skip - $SUITE $r: $1"
	done
	exit 0
}

# kvm_usable: whether /dev/kvm is there to be opened for reading and writing.
kvm_usable() { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }

# need_built NAME PROGRAM...: ends the script with a "not ok" line for the
# first PROGRAM that is not built.
need_built() {
	local name=$1 p
	shift
	for p in "$@"; do
		if [ ! -x "$p" ]; then
			not_ok "$name: $p is not built"
			exit 1
		fi
	done
}

# wait_for FILE PATTERN SECONDS PID: 0 once FILE has a line matching
# PATTERN (grep), non-zero if SECONDS pass or PID ends first without one.
wait_for() {
	local _
	for _ in $(seq 1 $(($3 * 10))); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		kill -0 "$4" 2>/dev/null || break
		sleep 0.1
	done
	grep -q -- "$2" "$1" 2>/dev/null
}

# boot NAME STDIN HUSK-ARGS...: runs $HUSK for at most $GUEST_TIMEOUT
# seconds and returns its exit status (124 or 137 when it ran out of time).
# The console, without carriage returns, is left in $tmp/NAME.out and
# husk's messages in $tmp/NAME.err.
boot() {
	local name=$1 in=$2 rc
	shift 2
	echo "# run $name: husk $*"
	timeout -k 5 "$GUEST_TIMEOUT" "$HUSK" "$@" <"$in" \
		>"$tmp/$name.raw" 2>"$tmp/$name.err"
	rc=$?
	tr -d '\r' <"$tmp/$name.raw" >"$tmp/$name.out"
	return "$rc"
}

# rename_results NAME: the ok, not ok and skip lines a guest printed on
# stdin, each renamed "NAME: ..." so that its checks become this script's.
rename_results() {
	sed -n -E "s/^(ok|not ok|skip) - /\\1 - $1: /p"
}

# ---- tiny hand-made bzImages ----------------------------------------------

# le16 N, le32 N: N as printf escapes of its little-endian bytes.
le16() { printf '\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)); }
le32() { le16 $(($1 & 65535)); le16 $(($1 >> 16 & 65535)); }

# put FILE OFFSET BYTES: writes printf-escaped BYTES at OFFSET.
put() {
	# shellcheck disable=SC2059
	printf "$3" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc status=none
}

# mkbz FILE CODE: a bzImage (protocol 2.15, 64-bit entry) whose
# protected-mode part is 4 KiB with CODE at its 64-bit entry, 0x200.
mkbz() {
	local f=$1 payload=4096
	head -c $((3 * 512 + payload)) /dev/zero >"$f"
	put "$f" 0x1f1 '\x02'
	put "$f" 0x1f4 "$(le32 $((payload / 16)))"
	put "$f" 0x1fe '\x55\xaa'
	put "$f" 0x200 '\xeb\x6a'
	put "$f" 0x202 'HdrS'
	put "$f" 0x206 "$(le16 0x020f)"
	put "$f" 0x22c "$(le32 0x7fffffff)"
	put "$f" 0x236 "$(le16 1)"
	put "$f" 0x238 "$(le32 2047)"
	put "$f" 0x258 "$(le32 0x1000000)"
	put "$f" 0x260 "$(le32 0x100000)"
	put "$f" $((3 * 512 + 0x200)) "$2"
}

# outb PORT BYTE: code for mov $PORT, %dx; mov $BYTE, %al; out %al, %dx.
# BYTE is a number, or a quote and a character for that character's code.
outb() { printf '\\x66\\xba%s\\xb0\\x%02x\\xee' "$(le16 "$1")" "$2"; }

# cli; hlt: the end of every tiny guest that is not stopped first.
HALT='\xfa\xf4'
# SLP_EN | SLP_TYP 5 to the ACPI sleep control port: the guest powers off.
POWEROFF=$(outb 0x600 0x34)$HALT
