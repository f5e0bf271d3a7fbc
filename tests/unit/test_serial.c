// SPDX-License-Identifier: MIT
/*
 * Tests of husk's 16550A UART: Linux's 8250 probe sequence, output to a
 * pipe (blocking, full and broken), input through RBR, interrupt
 * identification and the IRQ line, the input buffer's limits, and hostile
 * accesses at every offset and width.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "vmm/serial.h"

#define RBR 0
#define IER 1
#define IIR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

struct irq_log {
	int level;
	int raises;
	int lowers;
	int redundant; /* set_irq calls that did not change the level */
};

struct fixture {
	struct serial *s;
	struct irq_log irq;
	int pipe[2];
	int efd;
};

static void record_irq(void *opaque, int level)
{
	struct irq_log *log = opaque;

	if (level == log->level)
		log->redundant++;
	else if (level)
		log->raises++;
	else
		log->lowers++;
	log->level = level;
}

static void setup(struct fixture *f)
{
	struct serial_config cfg;

	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(pipe(f->pipe), 0);
	f->efd = eventfd(0, EFD_NONBLOCK);
	ck_assert_int_ge(f->efd, 0);
	cfg = (struct serial_config){
		.out_fd = f->pipe[1],
		.set_irq = record_irq,
		.opaque = &f->irq,
		.rx_space_fd = f->efd,
	};
	ck_assert_int_eq(serial_create(&f->s, &cfg), 0);
}

static void teardown(struct fixture *f)
{
	serial_destroy(f->s);
	close(f->pipe[0]);
	if (f->pipe[1] >= 0)
		close(f->pipe[1]);
	close(f->efd);
}

static uint8_t in(struct serial *s, unsigned int reg)
{
	uint8_t v = 0xee;

	ck_assert_int_eq(serial_io(s, reg, &v, 1, false), 0);
	return v;
}

static void out(struct serial *s, unsigned int reg, uint8_t v)
{
	ck_assert_int_eq(serial_io(s, reg, &v, 1, true), 0);
}

