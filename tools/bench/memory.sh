#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The memory section: what husk keeps resident beyond guest RAM while a
# guest runs, from /proc/PID/smaps (total Rss minus the Rss of the guest
# RAM mapping). Target: under 2 MiB.

set -u
O=${O:-build}
guest=$O/bench/pio-long.elf
MEM_MIB=64
TARGET_KIB=2048
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

echo "## memory"
echo

# Sums one smaps snapshot: "rss guest_rss pss guest_pss private
# guest_private guest_size" in KiB. The guest RAM mapping is the anonymous
# one of exactly the guest's size.
sum_smaps() {
	awk -v want=$((MEM_MIB * 1024)) '
	/^[0-9a-f]+-[0-9a-f]+ / { anon = NF < 6; guest = 0; next }
	/^Size:/ { guest = anon && $2 == want; if (guest) gsize = $2 }
	/^Rss:/ { rss += $2; if (guest) grss += $2 }
	/^Pss:/ { pss += $2; if (guest) gpss += $2 }
	/^Private_(Clean|Dirty):/ { priv += $2; if (guest) gpriv += $2 }
	END { printf "%d %d %d %d %d %d %d\n", rss, grss, pss, gpss,
		priv, gpriv, gsize }' "$1"
}

# Runs @husk on the endless guest, samples smaps three times, and prints
# one table row; returns 1 when it could not measure.
measure() {
	local name=$1 husk=$2 pid best=0 line s
	"$husk" --kernel "$guest" --mem ${MEM_MIB}M </dev/null \
		>"$work/out" 2>"$work/err" &
	pid=$!
	for _ in 1 2 3; do
		sleep 0.3
		cp "/proc/$pid/smaps" "$work/smaps" 2>/dev/null || break
		s=$(sum_smaps "$work/smaps")
		# shellcheck disable=SC2086 # the seven numbers, split
		set -- $s
		[ "$7" -gt 0 ] || continue
		if [ $(($1 - $2)) -gt $best ]; then
			best=$(($1 - $2))
			line=$s
		fi
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ -z "${line:-}" ]; then
		echo "| $name | **FAILED: no guest RAM mapping of $MEM_MIB MiB" \
			"seen while it ran** | | | |"
		tail -n 3 "$work/err" | sed 's/^/    /' >"$work/why"
		return 1
	fi
	# shellcheck disable=SC2086
	set -- $line
	echo "| $name | $1 | $2 | $(($1 - $2)) | $(($3 - $4)) | $(($5 - $6)) |"
	[ "$husk" = "$O/husk" ] && echo "$(($1 - $2))" >"$work/beyond"
}

missing=
[ -f "$guest" ] || missing="$missing $guest"
[ -x "$O/husk" ] || missing="$missing $O/husk"
[ -w /dev/kvm ] || missing="$missing /dev/kvm"
if [ -n "$missing" ]; then
	echo "**NOT MEASURED: missing:$missing.**"
	echo
	exit 0
fi

echo "husk runs \`tools/bench/guest/pio.S\` (an endless \`out\` loop) with" \
	"--mem ${MEM_MIB}M; /proc/PID/smaps is read three times, 0.3 s apart;"
echo "the largest figure is kept. Sizes in KiB."
echo
echo "| build | total Rss | guest RAM Rss | Rss beyond guest RAM |" \
	"Pss beyond | private beyond |"
echo "|---|---:|---:|---:|---:|---:|"
: >"$work/beyond"
measure "\`$O/husk\`" "$O/husk"
[ -x "$O-musl/husk" ] && measure "\`$O-musl/husk\` (static musl)" \
	"$O-musl/husk"
echo
[ -s "$work/why" ] && { echo '```'; cat "$work/why"; echo '```'; echo; }

first=$(head -n 1 "$work/beyond")
if [ -z "$first" ]; then
	echo "- **FAIL**: nothing measured"
elif [ "$first" -lt $TARGET_KIB ]; then
	echo "- PASS: \`$O/husk\` Rss beyond guest RAM $first KiB <" \
		"$TARGET_KIB KiB"
else
	echo "- **FAIL**: \`$O/husk\` Rss beyond guest RAM $first KiB >=" \
		"$TARGET_KIB KiB"
fi
echo
echo "Rss counts shared library pages in full (glibc's text, for a" \
	"dynamic build); Pss shares them out, private counts only husk's own."
echo
