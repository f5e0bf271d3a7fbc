/* SPDX-License-Identifier: MIT */
/*
 * Parsing of sizes given on the command line, such as "256M" or "2G".
 */
#ifndef HUSK_SIZE_H
#define HUSK_SIZE_H

#include <stdint.h>

/*
 * Parses a decimal number with an optional binary suffix K, M, G or T
 * (either case). A number without a suffix is taken in units of
 * 2^@default_shift bytes. Returns 0, or -EINVAL for anything that is not
 * such a number and -ERANGE when the result does not fit in 64 bits.
 */
int parse_size(const char *s, unsigned int default_shift, uint64_t *out);

#endif
