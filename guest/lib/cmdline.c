// SPDX-License-Identifier: MIT
// Reads "key=value" words from the guest's copy of its command line.

#include "guest/lib/guest.h"

static const char *find_word(const char *key)
{
	size_t klen = strlen(key);
	const char *p = guest_cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

int cmdline_get(const char *key, char *buf, size_t size)
{
	const char *v = find_word(key);
	size_t n = 0;

	if (!v || !size)
		return -1;
	while (v[n] && v[n] != ' ')
		n++;
	if (n >= size)
		return -1;
	memcpy(buf, v, n);
	buf[n] = 0;
	return 0;
}

static int digit_value(char c, unsigned int base)
{
	int d = -1;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d >= 0 && (unsigned int)d < base ? d : -1;
}

static int apply_suffix(char c, uint64_t *v)
{
	unsigned int shift;

	switch (c) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	default:
		return -1;
	}
	if (*v > UINT64_MAX >> shift)
		return -1;
	*v <<= shift;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (digit_value(*s, base) < 0)
		return -1;
	while ((d = digit_value(*s, base)) >= 0) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -1;
		v = v * base + (uint64_t)d;
		s++;
	}
	if (*s && (apply_suffix(*s++, &v) < 0 || *s))
		return -1;
	*out = v;
	return 0;
}

int cmdline_get_u64(const char *key, uint64_t *out)
{
	char buf[32];

	if (cmdline_get(key, buf, sizeof(buf)) < 0)
		return -1;
	return parse_u64(buf, out);
}
