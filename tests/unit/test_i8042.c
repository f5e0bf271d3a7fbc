// SPDX-License-Identifier: MIT
/*
 * Tests of husk's i8042: the commands Linux's i8042 driver probes with,
 * the reset line, and hostile accesses at every offset and width.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/i8042.h"

#define DATA I8042_DATA_OFFSET
#define CMD I8042_CMD_OFFSET

#define STR_OBF 0x01
#define STR_IBF 0x02
#define STR_SYSFLAG 0x04
#define STR_AUXDATA 0x20

static int resets;

static void count_reset(void *opaque)
{
	(void)opaque;
	resets++;
}

static struct i8042 *make(void)
{
	struct i8042_config cfg = { .reset = count_reset };
	struct i8042 *k = NULL;

	resets = 0;
	ck_assert_int_eq(i8042_create(&k, &cfg), 0);
	return k;
}

static uint8_t in(struct i8042 *k, unsigned int port)
{
	uint8_t v = 0xee;

	ck_assert_int_eq(i8042_io(k, port, &v, 1, false), 0);
	return v;
}

static void out(struct i8042 *k, unsigned int port, uint8_t v)
{
	ck_assert_int_eq(i8042_io(k, port, &v, 1, true), 0);
}

/* Linux's i8042_command(): wait for IBF clear, write, poll for replies. */
static int command(struct i8042 *k, uint8_t cmd, const uint8_t *param,
		   size_t nparam, uint8_t *reply, size_t nreply)
{
	size_t i;

	ck_assert_int_eq(in(k, CMD) & STR_IBF, 0);
	out(k, CMD, cmd);
	for (i = 0; i < nparam; i++) {
		ck_assert_int_eq(in(k, CMD) & STR_IBF, 0);
		out(k, DATA, param[i]);
	}
	for (i = 0; i < nreply; i++) {
		if (!(in(k, CMD) & STR_OBF))
			return -ETIMEDOUT;
		reply[i] = in(k, DATA);
	}
	return 0;
}

/* Linux's i8042_flush(): must finish within the buffer size. */
static int flush(struct i8042 *k)
{
	int i;

	for (i = 0; i < 16; i++) {
		if (!(in(k, CMD) & STR_OBF))
			return 0;
		in(k, DATA);
	}
	return -EIO;
}

START_TEST(test_reset_state)
{
	struct i8042 *k = make();

	ck_assert_int_eq(in(k, CMD) & (STR_OBF | STR_IBF), 0);
	ck_assert(in(k, CMD) & STR_SYSFLAG);
	ck_assert_int_eq(flush(k), 0);
	i8042_destroy(k);
}
END_TEST

