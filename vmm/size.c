// SPDX-License-Identifier: MIT
/*
 * Size parsing for command-line options: digits, then one binary suffix.
 */
#include <errno.h>
#include <stdbool.h>

#include "vmm/size.h"

static int suffix_shift(const char *s, unsigned int default_shift,
			unsigned int *shift)
{
	if (*s == '\0') {
		*shift = default_shift;
		return 0;
	}
	if (s[1] != '\0')
		return -EINVAL;
	switch (*s) {
	case 'k':
	case 'K':
		*shift = 10;
		return 0;
	case 'm':
	case 'M':
		*shift = 20;
		return 0;
	case 'g':
	case 'G':
		*shift = 30;
		return 0;
	case 't':
	case 'T':
		*shift = 40;
		return 0;
	}
	return -EINVAL;
}

int parse_size(const char *s, unsigned int default_shift, uint64_t *out)
{
	uint64_t value = 0;
	unsigned int shift;
	bool overflow = false;
	int err;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned int digit = (unsigned int)(*s - '0');

		if (value > (UINT64_MAX - digit) / 10)
			overflow = true;
		value = value * 10 + digit;
	}

	err = suffix_shift(s, default_shift, &shift);
	if (err)
		return err;
	if (overflow || (shift && value > UINT64_MAX >> shift))
		return -ERANGE;
	*out = value << shift;
	return 0;
}
