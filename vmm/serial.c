// SPDX-License-Identifier: MIT
/*
 * husk's 16550A UART: the register file, interrupt identification and a
 * line to the host. Output leaves through write(2) at once, waiting for a
 * slow stdout until husk stops; input waits in a ring buffer until the
 * guest reads it.
 */
#include "vmm/serial.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/log.h"

/* Register offsets. */
#define UART_RX 0 /* RBR on read, THR on write; DLL with DLAB */
#define UART_IER 1 /* DLM with DLAB */
#define UART_IIR 2 /* IIR on read, FCR on write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define IER_RDI 0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI 0x08
#define IER_MASK 0x0f /* a 16550A has no bits above these */

#define IIR_NO_INT 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_FIFO_ENABLED 0xc0

#define FCR_ENABLE_FIFO 0x01
#define FCR_CLEAR_RCVR 0x02
#define FCR_KEPT 0xc9 /* enable, DMA mode, trigger level */

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1f

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_DELTAS 0x0f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

/* The host end of the line: carrier, data set ready and clear to send. */
#define MSR_HOST_LINES (MSR_DCD | MSR_DSR | MSR_CTS)

/* Input room to wait for before rx_space_fd is signalled. */
#define RX_LOW_WATER (SERIAL_RX_BUF_SIZE / 2)

/* Once husk stops, how long out_fd may take to accept the next byte. */
#define DRAIN_TIMEOUT_MS 1000

struct serial {
	pthread_mutex_t lock; /* guards everything below but out_fd use */
	pthread_mutex_t out_lock; /* orders output; taken before lock drops */
	struct serial_config cfg;

	uint8_t ier, lcr, mcr, msr, scr, fcr, dll, dlm;
	bool overrun; /* LSR_OE, cleared by reading LSR */
	bool thri_pending; /* THR empty, not yet reported through IIR */
	bool irq_level;
	bool want_space; /* serial_receive() found the buffer full */

	/* Output state, guarded by out_lock. */
	int stop_fd; /* readable once husk stops; -1 until watched */
	bool stopping; /* stop_fd was seen readable */
	bool out_broken; /* out_fd failed or stalled; output is dropped */

	size_t rx_head, rx_count;
	uint8_t rx[SERIAL_RX_BUF_SIZE];
};

int serial_create(struct serial **sp, const struct serial_config *cfg)
{
	struct serial *s;

	if (!sp || !cfg)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	s->dll = 12; /* 9600 baud, as after a PC BIOS */
	s->msr = MSR_HOST_LINES;
	s->stop_fd = -1;
	if (pthread_mutex_init(&s->lock, NULL))
		goto err_free;
	if (pthread_mutex_init(&s->out_lock, NULL))
		goto err_lock;
	*sp = s;
	return 0;

err_lock:
	pthread_mutex_destroy(&s->lock);
err_free:
	free(s);
	return -ENOMEM;
}

void serial_destroy(struct serial *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->out_lock);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* The highest-priority pending interrupt, in IIR encoding. */
static uint8_t pending_iir(const struct serial *s)
{
	if ((s->ier & IER_RLSI) && s->overrun)
		return IIR_RLSI;
	if ((s->ier & IER_RDI) && s->rx_count)
		return IIR_RDI;
	if ((s->ier & IER_THRI) && s->thri_pending)
		return IIR_THRI;
	if ((s->ier & IER_MSI) && (s->msr & MSR_DELTAS))
		return IIR_MSI;
	return IIR_NO_INT;
}

/* Drives the IRQ line, touching it only when its level changes. */
static void update_irq(struct serial *s)
{
	bool level = pending_iir(s) != IIR_NO_INT;

	if (level == s->irq_level)
		return;
	s->irq_level = level;
	if (s->cfg.set_irq)
		s->cfg.set_irq(s->cfg.opaque, level);
}

static void signal_space(struct serial *s)
{
	uint64_t one = 1;
	ssize_t n;

	if (!s->want_space || SERIAL_RX_BUF_SIZE - s->rx_count < RX_LOW_WATER)
		return;
	s->want_space = false;
	if (s->cfg.rx_space_fd < 0)
		return;

	/* An eventfd write only fails on a counter overflow: no loss. */
	do {
		n = write(s->cfg.rx_space_fd, &one, sizeof(one));
	} while (n < 0 && errno == EINTR);
}

static void rx_clear(struct serial *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
	signal_space(s);
}

static void rx_push(struct serial *s, uint8_t byte)
{
	if (s->rx_count == SERIAL_RX_BUF_SIZE) {
		s->overrun = true;
		return;
	}
	s->rx[(s->rx_head + s->rx_count) % SERIAL_RX_BUF_SIZE] = byte;
	s->rx_count++;
}