START_TEST(test_probe_like_linux)
{
	struct i8042 *k = make();
	uint8_t r, ctr, p;

	ck_assert_int_eq(flush(k), 0);
	ck_assert_int_eq(command(k, 0xaa, NULL, 0, &r, 1), 0);
	ck_assert_int_eq(r, 0x55);
	ck_assert_int_eq(command(k, 0x20, NULL, 0, &ctr, 1), 0);

	/* Interrupts off, keyboard on, as i8042_controller_init() does. */
	ctr &= (uint8_t) ~(0x01 | 0x02 | 0x10);
	ck_assert_int_eq(command(k, 0x60, &ctr, 1, NULL, 0), 0);
	ck_assert_int_eq(command(k, 0x20, NULL, 0, &r, 1), 0);
	ck_assert_int_eq(r, ctr);

	/* AUX loop comes back as AUX data; the AUX toggle shows in CTR. */
	p = 0x5a;
	ck_assert_int_eq(command(k, 0xd3, &p, 1, NULL, 0), 0);
	ck_assert(in(k, CMD) & STR_AUXDATA);
	ck_assert_int_eq(in(k, DATA), 0x5a);
	ck_assert_int_eq(in(k, CMD) & (STR_OBF | STR_AUXDATA), 0);
	ck_assert_int_eq(command(k, 0xa7, NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(command(k, 0x20, NULL, 0, &r, 1), 0);
	ck_assert(r & 0x20);
	ck_assert_int_eq(command(k, 0xa8, NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(command(k, 0x20, NULL, 0, &r, 1), 0);
	ck_assert_int_eq(r & 0x20, 0);

	ck_assert_int_eq(command(k, 0xab, NULL, 0, &r, 1), 0);
	ck_assert_int_eq(r, 0x00);
	ck_assert_int_eq(command(k, 0xa9, NULL, 0, &r, 1), 0);
	ck_assert_int_eq(r, 0x00);
	ck_assert_int_eq(resets, 0);
	i8042_destroy(k);
}
END_TEST

START_TEST(test_enable_disable_ports)
{
	static const struct {
		uint8_t cmd, set, clear;
	} rows[] = {
		{ 0xad, 0x10, 0 },
		{ 0xae, 0, 0x10 },
		{ 0xa7, 0x20, 0 },
		{ 0xa8, 0, 0x20 },
	};
	struct i8042 *k = make();
	uint8_t r;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		out(k, CMD, rows[i].cmd);
		ck_assert_int_eq(in(k, CMD) & STR_OBF, 0);
		ck_assert_int_eq(command(k, 0x20, NULL, 0, &r, 1), 0);
		ck_assert_int_eq(r & (rows[i].set | rows[i].clear),
				 rows[i].set);
	}
	i8042_destroy(k);
}
END_TEST

START_TEST(test_reset_once)
{
	struct i8042 *k = make();
	uint8_t p;

	out(k, CMD, 0xfe);
	ck_assert_int_eq(resets, 1);
	out(k, CMD, 0xff); /* pulses nothing */
	ck_assert_int_eq(resets, 1);

	/* Writing the output port with the reset bit low resets too. */
	p = 0xfe;
	ck_assert_int_eq(command(k, 0xd1, &p, 1, NULL, 0), 0);
	ck_assert_int_eq(resets, 2);
	p = 0xdf;
	ck_assert_int_eq(command(k, 0xd1, &p, 1, NULL, 0), 0);
	ck_assert_int_eq(resets, 2);
	i8042_destroy(k);
}
END_TEST

START_TEST(test_unknown_and_keyboard_bytes)
{
	struct i8042 *k = make();
	uint8_t r;

	/* No answer to an unknown command; reads stay sane. */
	out(k, CMD, 0xc8);
	ck_assert_int_eq(in(k, CMD) & STR_OBF, 0);
	in(k, DATA);
	ck_assert_int_eq(flush(k), 0);

	/* Bytes for the absent keyboard vanish; nothing is stuck. */
	out(k, DATA, 0xf2);
	ck_assert_int_eq(in(k, CMD) & (STR_OBF | STR_IBF), 0);

	/* A newer reply replaces an unread one. */
	out(k, CMD, 0xaa);
	out(k, CMD, 0xab);
	ck_assert_int_eq(in(k, DATA), 0x00);
	ck_assert_int_eq(flush(k), 0);

	/* Internal RAM beyond the command byte round-trips. */
	r = 0x77;
	ck_assert_int_eq(command(k, 0x65, &r, 1, NULL, 0), 0);
	ck_assert_int_eq(command(k, 0x25, NULL, 0, &r, 1), 0);
	ck_assert_int_eq(r, 0x77);
	ck_assert_int_eq(resets, 0);
	i8042_destroy(k);
}
END_TEST

START_TEST(test_hostile)
{
	struct i8042 *k = make();
	uint8_t data[16];
	unsigned int seed = 99;
	uint64_t off;
	uint32_t len;
	int w, r, i;

	for (w = 0; w < 2; w++) {
		for (off = 0; off < 10; off++) {
			for (len = 0; len <= 9; len++) {
				memset(data, 0x5a, sizeof(data));
				r = i8042_io(k, off, data, len, w);
				if (len >= 1 && off + len <= I8042_PORT_LEN)
					ck_assert_int_eq(r, 0);
				else
					ck_assert_int_eq(r, -EINVAL);
				ck_assert_int_eq(data[9], 0x5a);
			}
		}
	}
	ck_assert_int_eq(i8042_io(k, UINT64_MAX, data, 1, 0), -EINVAL);
	for (i = 0; i < 100000; i++) {
		off = (uint64_t)(rand_r(&seed) % I8042_PORT_LEN);
		len = 1 + (uint32_t)(rand_r(&seed) % (I8042_PORT_LEN - off));
		memset(data, (int)rand_r(&seed), sizeof(data));
		ck_assert_int_eq(i8042_io(k, off, data, len, rand_r(&seed) & 1),
				 0);
	}
	ck_assert_int_eq(flush(k), 0);
	i8042_destroy(k);
}
END_TEST

static Suite *i8042_suite(void)
{
	Suite *s = suite_create("i8042");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_reset_state);
	tcase_add_test(tc, test_probe_like_linux);
	tcase_add_test(tc, test_enable_disable_ports);
	tcase_add_test(tc, test_reset_once);
	tcase_add_test(tc, test_unknown_and_keyboard_bytes);
	tcase_add_test(tc, test_hostile);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(i8042_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
