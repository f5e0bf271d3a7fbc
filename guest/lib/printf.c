// SPDX-License-Identifier: MIT
// A small printf for the guests: enough conversions for addresses, sizes
// and names, formatted into a buffer and written to the UART.

#include "guest/lib/guest.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

struct spec {
	int zero;
	int left;
	int alt;
	unsigned int width;
	int precision; /* -1 if none */
	int size; /* 0 int, 1 long, 2 long long */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n,
		       const struct spec *sp, char pad)
{
	size_t i;

	if (!sp->left)
		for (i = n; i < sp->width; i++)
			put(o, pad);
	for (i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		for (i = n; i < sp->width; i++)
			put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, int neg, unsigned int base,
		       const struct spec *sp)
{
	const char *prefix = neg ? "-" : sp->alt && base == 16 ? "0x" : "";
	size_t plen = strlen(prefix), n;
	struct spec rest = *sp;
	char tmp[24];

	n = sizeof(tmp);
	do {
		tmp[--n] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (sp->zero && !sp->left) {
		/* Zeros go between the sign or 0x and the digits. */
		put_padded(o, prefix, plen, &(struct spec){ 0 }, ' ');
		rest.width = sp->width > plen ? sp->width - plen : 0;
		put_padded(o, tmp + n, sizeof(tmp) - n, &rest, '0');
		return;
	}
	n -= plen;
	memcpy(tmp + n, prefix, plen);
	put_padded(o, tmp + n, sizeof(tmp) - n, sp, ' ');
}

static const char *parse_spec(const char *f, struct spec *sp)
{
	*sp = (struct spec){ .precision = -1 };
	for (;; f++) {
		if (*f == '0')
			sp->zero = 1;
		else if (*f == '-')
			sp->left = 1;
		else if (*f == '#')
			sp->alt = 1;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (unsigned int)(*f++ - '0');
	if (*f == '.') {
		sp->precision = 0;
		while (*++f >= '0' && *f <= '9')
			sp->precision = sp->precision * 10 + (*f - '0');
	}
	while (*f == 'l' || *f == 'z') {
		sp->size = *f == 'z' ? 1 : sp->size + 1;
		f++;
	}
	return f;
}

static uint64_t arg_unsigned(va_list *ap, int size)
{
	if (size == 2)
		return va_arg(*ap, unsigned long long);
	if (size == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int size)
{
	if (size == 2)
		return va_arg(*ap, long long);
	if (size == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static void convert(struct out *o, char c, const struct spec *sp, va_list *ap)
{
	const char *s;
	int64_t sv;
	char ch;

	switch (c) {
	case 's':
		s = va_arg(*ap, const char *);
		s = s ? s : "(null)";
		put_padded(o, s,
			   sp->precision < 0 ?
				   strlen(s) :
				   strnlen(s, (size_t)sp->precision),
			   sp, ' ');
		break;
	case 'c':
		ch = (char)va_arg(*ap, int);
		put_padded(o, &ch, 1, sp, ' ');
		break;
	case 'd':
	case 'i':
		sv = arg_signed(ap, sp->size);
		put_number(o, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, sv < 0, 10,
			   sp);
		break;
	case 'u':
		put_number(o, arg_unsigned(ap, sp->size), 0, 10, sp);
		break;
	case 'x':
		put_number(o, arg_unsigned(ap, sp->size), 0, 16, sp);
		break;
	case 'p':
		put_number(o, (uint64_t)va_arg(*ap, void *), 0, 16,
			   &(struct spec){ .alt = 1, .precision = -1 });
		break;
	default:
		put(o, '%');
		put(o, c);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp);
		if (!*fmt)
			break;
		if (*fmt == '%')
			put(&o, '%');
		else
			convert(&o, *fmt, &sp, &aq);
		fmt++;
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(buf)) {
		uart_write(buf, (size_t)n);
		return;
	}
	/* Cut short, but keep the line break so the next line stays whole. */
	uart_write(buf, sizeof(buf) - 1);
	if (fmt[0] && fmt[strlen(fmt) - 1] == '\n')
		uart_write("...\n", 4);
}
