// SPDX-License-Identifier: MIT
/*
 * husk's i8042: the controller's command set as Linux probes it (self-test,
 * command byte, port tests, AUX loop) and the reset line, with no keyboard
 * or mouse behind it.
 */
#include "vmm/i8042.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "vmm/log.h"

#define STR_OBF 0x01 /* output buffer full */
#define STR_SYSFLAG 0x04 /* set by a passed self-test */
#define STR_CMDDAT 0x08 /* last write went to the command port */
#define STR_KEYLOCK 0x10 /* 1: keyboard not inhibited */
#define STR_AUXDATA 0x20 /* the output byte came from the AUX port */

#define CTR_SYSFLAG 0x04
#define CTR_KBDDIS 0x10
#define CTR_AUXDIS 0x20
#define CTR_XLATE 0x40

#define CMD_READ_RAM 0x20 /* 0x20..0x3f: read internal RAM; 0x20 = CTR */
#define CMD_WRITE_RAM 0x60 /* 0x60..0x7f: write internal RAM */
#define CMD_AUX_DISABLE 0xa7
#define CMD_AUX_ENABLE 0xa8
#define CMD_AUX_TEST 0xa9
#define CMD_SELF_TEST 0xaa
#define CMD_KBD_TEST 0xab
#define CMD_KBD_DISABLE 0xad
#define CMD_KBD_ENABLE 0xae
#define CMD_READ_INPUT 0xc0
#define CMD_READ_OUTPUT 0xd0
#define CMD_WRITE_OUTPUT 0xd1
#define CMD_WRITE_KBD_OBUF 0xd2
#define CMD_WRITE_AUX_OBUF 0xd3 /* the AUX loop Linux tests with */
#define CMD_WRITE_AUX 0xd4
#define CMD_PULSE 0xf0 /* 0xf0..0xff: pulse output lines low */

#define SELF_TEST_OK 0x55
#define PORT_TEST_OK 0x00
#define OUTPUT_PORT_RESET 0x01 /* active low: 0 holds the CPU in reset */
#define OUTPUT_PORT_A20 0x02

struct i8042 {
	pthread_mutex_t lock;
	struct i8042_config cfg;
	uint8_t ram[32]; /* ram[0] is the command byte (CTR) */
	uint8_t out; /* the output buffer */
	uint8_t status;
	uint8_t pending_cmd; /* a command awaiting its data byte, or 0 */
	bool reset_pulsed; /* run the reset callback once the lock drops */
};

int i8042_create(struct i8042 **kp, const struct i8042_config *cfg)
{
	struct i8042 *k;

	if (!kp || !cfg)
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->cfg = *cfg;
	k->ram[0] = CTR_SYSFLAG | CTR_XLATE | CTR_AUXDIS;
	k->status = STR_SYSFLAG | STR_KEYLOCK;
	if (pthread_mutex_init(&k->lock, NULL)) {
		free(k);
		return -ENOMEM;
	}
	*kp = k;
	return 0;
}

void i8042_destroy(struct i8042 *k)
{
	if (!k)
		return;
	pthread_mutex_destroy(&k->lock);
	free(k);
}

/* A newer byte replaces an unread one: the chip has one output register. */
static void put_output(struct i8042 *k, uint8_t byte, bool aux)
{
	k->out = byte;
	k->status |= STR_OBF;
	if (aux)
		k->status |= STR_AUXDATA;
	else
		k->status &= ~STR_AUXDATA;
}

static void pulse_reset(struct i8042 *k)
{
	k->reset_pulsed = true;
}