static uint64_t read_eventfd(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* Linux's size_fifo(): loop 256 bytes back and count what comes out. */
static int size_fifo(struct serial *s)
{
	uint8_t old_lcr = in(s, LCR), old_fcr, old_mcr, dll, dlm;
	int count, i;

	out(s, LCR, 0);
	old_fcr = in(s, IIR);
	old_mcr = in(s, MCR);
	out(s, IIR, 0x07);
	out(s, MCR, 0x10);
	out(s, LCR, 0x80);
	dll = in(s, RBR);
	dlm = in(s, IER);
	out(s, RBR, 1);
	out(s, IER, 0);
	out(s, LCR, 0x03);
	for (i = 0; i < 256; i++)
		out(s, RBR, (uint8_t)i);
	for (count = 0; (in(s, LSR) & 0x01) && count < 256; count++)
		in(s, RBR);
	out(s, IIR, old_fcr);
	out(s, MCR, old_mcr);
	out(s, LCR, 0x80);
	out(s, RBR, dll);
	out(s, IER, dlm);
	out(s, LCR, old_lcr);
	return count;
}

/* The variant checks of Linux's autoconfig_16550a(), in its order. */
static const char *probe_16550a_variant(struct serial *s)
{
	uint8_t st1, st2, ier;

	out(s, LCR, 0x80);
	if (in(s, IIR) == 0)
		return "16650/FSL64";
	out(s, LCR, 0xbf);
	if (in(s, IIR) == 0)
		return "EFR UART";
	out(s, LCR, 0);
	st1 = in(s, MCR);
	out(s, LCR, 0xe0);
	st2 = in(s, IIR);
	if (!((st2 ^ st1) & 0x10)) {
		out(s, LCR, 0);
		out(s, MCR, st1 ^ 0x10);
		out(s, LCR, 0xe0);
		st2 = in(s, IIR);
		out(s, LCR, 0);
		out(s, MCR, st1);
		if ((st2 ^ st1) & 0x10)
			return "NS16550A";
	}
	out(s, LCR, 0);
	out(s, IIR, 0x21);
	st1 = in(s, IIR) & 0xe0;
	out(s, IIR, 0x01);
	out(s, LCR, 0x80);
	out(s, IIR, 0x21);
	st2 = in(s, IIR) & 0xe0;
	out(s, IIR, 0x01);
	out(s, LCR, 0);
	if (st1 == 0xc0 && st2 == 0xe0)
		return "16750";
	ier = in(s, IER);
	out(s, IER, ier & ~0x40);
	if (!(in(s, IER) & 0x40)) {
		out(s, IER, ier | 0x40);
		if (in(s, IER) & 0x40)
			return "XScale";
	}
	out(s, IER, ier);
	if (size_fifo(s) == 64)
		return "U6_16550A";
	return "16550A";
}

/* Linux's autoconfig() with the loopback test and full 16550A probe. */
static const char *probe_like_linux(struct serial *s)
{
	uint8_t save_ier, a, b, save_mcr, save_lcr, status;
	const char *type;

	save_ier = in(s, IER);
	out(s, IER, 0);
	a = in(s, IER) & 0x0f;
	out(s, IER, 0x0f);
	b = in(s, IER) & 0x0f;
	out(s, IER, save_ier);
	if (a != 0 || b != 0x0f)
		return "no UART (IER test)";

	save_mcr = in(s, MCR);
	save_lcr = in(s, LCR);
	out(s, MCR, 0x10 | 0x08 | 0x02);
	status = in(s, MSR) & 0xf0;
	out(s, MCR, save_mcr);
	if (status != 0x90)
		return "no UART (loopback test)";

	out(s, LCR, 0xbf);
	out(s, IIR, 0);
	out(s, LCR, 0);
	out(s, IIR, 0x01);
	switch (in(s, IIR) & 0xc0) {
	case 0x00:
		type = "8250/16450";
		break;
	case 0x80:
		type = "16550";
		break;
	case 0xc0:
		type = probe_16550a_variant(s);
		break;
	default:
		type = "unknown";
		break;
	}
	out(s, LCR, save_lcr);
	out(s, MCR, save_mcr);
	out(s, IIR, 0x07); /* serial8250_clear_fifos() */
	in(s, RBR);
	out(s, IER, 0);
	return type;
}

START_TEST(test_reset_values)
{
	static const struct {
		unsigned int reg;
		uint8_t val;
	} rows[] = {
		{ IER, 0x00 }, { IIR, 0x01 }, { LCR, 0x00 }, { MCR, 0x00 },
		{ LSR, 0x60 }, { MSR, 0xb0 }, { SCR, 0x00 },
	};
	struct fixture f;
	size_t i;

	setup(&f);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_msg(in(f.s, rows[i].reg) == rows[i].val, "reg %u",
			      rows[i].reg);
	teardown(&f);
}
END_TEST

/* In loopback, MCR's outputs come back as MSR's inputs. */
START_TEST(test_loopback_msr)
{
	static const struct {
		uint8_t mcr, msr;
	} rows
		[] = {
			{ 0x10, 0x00 }, { 0x11, 0x20 }, { 0x12, 0x10 },
			{ 0x14, 0x40 }, { 0x18, 0x80 }, { 0x1f, 0xf0 },
			{ 0x1a, 0x90 }, /* what Linux's loopback test expects */
		};
	struct fixture f;
	size_t i;

	setup(&f);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		out(f.s, MCR, rows[i].mcr);
		ck_assert_msg((in(f.s, MSR) & 0xf0) == rows[i].msr, "row %zu",
			      i);
	}

	/* Leaving loopback brings the host's lines back; deltas are set. */
	out(f.s, MCR, 0x00);
	ck_assert_int_eq(in(f.s, MSR), 0xb0 | 0x02); /* only DSR changed */
	ck_assert_int_eq(in(f.s, MSR), 0xb0);

	/* Loopback bytes come back in RBR, not on the host. */
	out(f.s, MCR, 0x10);
	out(f.s, RBR, 'q');
	ck_assert_int_eq(in(f.s, LSR) & 0x01, 0x01);
	ck_assert_int_eq(in(f.s, RBR), 'q');
	{
		struct pollfd p = { .fd = f.pipe[0], .events = POLLIN };

		ck_assert_int_eq(poll(&p, 1, 0), 0);
	}
	teardown(&f);
}
END_TEST

