// SPDX-License-Identifier: MIT
// The uart guest: reads one line from the 8250 by polling LSR and echoes it,
// reads a second line with the receive interrupt routed through the IOAPIC
// and echoes it, then checks the transmitter-empty interrupt and the
// register probes Linux's 8250 driver makes before it uses a port. The host
// feeds both lines on husk's stdin and names them on the command line:
//   line1=TEXT line2=TEXT

#include "guest/lib/acpi.h"
#include "guest/lib/apic.h"
#include "guest/lib/guest.h"
#include "guest/lib/idt.h"
#include "guest/lib/io.h"
#include "guest/lib/uart.h"

#define UART_VECTOR 0x34
#define LINE_MAX 128
#define LINE_WAIT_MS 20000
#define THRE_WAIT_MS 2000

struct line {
	char text[LINE_MAX];
	unsigned int len;
	int done;
};

static struct line irq_line;
static volatile unsigned int thre_irqs, rx_irqs;

static void line_add(struct line *l, int c)
{
	if (c == '\n' || c == '\r') {
		l->done = l->len > 0;
		return;
	}
	if (l->len + 1 < LINE_MAX)
		l->text[l->len++] = (char)c;
	l->text[l->len] = 0;
}

static void read_line_polled(struct line *l)
{
	int c;

	while (!l->done) {
		c = uart_getc_timeout(LINE_WAIT_MS);
		if (c < 0)
			return;
		line_add(l, c);
	}
}

/* Echoes @l as "echo-TAG: TEXT" and checks it against the value of @key. */
static void check_line(const struct line *l, const char *key, const char *tag,
		       const char *name)
{
	char want[LINE_MAX];

	printf("echo-%s: %s\n", tag, l->text);
	if (cmdline_get(key, want, sizeof(want)) < 0) {
		tap_fail("%s: no %s= on the command line", name, key);
		return;
	}
	tap_check(l->done && !strcmp(l->text, want), name,
		  "got \"%s\"%s, expected \"%s\"", l->text,
		  l->done ? "" : " (no newline before the timeout)", want);
}

static void uart_handler(struct irq_frame *frame)
{
	uint8_t iir;

	while (!((iir = inb(COM1 + UART_IIR)) & UART_IIR_NO_INT)) {
		switch (iir & UART_IIR_ID_MASK) {
		case UART_IIR_THRI:
			thre_irqs++;
			outb(COM1 + UART_IER, UART_IER_RDI);
			break;
		case UART_IIR_RDI:
		case UART_IIR_RX_TIMEOUT:
			rx_irqs++;
			while (inb(COM1 + UART_LSR) & UART_LSR_DR)
				line_add(&irq_line, inb(COM1 + UART_RBR));
			break;
		default:
			inb(COM1 + UART_LSR);
		}
	}
	lapic_eoi();
}

static void route_irq(void)
{
	struct madt_info m;

	acpi_parse_madt(&m);
	printf("# uart: IRQ 4 is GSI %u\n", m.irq_gsi[UART_IRQ]);
	pic_mask_all();
	lapic_enable();
	idt_set_handler(UART_VECTOR, uart_handler);
	ioapic_route(m.irq_gsi[UART_IRQ], UART_VECTOR, lapic_id(),
		     ioapic_flags_from_inti(m.irq_flags[UART_IRQ]));
	outb(COM1 + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
}

static void read_line_irq(void)
{
	uint64_t end = deadline_ms(LINE_WAIT_MS);

	outb(COM1 + UART_IER, UART_IER_RDI);
	while (!irq_line.done && !deadline_passed(end))
		irq_wait();
	printf("# uart: %u receive interrupts\n", rx_irqs);
}

static void check_thre(void)
{
	uint64_t end = deadline_ms(THRE_WAIT_MS);

	outb(COM1 + UART_IER, UART_IER_RDI | UART_IER_THRI);
	while (!thre_irqs && !deadline_passed(end))
		irq_wait();
	tap_check(thre_irqs > 0, "uart THRE interrupt",
		  "none within %u ms of setting IER.THRI", THRE_WAIT_MS);
}

/* What serial8250 autoconfig reads back before it accepts a port. */
static void check_registers(void)
{
	uint8_t ier0, ier15, scr, lcr, dll, fifo;

	outb(COM1 + UART_IER, 0);
	ier0 = inb(COM1 + UART_IER);
	outb(COM1 + UART_IER, 0x0f);
	ier15 = inb(COM1 + UART_IER);
	outb(COM1 + UART_IER, 0);
	tap_check((ier0 & 0x0f) == 0 && (ier15 & 0x0f) == 0x0f,
		  "uart IER reads back", "0 -> %#x, 0x0f -> %#x", ier0, ier15);

	outb(COM1 + UART_SCR, 0xa5);
	scr = inb(COM1 + UART_SCR);
	tap_check(scr == 0xa5, "uart scratch register reads back", "%#x", scr);

	outb(COM1 + UART_LCR, UART_LCR_DLAB | UART_LCR_8N1);
	outb(COM1 + UART_DLL, 0x0c); /* 9600 baud */
	dll = inb(COM1 + UART_DLL);
	lcr = inb(COM1 + UART_LCR);
	outb(COM1 + UART_DLL, 1);
	outb(COM1 + UART_LCR, UART_LCR_8N1);
	tap_check(dll == 0x0c && lcr == (UART_LCR_DLAB | UART_LCR_8N1),
		  "uart divisor latch and LCR read back", "DLL %#x, LCR %#x",
		  dll, lcr);

	outb(COM1 + UART_FCR, 0x07); /* enable and clear the FIFOs */
	fifo = inb(COM1 + UART_IIR) >> 6;
	outb(COM1 + UART_FCR, 0);
	printf("# uart: %s\n", fifo == 3 ? "16550A FIFOs" : "no FIFOs");
}

void guest_main(void)
{
	struct line polled = { 0 };

	printf("# uart: waiting for line 1 (polled)\n");
	read_line_polled(&polled);
	check_line(&polled, "line1", "poll", "uart polled read");

	route_irq();
	printf("# uart: waiting for line 2 (interrupt)\n");
	read_line_irq();
	check_line(&irq_line, "line2", "irq", "uart interrupt-driven read");
	check_thre();
	outb(COM1 + UART_IER, 0);
	/* Last: clearing the FIFOs would drop input not read yet. */
	check_registers();
}