static uint8_t rx_pop(struct serial *s)
{
	uint8_t byte;

	if (!s->rx_count)
		return 0;
	byte = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_RX_BUF_SIZE;
	s->rx_count--;
	signal_space(s);
	return byte;
}

void serial_watch_stop(struct serial *s, int stop_fd)
{
	pthread_mutex_lock(&s->out_lock);
	s->stop_fd = stop_fd;
	pthread_mutex_unlock(&s->out_lock);
}

/*
 * Waits until out_fd takes a byte without blocking: 0, or -ETIMEDOUT when
 * husk is stopping and out_fd took nothing for DRAIN_TIMEOUT_MS, or -errno.
 *
 * NOTE: while husk runs, a stdout that is not read holds the writing vCPU
 * here as long as it takes: the guest's console slows down to the reader's
 * pace, as with hardware flow control, and no byte is lost. The stop
 * eventfd ends that wait, so a stdout nobody reads (a full pipe, a paused
 * terminal) cannot keep husk from exiting: it gets a last deadline, and
 * what it does not take by then is dropped.
 */
static int wait_writable(struct serial *s)
{
	struct pollfd pfd[2] = {
		{ .fd = s->cfg.out_fd, .events = POLLOUT },
		{ .fd = s->stop_fd, .events = POLLIN },
	};
	int r;

	for (;;) {
		bool watch = !s->stopping && s->stop_fd >= 0;

		r = poll(pfd, watch ? 2 : 1,
			 s->stopping ? DRAIN_TIMEOUT_MS : -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		if (pfd[0].revents & POLLNVAL)
			return -EBADF;
		if (pfd[0].revents)
			return 0; /* writable, or an error write() reports */
		s->stopping = true;
	}
}

/*
 * Tells the user that guest output was dropped, unless stderr is stuck as
 * well (the same full pipe, say): then a message would hold up the exit.
 */
static void report_drop(int err)
{
	struct pollfd pfd = { .fd = STDERR_FILENO, .events = POLLOUT };

	if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLOUT))
		return;
	if (err == ETIMEDOUT)
		log_warn("serial: stdout took no output for %d ms while husk "
			 "stopped; dropping the rest of the guest's output",
			 DRAIN_TIMEOUT_MS);
	else
		log_error_errno(err, "serial: write to console; dropping "
				     "guest output");
}

/*
 * Writes one byte to out_fd. Called with out_lock held. A descriptor that
 * fails, or stalls while husk stops, is given up on once, with one
 * message.
 */
static void emit(struct serial *s, uint8_t byte)
{
	int fd = s->cfg.out_fd, err;
	ssize_t n;

	if (fd < 0 || s->out_broken)
		return;
	for (;;) {
		err = -wait_writable(s);
		if (err)
			break;
		n = write(fd, &byte, 1);
		if (n == 1)
			return;
		err = n < 0 ? errno : EIO;

		/*
		 * EINTR: the stop kick; EAGAIN: another writer filled a
		 * non-blocking out_fd after poll().
		 *
		 * XXX: if another writer fills a blocking out_fd between
		 * poll() and write(), write() blocks; the kick that comes
		 * with a stop ends it, unless it lands just before write()
		 * starts: then the byte waits for a reader.
		 */
		if (err != EINTR && err != EAGAIN && err != EWOULDBLOCK)
			break;
	}
	s->out_broken = true;
	report_drop(err);
}

/* The modem status lines as the guest sees them, without delta bits. */
static uint8_t modem_lines(const struct serial *s)
{
	uint8_t m = s->mcr, lines = 0;

	if (!(m & MCR_LOOP))
		return MSR_HOST_LINES;
	if (m & MCR_RTS)
		lines |= MSR_CTS;
	if (m & MCR_DTR)
		lines |= MSR_DSR;
	if (m & MCR_OUT1)
		lines |= MSR_RI;
	if (m & MCR_OUT2)
		lines |= MSR_DCD;
	return lines;
}

static void write_mcr(struct serial *s, uint8_t val)
{
	uint8_t old = s->msr & ~MSR_DELTAS, now, changed;

	s->mcr = val & MCR_MASK;
	now = modem_lines(s);
	changed = old ^ now;
	if (changed & MSR_CTS)
		s->msr |= MSR_DCTS;
	if (changed & MSR_DSR)
		s->msr |= MSR_DDSR;
	if ((old & MSR_RI) && !(now & MSR_RI))
		s->msr |= MSR_TERI;
	if (changed & MSR_DCD)
		s->msr |= MSR_DDCD;
	s->msr = (s->msr & MSR_DELTAS) | now;
}