START_TEST(test_probe_is_16550a)
{
	struct fixture f;

	setup(&f);
	ck_assert_str_eq(probe_like_linux(f.s), "16550A");
	/* A second probe (the PNP driver after the legacy one) agrees. */
	ck_assert_str_eq(probe_like_linux(f.s), "16550A");
	ck_assert_int_eq(f.irq.redundant, 0);
	ck_assert_int_eq(f.irq.level, 0);

	/* Nothing of the probe, loopback bytes included, reached the host. */
	out(f.s, RBR, '!');
	{
		char c = 0;

		ck_assert_int_eq(read(f.pipe[0], &c, 1), 1);
		ck_assert_int_eq(c, '!');
	}
	teardown(&f);
}
END_TEST

/* serial8250_do_startup(): THRE and TX-enable interrupt tests. */
START_TEST(test_startup_thre)
{
	struct fixture f;
	uint8_t lsr, iir1, iir2;

	setup(&f);
	ck_assert_int_eq(in(f.s, LSR) & 0x60, 0x60);
	out(f.s, IER, 0x02);
	iir1 = in(f.s, IIR);
	out(f.s, IER, 0);
	out(f.s, IER, 0x02);
	iir2 = in(f.s, IIR);
	out(f.s, IER, 0);
	ck_assert_int_eq(iir1 & 0x0f, 0x02);
	ck_assert_int_eq(iir2 & 0x0f, 0x02); /* no UART_BUG_THRE */

	out(f.s, IER, 0x02);
	lsr = in(f.s, LSR);
	iir1 = in(f.s, IIR);
	out(f.s, IER, 0);
	ck_assert(lsr & 0x40);
	ck_assert_int_eq(iir1 & 0x01, 0); /* no UART_BUG_TXEN */
	ck_assert_int_eq(f.irq.level, 0);
	ck_assert_int_eq(f.irq.redundant, 0);
	teardown(&f);
}
END_TEST

START_TEST(test_thr_reaches_out_fd)
{
	static const char msg[] = "husk says hello\r\n";
	struct fixture f;
	char got[sizeof(msg)] = { 0 };
	size_t i;

	setup(&f);
	for (i = 0; i < sizeof(msg) - 1; i++) {
		ck_assert(in(f.s, LSR) & 0x20);
		out(f.s, RBR, (uint8_t)msg[i]);
	}
	ck_assert_int_eq(read(f.pipe[0], got, sizeof(got)),
			 (ssize_t)sizeof(msg) - 1);
	ck_assert_str_eq(got, msg);
	teardown(&f);
}
END_TEST

START_TEST(test_rx_order_and_irq)
{
	struct fixture f;
	const uint8_t msg[] = "abc";

	setup(&f);
	ck_assert_int_eq(in(f.s, LSR) & 0x01, 0);
	ck_assert_uint_eq(serial_receive(f.s, msg, 3), 3);
	ck_assert_int_eq(f.irq.raises, 0); /* IER still 0 */

	out(f.s, IER, 0x01);
	ck_assert_int_eq(f.irq.level, 1);
	ck_assert_int_eq(in(f.s, IIR), 0x04);
	ck_assert_int_eq(in(f.s, LSR) & 0x01, 0x01);
	ck_assert_int_eq(in(f.s, RBR), 'a');
	ck_assert_int_eq(f.irq.level, 1);
	ck_assert_int_eq(in(f.s, RBR), 'b');
	ck_assert_int_eq(in(f.s, LSR) & 0x01, 0x01);
	ck_assert_int_eq(in(f.s, RBR), 'c');
	ck_assert_int_eq(f.irq.level, 0);
	ck_assert_int_eq(in(f.s, LSR) & 0x01, 0);
	ck_assert_int_eq(in(f.s, IIR), 0x01);

	/* New input raises the line again, once. */
	ck_assert_uint_eq(serial_receive(f.s, msg, 1), 1);
	ck_assert_int_eq(f.irq.level, 1);
	ck_assert_int_eq(f.irq.raises, 2);
	ck_assert_int_eq(f.irq.lowers, 1);
	ck_assert_int_eq(f.irq.redundant, 0);
	teardown(&f);
}
END_TEST

