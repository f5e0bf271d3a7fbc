// SPDX-License-Identifier: MIT
// Polled console output and input on the 8250 UART at 0x3f8.

#include "guest/lib/guest.h"
#include "guest/lib/io.h"
#include "guest/lib/uart.h"

/* Polls of LSR before a byte is sent anyway: husk's THR never stays full. */
#define THRE_POLLS 100000

void uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, UART_LCR_DLAB);
	outb(COM1 + UART_DLL, 1); /* 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, UART_LCR_8N1);
	outb(COM1 + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
}

static void put_raw(char c)
{
	unsigned int i;

	for (i = 0; i < THRE_POLLS; i++)
		if (inb(COM1 + UART_LSR) & UART_LSR_THRE)
			break;
	outb(COM1 + UART_THR, (uint8_t)c);
}

void uart_putc(char c)
{
	if (c == '\n')
		put_raw('\r');
	put_raw(c);
}

void uart_write(const char *s, size_t n)
{
	while (n--)
		uart_putc(*s++);
}

int uart_getc_timeout(unsigned int ms)
{
	uint64_t end = deadline_ms(ms);

	do {
		if (inb(COM1 + UART_LSR) & UART_LSR_DR)
			return inb(COM1 + UART_RBR);
	} while (!deadline_passed(end));
	return -1;
}
