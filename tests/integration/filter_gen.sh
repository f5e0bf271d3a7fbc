#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Checks filter/gen-tables.sh on small constant lists: required names,
# optional ones, prefix matches, names defined in the list, and a required
# name the headers lack, which must fail the build with its name.

set -u
uapi=${UAPI_x86_64:-/usr/include/x86_64-linux-gnu /usr/include}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

flags=()
for d in $uapi; do
	flags+=("-I$d")
done
if [ ! -e "${flags[0]#-I}/asm/unistd.h" ]; then
	echo "skip - table generator: no x86_64 UAPI headers in $uapi"
	exit 0
fi

# check NAME COMMAND...: one ok/not ok line from the command's status.
check() {
	local name=$1
	shift
	if "$@"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
	fi
}

cat >"$tmp/good.list" <<'EOF'
# a comment
<linux/kvm.h>
<linux/fcntl.h>
KVM_RUN
?NO_SUCH_CONSTANT_ANYWHERE
KVM_CAP_*
RUN_TWICE = KVM_RUN|1
O_DIRECTORY
EOF
sh filter/gen-tables.sh consts x86_64 "$tmp/good.list" "$tmp/good.c" \
	"${flags[@]}" 2>"$tmp/good.err"
check "generator accepts a good list" test -s "$tmp/good.c"
check "required constant evaluated" \
	grep -q '{ "KVM_RUN", UINT64_C(0xae80) },' "$tmp/good.c"
check "constant defined in the list" \
	grep -q '{ "RUN_TWICE", UINT64_C(0xae81) },' "$tmp/good.c"
check "optional constant left out" \
	bash -c "! grep -q NO_SUCH_CONSTANT '$tmp/good.c'"
check "prefix matches taken" grep -q '"KVM_CAP_IRQCHIP"' "$tmp/good.c"
check "length header written" \
	grep -q "#define NFILTER_CONSTS_X86_64 $(grep -c '{ "' "$tmp/good.c")" \
	"$tmp/good.h"
check "names sorted" bash -c "grep -o '{ \"[A-Z0-9_]*\"' '$tmp/good.c' |
	LC_ALL=C sort -c"

printf '<linux/kvm.h>\nKVM_RUN\nNO_SUCH_CONSTANT_ANYWHERE\n' >"$tmp/bad.list"
sh filter/gen-tables.sh consts x86_64 "$tmp/bad.list" "$tmp/bad.c" \
	"${flags[@]}" 2>"$tmp/bad.err"
rc=$?
check "a missing required constant fails" test "$rc" -ne 0
check "the failure names it" grep -q NO_SUCH_CONSTANT_ANYWHERE "$tmp/bad.err"
check "no table is left behind" test ! -e "$tmp/bad.c"
exit 0