static void write_fcr(struct serial *s, uint8_t val)
{
	/* Switching the FIFOs on or off empties them, as on the chip. */
	if ((val ^ s->fcr) & FCR_ENABLE_FIFO || (val & FCR_CLEAR_RCVR))
		rx_clear(s);
	s->fcr = val & FCR_KEPT;
}

static void write_ier(struct serial *s, uint8_t val)
{
	uint8_t old = s->ier;

	s->ier = val & IER_MASK;

	/* Enabling THRI while THR is empty reports THRE anew. */
	if (!(old & IER_THRI) && (s->ier & IER_THRI))
		s->thri_pending = true;
}

/* Returns true if @val must go out on the line (to out_fd). */
static bool write_thr(struct serial *s, uint8_t val)
{
	/* The byte leaves at once, so THR is empty again right away. */
	s->thri_pending = true;
	if (s->mcr & MCR_LOOP) {
		rx_push(s, val);
		return false;
	}
	return true;
}

static bool write_reg(struct serial *s, unsigned int reg, uint8_t val)
{
	bool dlab = s->lcr & LCR_DLAB;

	switch (reg) {
	case UART_RX:
		if (dlab) {
			s->dll = val;
			return false;
		}
		return write_thr(s, val);
	case UART_IER:
		if (dlab)
			s->dlm = val;
		else
			write_ier(s, val);
		break;
	case UART_IIR:
		write_fcr(s, val);
		break;
	case UART_LCR:
		s->lcr = val;
		break;
	case UART_MCR:
		write_mcr(s, val);
		break;
	case UART_SCR:
		s->scr = val;
		break;
	default: /* LSR and MSR are read-only */
		break;
	}
	return false;
}

static uint8_t read_iir(struct serial *s)
{
	uint8_t iir = pending_iir(s);

	/* Reading IIR is how the guest acknowledges THRE. */
	if (iir == IIR_THRI)
		s->thri_pending = false;
	if (s->fcr & FCR_ENABLE_FIFO)
		iir |= IIR_FIFO_ENABLED;
	return iir;
}

static uint8_t read_lsr(struct serial *s)
{
	uint8_t lsr = LSR_THRE | LSR_TEMT;

	if (s->rx_count)
		lsr |= LSR_DR;
	if (s->overrun)
		lsr |= LSR_OE;
	s->overrun = false;
	return lsr;
}

static uint8_t read_msr(struct serial *s)
{
	uint8_t msr = s->msr;

	s->msr &= ~MSR_DELTAS;
	return msr;
}

static uint8_t read_reg(struct serial *s, unsigned int reg)
{
	bool dlab = s->lcr & LCR_DLAB;

	switch (reg) {
	case UART_RX:
		return dlab ? s->dll : rx_pop(s);
	case UART_IER:
		return dlab ? s->dlm : s->ier;
	case UART_IIR:
		return read_iir(s);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		return read_lsr(s);
	case UART_MSR:
		return read_msr(s);
	default:
		return s->scr;
	}
}

static void access_reg(struct serial *s, unsigned int reg, uint8_t *byte,
		       bool is_write)
{
	bool out = false;

	pthread_mutex_lock(&s->lock);
	if (is_write)
		out = write_reg(s, reg, *byte);
	else
		*byte = read_reg(s, reg);
	update_irq(s);
	if (!out) {
		pthread_mutex_unlock(&s->lock);
		return;
	}

	/* Write outside the register lock, in the order THR saw bytes. */
	pthread_mutex_lock(&s->out_lock);
	pthread_mutex_unlock(&s->lock);
	emit(s, *byte);
	pthread_mutex_unlock(&s->out_lock);
}

int serial_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
	      bool is_write)
{
	struct serial *s = opaque;
	uint32_t i;

	if (!s || !data || offset >= SERIAL_PORT_LEN || len == 0 ||
	    len > SERIAL_PORT_LEN - offset)
		return -EINVAL;
	for (i = 0; i < len; i++)
		access_reg(s, (unsigned int)offset + i, &data[i], is_write);
	return 0;
}

size_t serial_receive(struct serial *s, const uint8_t *buf, size_t len)
{
	size_t n, i;

	pthread_mutex_lock(&s->lock);
	n = SERIAL_RX_BUF_SIZE - s->rx_count;
	if (n > len)
		n = len;
	for (i = 0; i < n; i++)
		rx_push(s, buf[i]);
	if (n < len)
		s->want_space = true;
	update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return n;
}

size_t serial_rx_space(struct serial *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = SERIAL_RX_BUF_SIZE - s->rx_count;
	pthread_mutex_unlock(&s->lock);
	return n;
}
