#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The size section: husk and husk-filter as the normal build makes them,
# and husk built static against musl (target: under 300 KiB stripped).

set -u
O=${O:-build}
MAKE=${MAKE:-make}
MUSL_O=$O-musl
TARGET_KIB=300
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

# Prints "| NAME | unstripped | stripped |" for one binary, or says why not.
row() {
	local name=$1 path=$2 full stripped
	if [ ! -f "$path" ]; then
		echo "| $name | **NOT BUILT** | |"
		return 1
	fi
	cp "$path" "$work/s"
	strip "$work/s" 2>/dev/null
	full=$(stat -c %s "$path")
	stripped=$(stat -c %s "$work/s")
	awk -v n="$name" -v f="$full" -v s="$stripped" 'BEGIN {
		printf "| %s | %d B (%.1f KiB) | %d B (%.1f KiB) |\n",
			n, f, f / 1024, s, s / 1024 }'
}

kib() {
	cp "$1" "$work/k" && strip "$work/k" && stat -c %s "$work/k"
}

echo "## size"
echo
echo "| binary | unstripped | stripped |"
echo "|---|---:|---:|"
row "\`husk\` ($O)" "$O/husk"
row "\`husk-filter\` ($O)" "$O/husk-filter"

# musl's include folder has no Linux UAPI headers (linux/, asm/); when
# that is all that stops the build, a second try adds them after musl's.
uapi=$O/bench/musl-uapi
uapi_missing() {
	grep -q 'fatal error: \(linux\|asm\)/[^:]*: No such file' "$log" ||
		return 1
	mkdir -p "$uapi"
	ln -sfn /usr/include/linux "$uapi/linux"
	ln -sfn /usr/include/asm-generic "$uapi/asm-generic"
	ln -sfn /usr/include/video "$uapi/video"
	ln -sfn "/usr/include/$(gcc -print-multiarch)/asm" "$uapi/asm"
}

# The static musl build, in its own build folder.
log=$work/musl.log
musl_cmd="$MAKE O=$MUSL_O CC=musl-gcc STATIC=1 $MUSL_O/husk"
musl_ok=0
if ! command -v musl-gcc >/dev/null; then
	echo "no musl-gcc on this machine" >"$log"
	echo "| \`husk\` static musl | **NOT BUILT: no musl-gcc** | |"
elif $musl_cmd >"$log" 2>&1 && [ -f "$MUSL_O/husk" ]; then
	row "\`husk\` static musl ($MUSL_O)" "$MUSL_O/husk" && musl_ok=1
elif uapi_missing && $musl_cmd CFLAGS="-O2 -g -idirafter $uapi" \
	>"$log.uapi" 2>&1 && [ -f "$MUSL_O/husk" ]; then
	row "\`husk\` static musl + UAPI headers ($MUSL_O)" "$MUSL_O/husk" &&
		musl_ok=2
else
	echo "| \`husk\` static musl | **NOT BUILT: see below** | |"
fi
echo

if [ $musl_ok -eq 2 ]; then
	echo "NOTE: \`$musl_cmd\` alone fails: musl-gcc's include path has" \
		"no Linux UAPI headers:"
	echo
	echo '```'
	grep -m 3 'fatal error' "$log"
	echo '```'
	echo
	echo "The row above adds them with" \
		"\`CFLAGS=\"-O2 -g -idirafter $uapi\"\` (links to" \
		"/usr/include/{linux,asm,asm-generic,video})."
	echo
fi
if [ $musl_ok -ge 1 ]; then
	size=$(kib "$MUSL_O/husk")
	if [ "$size" -lt $((TARGET_KIB * 1024)) ]; then
		echo "- PASS: static musl \`husk\` stripped $size B <" \
			"$TARGET_KIB KiB"
	else
		echo "- **FAIL**: static musl \`husk\` stripped $size B >=" \
			"$TARGET_KIB KiB"
	fi
else
	echo "- **FAIL**: no static musl \`husk\` to measure;" \
		"\`$musl_cmd\` said:"
	echo
	echo '```'
	grep -i -m 8 'error\|fatal\|No rule' "$log" || tail -n 8 "$log"
	echo '```'
	if [ -s "$log.uapi" ]; then
		echo
		echo "and again with \`CFLAGS=\"-O2 -g -idirafter $uapi\"\`" \
			"(the Linux UAPI headers after musl's):"
		echo
		echo '```'
		grep -i -m 8 'error\|fatal\|No rule' "$log.uapi" ||
			tail -n 8 "$log.uapi"
	fi
	echo '```'
fi
echo
echo "Built with \`$musl_cmd\`; stripped with \`strip\`."
echo