/* Commands that answer at once, or change state without data. */
static void simple_command(struct i8042 *k, uint8_t cmd)
{
	switch (cmd) {
	case CMD_AUX_DISABLE:
		k->ram[0] |= CTR_AUXDIS;
		break;
	case CMD_AUX_ENABLE:
		k->ram[0] &= ~CTR_AUXDIS;
		break;
	case CMD_AUX_TEST:
	case CMD_KBD_TEST:
		put_output(k, PORT_TEST_OK, false);
		break;
	case CMD_SELF_TEST:
		k->status |= STR_SYSFLAG;
		put_output(k, SELF_TEST_OK, false);
		break;
	case CMD_KBD_DISABLE:
		k->ram[0] |= CTR_KBDDIS;
		break;
	case CMD_KBD_ENABLE:
		k->ram[0] &= ~CTR_KBDDIS;
		break;
	case CMD_READ_INPUT:
		put_output(k, 0, false);
		break;
	case CMD_READ_OUTPUT:
		put_output(k, OUTPUT_PORT_RESET | OUTPUT_PORT_A20, false);
		break;
	default:
		/* Unknown commands get no answer, as on the chip. */
		log_debug("i8042: ignoring command 0x%02x", cmd);
		break;
	}
}

static void write_command(struct i8042 *k, uint8_t cmd)
{
	k->status |= STR_CMDDAT;
	k->pending_cmd = 0;

	if (cmd >= CMD_READ_RAM && cmd < CMD_READ_RAM + 0x20) {
		put_output(k, k->ram[cmd & 0x1f], false);
		return;
	}
	if ((cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + 0x20) ||
	    (cmd >= CMD_WRITE_OUTPUT && cmd <= CMD_WRITE_AUX)) {
		k->pending_cmd = cmd;
		return;
	}
	if (cmd >= CMD_PULSE) {
		/* Bit 0 of the low nibble clear pulses the reset line. */
		if (!(cmd & 0x01))
			pulse_reset(k);
		return;
	}
	simple_command(k, cmd);
}

static void write_data(struct i8042 *k, uint8_t val)
{
	uint8_t cmd = k->pending_cmd;

	k->status &= ~STR_CMDDAT;
	k->pending_cmd = 0;

	if (cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + 0x20) {
		k->ram[cmd & 0x1f] = val;
		return;
	}
	switch (cmd) {
	case CMD_WRITE_OUTPUT:
		if (!(val & OUTPUT_PORT_RESET))
			pulse_reset(k);
		break;
	case CMD_WRITE_KBD_OBUF:
		put_output(k, val, false);
		break;
	case CMD_WRITE_AUX_OBUF:
		put_output(k, val, true);
		break;
	default:
		/*
		 * XXX: bytes for the keyboard or the mouse (CMD_WRITE_AUX)
		 * are dropped: none is attached, so Linux's PS/2 drivers
		 * time out waiting for an answer and give up on the port.
		 */
		break;
	}
}

static uint8_t read_data(struct i8042 *k)
{
	k->status &= ~(STR_OBF | STR_AUXDATA);
	return k->out;
}

static void access_port(struct i8042 *k, unsigned int port, uint8_t *byte,
			bool is_write)
{
	bool reset;

	pthread_mutex_lock(&k->lock);
	if (port == I8042_DATA_OFFSET) {
		if (is_write)
			write_data(k, *byte);
		else
			*byte = read_data(k);
	} else if (port == I8042_CMD_OFFSET) {
		if (is_write)
			write_command(k, *byte);
		else
			*byte = k->status;
	} else if (!is_write) {
		*byte = 0;
	}
	reset = k->reset_pulsed;
	k->reset_pulsed = false;
	pthread_mutex_unlock(&k->lock);

	if (reset) {
		log_debug("i8042: reset line pulsed");
		if (k->cfg.reset)
			k->cfg.reset(k->cfg.opaque);
	}
}

int i8042_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
	     bool is_write)
{
	struct i8042 *k = opaque;
	uint32_t i;

	if (!k || !data || offset >= I8042_PORT_LEN || len == 0 ||
	    len > I8042_PORT_LEN - offset)
		return -EINVAL;
	for (i = 0; i < len; i++)
		access_port(k, (unsigned int)offset + i, &data[i], is_write);
	return 0;
}