START_TEST(test_dlab)
{
	struct fixture f;

	setup(&f);
	out(f.s, IER, 0x05);
	out(f.s, LCR, 0x83);
	out(f.s, RBR, 0x34);
	out(f.s, IER, 0x12);
	ck_assert_int_eq(in(f.s, RBR), 0x34);
	ck_assert_int_eq(in(f.s, IER), 0x12);
	out(f.s, LCR, 0x03);
	ck_assert_int_eq(in(f.s, LCR), 0x03);
	ck_assert_int_eq(in(f.s, IER), 0x05);

	/* The divisor write did not leave as output. */
	{
		struct pollfd p = { .fd = f.pipe[0], .events = POLLIN };

		ck_assert_int_eq(poll(&p, 1, 0), 0);
	}
	out(f.s, LCR, 0x80);
	ck_assert_int_eq(in(f.s, RBR), 0x34);
	ck_assert_int_eq(in(f.s, IER), 0x12);
	teardown(&f);
}
END_TEST

START_TEST(test_scratch_and_fcr)
{
	struct fixture f;

	setup(&f);
	out(f.s, SCR, 0xa5);
	ck_assert_int_eq(in(f.s, SCR), 0xa5);
	ck_assert_int_eq(in(f.s, IIR), 0x01); /* FIFOs off */
	out(f.s, IIR, 0xc1);
	ck_assert_int_eq(in(f.s, IIR), 0xc1);
	ck_assert_int_eq(in(f.s, MSR) & 0xb0, 0xb0); /* DCD, DSR, CTS */
	teardown(&f);
}
END_TEST

/*
 * Every interrupt source at once, then each acknowledged in turn:
 * line status, received data, THR empty, modem status.
 */
START_TEST(test_iir_priorities)
{
	static const struct {
		uint8_t iir;
		int ack_reg; /* how the guest acknowledges it */
	} rows[] = {
		{ 0xc6, LSR }, { 0xc4, -1 }, { 0xc2, IIR },
		{ 0xc0, MSR }, { 0xc1, -1 },
	};
	struct fixture f;
	size_t i;

	setup(&f);
	out(f.s, IIR, 0x01);
	out(f.s, MCR, 0x10); /* loopback: THR feeds RBR */
	for (i = 0; i <= SERIAL_RX_BUF_SIZE; i++)
		out(f.s, RBR, (uint8_t)i); /* the last one overruns */
	out(f.s, MCR, 0x10 | 0x02); /* RTS -> CTS: a modem status delta */
	out(f.s, IER, 0x0f);

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ck_assert_msg(in(f.s, IIR) == rows[i].iir, "row %zu", i);
		if (rows[i].iir == 0xc4)
			out(f.s, IIR, 0x03); /* clear the receive FIFO */
		else if (rows[i].ack_reg >= 0 && rows[i].ack_reg != IIR)
			in(f.s, (unsigned int)rows[i].ack_reg);
	}
	ck_assert_int_eq(f.irq.level, 0);
	ck_assert_int_eq(f.irq.redundant, 0);
	teardown(&f);
}
END_TEST

START_TEST(test_thri_irq)
{
	struct fixture f;

	setup(&f);
	out(f.s, IER, 0x02);
	ck_assert_int_eq(f.irq.level, 1);
	ck_assert_int_eq(in(f.s, IIR), 0x02);
	ck_assert_int_eq(f.irq.level, 0);

	/* Writing THR empties it again right away: THRE is reported anew. */
	out(f.s, RBR, 'x');
	ck_assert_int_eq(f.irq.level, 1);
	out(f.s, IER, 0);
	ck_assert_int_eq(f.irq.level, 0);
	out(f.s, IER, 0x02);
	ck_assert_int_eq(f.irq.level, 1);
	ck_assert_int_eq(f.irq.redundant, 0);
	teardown(&f);
}
END_TEST

