#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Fails if a guest image holds instructions that this machine's nested
# hypervisor cannot emulate in guest kernel mode, or SSE/x87 code.
# Usage: check-insns.sh OBJDUMP IMAGE

objdump=$1 image=$2
# Mnemonics right after the address column (xsave*, xrstor*, fxsave*,
# fxrstor*, int*, lock prefixes, cmpxchg16b, MXCSR and x87 ones), then
# SSE, AVX, MMX and x87 register operands.
insns='f?xsave[a-z0-9]*|f?xrstor[a-z0-9]*|int[a-z0-9]*|lock|cmpxchg16b'
insns="$insns|ldmxcsr|stmxcsr|f[a-z0-9]*"
regs='xmm|ymm|zmm|mm[0-7]|st'
found=$("$objdump" -d --no-show-raw-insn "$image" |
	grep -E ":	($insns)( |$)|%($regs)")
if [ -n "$found" ]; then
	echo "$image: instructions the guests must not use:" >&2
	echo "$found" | head -n 20 >&2
	exit 1
fi