START_TEST(test_rx_full_and_space_fd)
{
	struct fixture f;
	static uint8_t big[SERIAL_RX_BUF_SIZE + 100];
	size_t i;

	setup(&f);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	ck_assert_uint_eq(serial_rx_space(f.s), SERIAL_RX_BUF_SIZE);
	ck_assert_uint_eq(serial_receive(f.s, big, sizeof(big)),
			  SERIAL_RX_BUF_SIZE);
	ck_assert_uint_eq(serial_rx_space(f.s), 0);
	ck_assert_uint_eq(serial_receive(f.s, big, 1), 0);
	ck_assert_int_eq(in(f.s, LSR) & 0x02, 0); /* no overrun: refused */

	/* Drain to just below half: not yet signalled. */
	for (i = 0; i < SERIAL_RX_BUF_SIZE / 2 - 1; i++)
		ck_assert_int_eq(in(f.s, RBR), big[i]);
	ck_assert_uint_eq(read_eventfd(f.efd), 0);
	ck_assert_int_eq(in(f.s, RBR), big[i++]);
	ck_assert_uint_eq(read_eventfd(f.efd), 1);
	ck_assert_uint_eq(serial_rx_space(f.s), SERIAL_RX_BUF_SIZE / 2);

	/* Only once per refusal. */
	ck_assert_int_eq(in(f.s, RBR), big[i++]);
	ck_assert_uint_eq(read_eventfd(f.efd), 0);

	/* Order survives refill after a partial take. */
	ck_assert_uint_eq(serial_receive(f.s, big + SERIAL_RX_BUF_SIZE, 100),
			  100);
	for (; i < SERIAL_RX_BUF_SIZE + 100; i++)
		ck_assert_int_eq(in(f.s, RBR), big[i]);
	ck_assert_int_eq(in(f.s, LSR) & 0x01, 0);
	teardown(&f);
}
END_TEST

struct writer {
	struct serial *s;
	const char *msg;
};

static void *write_thread(void *arg)
{
	struct writer *w = arg;
	size_t i;

	for (i = 0; w->msg[i]; i++)
		out(w->s, RBR, (uint8_t)w->msg[i]);
	return NULL;
}

/* A full non-blocking out_fd delays output; it neither drops nor spins. */
START_TEST(test_out_fd_eagain)
{
	struct fixture f;
	struct writer w;
	pthread_t t;
	static char junk[1 << 16];
	char buf[4096];
	size_t total = 0, got = 0;
	ssize_t n;
	char tail[6] = { 0 };

	setup(&f);
	fcntl(f.pipe[1], F_SETFL, O_NONBLOCK);
	while ((n = write(f.pipe[1], junk, sizeof(junk))) > 0)
		total += (size_t)n;
	ck_assert_int_eq(errno, EAGAIN);

	w = (struct writer){ .s = f.s, .msg = "hello" };
	ck_assert_int_eq(pthread_create(&t, NULL, write_thread, &w), 0);
	usleep(50 * 1000);
	while (got < total + 5) {
		n = read(f.pipe[0], buf, sizeof(buf));
		ck_assert_int_gt(n, 0);
		if (got + (size_t)n > total) {
			size_t skip = got < total ? total - got : 0;

			memcpy(tail + (got + skip - total), buf + skip,
			       (size_t)n - skip);
		}
		got += (size_t)n;
	}
	pthread_join(t, NULL);
	ck_assert_str_eq(tail, "hello");
	teardown(&f);
}
END_TEST

/* A reader that went away: output is dropped with one message. */
START_TEST(test_out_fd_broken)
{
	struct fixture f;
	int err[2], saved;
	char msg[512] = { 0 };
	const char *p;
	int lines = 0;

	signal(SIGPIPE, SIG_IGN);
	setup(&f);
	close(f.pipe[0]);
	f.pipe[0] = open("/dev/null", O_RDONLY);
	ck_assert_int_eq(pipe(err), 0);
	saved = dup(2);
	dup2(err[1], 2);
	out(f.s, RBR, 'a');
	out(f.s, RBR, 'b');
	ck_assert(in(f.s, LSR) & 0x60);
	dup2(saved, 2);
	close(err[1]);
	ck_assert_int_gt(read(err[0], msg, sizeof(msg) - 1), 0);
	for (p = msg; (p = strstr(p, "husk: serial:")); p++)
		lines++;
	ck_assert_int_eq(lines, 1);
	close(err[0]);
	close(saved);
	teardown(&f);
}
END_TEST

struct reader {
	struct serial *s;
	size_t n;
	int bad;
};

static void *read_thread(void *arg)
{
	struct reader *r = arg;
	size_t i = 0;

	while (i < r->n) {
		if (!(in(r->s, LSR) & 0x01))
			continue;
		if (in(r->s, RBR) != (uint8_t)(i * 13))
			r->bad++;
		i++;
	}
	return NULL;
}

START_TEST(test_concurrent_rx)
{
	struct fixture f;
	struct reader r;
	pthread_t t;
	uint8_t chunk[97];
	size_t sent = 0, n, i;

	setup(&f);
	r = (struct reader){ .s = f.s, .n = 200000 };
	ck_assert_int_eq(pthread_create(&t, NULL, read_thread, &r), 0);
	while (sent < r.n) {
		n = r.n - sent < sizeof(chunk) ? r.n - sent : sizeof(chunk);
		for (i = 0; i < n; i++)
			chunk[i] = (uint8_t)((sent + i) * 13);
		sent += serial_receive(f.s, chunk, n);
	}
	pthread_join(t, NULL);
	ck_assert_int_eq(r.bad, 0);
	teardown(&f);
}
END_TEST

/* Every offset and width the bus could hand over, and some it never does. */
START_TEST(test_hostile_bounds)
{
	struct fixture f;
	uint8_t data[16];
	uint64_t off;
	uint32_t len;
	int w, r;

	setup(&f);
	for (w = 0; w < 2; w++) {
		for (off = 0; off < 12; off++) {
			for (len = 0; len <= 9; len++) {
				memset(data, 0x5a, sizeof(data));
				r = serial_io(f.s, off, data, len, w);
				if (len >= 1 && off + len <= SERIAL_PORT_LEN)
					ck_assert_int_eq(r, 0);
				else
					ck_assert_int_eq(r, -EINVAL);
				ck_assert_int_eq(data[9], 0x5a);
			}
		}
	}
	ck_assert_int_eq(serial_io(f.s, UINT64_MAX, data, 1, false), -EINVAL);
	ck_assert_int_eq(serial_io(f.s, 1, data, UINT32_MAX, true), -EINVAL);
	teardown(&f);
}
END_TEST

START_TEST(test_hostile_random)
{
	struct fixture f;
	uint8_t data[8], junk[64];
	unsigned int seed = 12345;
	uint32_t len;
	uint64_t off;
	int i, level;

	setup(&f);
	serial_destroy(f.s);
	{
		/* Random THR bytes would only fill the pipe: discard them. */
		struct serial_config cfg = { .out_fd = -1,
					     .set_irq = record_irq,
					     .opaque = &f.irq,
					     .rx_space_fd = f.efd };

		ck_assert_int_eq(serial_create(&f.s, &cfg), 0);
	}
	for (i = 0; i < 200000; i++) {
		off = (uint64_t)(rand_r(&seed) % SERIAL_PORT_LEN);
		len = 1 + (uint32_t)(rand_r(&seed) % (SERIAL_PORT_LEN - off));
		data[0] = (uint8_t)rand_r(&seed);
		memset(data + 1, (int)rand_r(&seed), sizeof(data) - 1);
		ck_assert_int_eq(
			serial_io(f.s, off, data, len, rand_r(&seed) & 1), 0);
		if (i % 97 == 0)
			serial_receive(f.s, junk, (size_t)rand_r(&seed) % 64);
		ck_assert_int_eq(f.irq.redundant, 0);
	}
	/* Whatever happened, the line state matches IIR. */
	level = f.irq.level;
	ck_assert_int_eq(level, !(in(f.s, IIR) & 0x01));
	ck_assert_int_eq(in(f.s, IER) & 0xf0, 0);
	teardown(&f);
}
END_TEST

static Suite *serial_suite(void)
{
	Suite *s = suite_create("serial");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_reset_values);
	tcase_add_test(tc, test_loopback_msr);
	tcase_add_test(tc, test_probe_is_16550a);
	tcase_add_test(tc, test_startup_thre);
	tcase_add_test(tc, test_thr_reaches_out_fd);
	tcase_add_test(tc, test_rx_order_and_irq);
	tcase_add_test(tc, test_dlab);
	tcase_add_test(tc, test_scratch_and_fcr);
	tcase_add_test(tc, test_iir_priorities);
	tcase_add_test(tc, test_thri_irq);
	tcase_add_test(tc, test_rx_full_and_space_fd);
	tcase_add_test(tc, test_out_fd_eagain);
	tcase_add_test(tc, test_out_fd_broken);
	tcase_add_test(tc, test_concurrent_rx);
	tcase_add_test(tc, test_hostile_bounds);
	tcase_add_test(tc, test_hostile_random);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(serial_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
