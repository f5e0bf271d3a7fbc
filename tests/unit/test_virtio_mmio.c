// SPDX-License-Identifier: MIT
/*
 * Tests of the virtio-mmio transport's register state machine without
 * KVM: identification, feature negotiation, the status rules, queue
 * set-up checks, notifications before DRIVER_OK, configuration bounds,
 * a malformed chain, and a reset while a request is in flight.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "vmm/virtio_mmio.h"

#define RAM_SIZE (1ULL << 20)
#define DESC 0x1000
#define AVAIL 0x2000
#define USED 0x3000

static struct guest_mem mem;
static struct virtio_mmio t;
static const uint8_t config[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static unsigned int resets;

static void cfg_read(void *opaque, uint32_t off, void *data, uint32_t len)
{
	memcpy(data, config + off, len);
}

static void on_reset(void *opaque)
{
	resets++;
}

static const struct virtio_device_ops ops = {
	.name = "test",
	.device_id = 42,
	.features = 1ULL << 3,
	.nqueues = 2,
	.config_size = sizeof(config),
	.config_read = cfg_read,
	.reset = on_reset,
};

static void setup(void)
{
	struct virtio_mmio_config c = {
		.ops = &ops,
		.mem = &mem,
		.vm_fd = -1,
		.base = 0xd0000000,
		.gsi = 5,
	};

	mem.host = calloc(1, RAM_SIZE);
	mem.size = mem.low_size = RAM_SIZE;
	resets = 0;
	ck_assert_int_eq(virtio_mmio_init(&t, &c), 0);
}

static void teardown(void)
{
	virtio_mmio_destroy(&t);
	free(mem.host);
}

static uint32_t rd(uint64_t reg)
{
	uint32_t v;

	ck_assert_int_eq(virtio_mmio_access(&t, reg, (uint8_t *)&v, 4, false),
			 0);
	return v;
}

static void wr(uint64_t reg, uint32_t v)
{
	ck_assert_int_eq(virtio_mmio_access(&t, reg, (uint8_t *)&v, 4, true),
			 0);
}

static bool fd_ready(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static void drain(int fd)
{
	uint64_t n;

	while (read(fd, &n, sizeof(n)) == sizeof(n))
		;
}

static void negotiate(uint32_t hi, uint32_t lo)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, lo);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, hi);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				       VIRTIO_CONFIG_S_DRIVER |
				       VIRTIO_CONFIG_S_FEATURES_OK);
}

static void queue(uint32_t num)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, DESC);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, AVAIL);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, USED);
	wr(VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void driver_ok(void)
{
	wr(VIRTIO_MMIO_STATUS,
	   rd(VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_DRIVER_OK);
}

/* A one-descriptor chain made available in queue 0. */
static void offer(uint64_t addr, uint16_t flags)
{
	struct vring_desc *d = (struct vring_desc *)(mem.host + DESC);
	struct vring_avail *a = (struct vring_avail *)(mem.host + AVAIL);

	d->addr = addr;
	d->len = 64;
	d->flags = flags;
	a->ring[a->idx % 8] = 0;
	a->idx++;
}

static uint16_t used_idx(void)
{
	return ((struct vring_used *)(mem.host + USED))->idx;
}

START_TEST(identification)
{
	uint16_t half = 0xffff;

	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VERSION), 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), 42);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_PFN), 0);
	virtio_mmio_access(&t, VIRTIO_MMIO_MAGIC_VALUE, (uint8_t *)&half, 2,
			   false);
	ck_assert_uint_eq(half, 0);
}
END_TEST

START_TEST(feature_banks)
{
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES),
			  1U << 3 | 1U << VIRTIO_RING_F_INDIRECT_DESC |
				  1U << VIRTIO_RING_F_EVENT_IDX);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
}
END_TEST

START_TEST(legacy_refused)
{
	negotiate(0, 1U << 3);
	ck_assert(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK));
}
END_TEST

START_TEST(unknown_feature_refused)
{
	negotiate(1, 1U << 4);
	ck_assert(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK));
	negotiate(1 | 1U << 8, 0);
	ck_assert(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK));
}
END_TEST

START_TEST(features_ok_then_frozen)
{
	negotiate(1, 1U << 3);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffff);
	ck_assert_uint_eq(t.driver_features, 1ULL << 32 | 1U << 3);
}
END_TEST

START_TEST(status_rules)
{
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				       VIRTIO_CONFIG_S_DRIVER |
				       VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS),
			  VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS),
			  VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	wr(VIRTIO_MMIO_STATUS, 0xff);
	ck_assert(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET));
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	ck_assert_uint_ge(resets, 1);
}
END_TEST

START_TEST(queue_registers)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTQ_MAX_SIZE);
	wr(VIRTIO_MMIO_QUEUE_SEL, 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);

	negotiate(1, 0);
	queue(8);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x5000); /* ignored while ready */
	ck_assert_uint_eq(t.queues[0].desc_gpa, DESC);
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
}
END_TEST

START_TEST(bad_queue_breaks)
{
	static const uint32_t sizes[] = { 0, 3, 512, 65536 + 8 };

	for (size_t i = 0; i < 4; i++) {
		drain(t.irq_fd);
		negotiate(1, 0);
		queue(sizes[i]);
		ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
		ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
		ck_assert(rd(VIRTIO_MMIO_INTERRUPT_STATUS) &
			  VIRTIO_MMIO_INT_CONFIG);
		ck_assert(fd_ready(t.irq_fd));
	}
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}
END_TEST

START_TEST(queue_before_features_ok)
{
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	queue(8);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
}
END_TEST

START_TEST(notify_before_driver_ok)
{
	struct virtq_chain *c = malloc(sizeof(*c));
	uint32_t epoch;

	negotiate(1, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 9); /* no such queue: ignored */
	queue(8);
	offer(0x10000, VRING_DESC_F_WRITE);
	ck_assert_int_eq(virtio_mmio_pop(&t, 0, c, &epoch), 0);
	drain(t.notify_fd[0]);
	driver_ok();
	ck_assert(fd_ready(t.notify_fd[0])); /* DRIVER_OK re-kicks */
	ck_assert_int_eq(virtio_mmio_pop(&t, 0, c, &epoch), 1);
	virtio_mmio_push(&t, 0, c->head, 64, epoch);
	drain(t.irq_fd);
	virtio_mmio_signal(&t, 0);
	ck_assert_uint_eq(used_idx(), 1);
	ck_assert(fd_ready(t.irq_fd));
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_VRING);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	free(c);
}
END_TEST

START_TEST(unpop_takes_again)
{
	struct virtq_chain *c = malloc(sizeof(*c));
	uint32_t epoch;

	negotiate(1, 0);
	queue(8);
	driver_ok();
	offer(0x10000, VRING_DESC_F_WRITE);
	ck_assert_int_eq(virtio_mmio_pop(&t, 0, c, &epoch), 1);
	virtio_mmio_unpop(&t, 0, epoch);
	ck_assert_uint_eq(t.busy, 0);
	ck_assert_int_eq(virtio_mmio_pop(&t, 0, c, &epoch), 1);
	ck_assert_int_eq(virtio_mmio_pop(&t, 0, c, &epoch), 0);
	virtio_mmio_push(&t, 0, c->head, 64, epoch);
	ck_assert_uint_eq(used_idx(), 1);
	free(c);
}
END_TEST

START_TEST(malformed_chain_breaks)
{
	struct virtq_chain *c = malloc(sizeof(*c));
	uint32_t epoch;

	negotiate(1, 0);
	queue(8);
	driver_ok();
	offer(RAM_SIZE, VRING_DESC_F_WRITE);
	ck_assert_int_eq(virtio_mmio_pop(&t, 0, c, &epoch), -EFAULT);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	ck_assert(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
	ck_assert_int_eq(virtio_mmio_pop(&t, 0, c, &epoch), 0);
	ck_assert_uint_eq(used_idx(), 0);
	free(c);
}
END_TEST

START_TEST(config_bounds)
{
	uint8_t b[8];
	uint32_t v;

	memset(b, 0xee, sizeof(b));
	virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG + 6, b, 2, false);
	ck_assert_uint_eq(b[0], 7);
	ck_assert_uint_eq(b[1], 8);
	virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG + 4, b, 8, false);
	ck_assert_uint_eq(b[0], 0); /* crosses the end: zeroes */
	v = rd(VIRTIO_MMIO_CONFIG + 0xfc);
	ck_assert_uint_eq(v, 0);
	virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG, b, 1, true);
	virtio_mmio_access(&t, VIRTIO_MMIO_CONFIG, b, 1, false);
	ck_assert_uint_eq(b[0], 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG_GENERATION), 0);
}
END_TEST

static void *reset_thread(void *arg)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	return arg;
}

/* The reset waits for the chain in flight, whose completion is dropped. */
START_TEST(reset_mid_request)
{
	struct virtq_chain *c = malloc(sizeof(*c));
	pthread_t th;
	uint32_t epoch;

	negotiate(1, 0);
	queue(8);
	driver_ok();
	offer(0x10000, VRING_DESC_F_WRITE);
	ck_assert_int_eq(virtio_mmio_pop(&t, 0, c, &epoch), 1);
	ck_assert_int_eq(pthread_create(&th, NULL, reset_thread, NULL), 0);
	usleep(50000);
	ck_assert_uint_eq(t.busy, 1); /* the reset is still waiting */
	virtio_mmio_push(&t, 0, c->head, 64, epoch);
	pthread_join(th, NULL);
	ck_assert_uint_eq(used_idx(), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	ck_assert(!t.queues[0].ready);
	free(c);
}
END_TEST

static Suite *mmio_suite(void)
{
	Suite *s = suite_create("virtio_mmio");
	TCase *tc = tcase_create("registers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, identification);
	tcase_add_test(tc, feature_banks);
	tcase_add_test(tc, legacy_refused);
	tcase_add_test(tc, unknown_feature_refused);
	tcase_add_test(tc, features_ok_then_frozen);
	tcase_add_test(tc, status_rules);
	tcase_add_test(tc, queue_registers);
	tcase_add_test(tc, bad_queue_breaks);
	tcase_add_test(tc, queue_before_features_ok);
	tcase_add_test(tc, notify_before_driver_ok);
	tcase_add_test(tc, unpop_takes_again);
	tcase_add_test(tc, malformed_chain_breaks);
	tcase_add_test(tc, config_bounds);
	tcase_add_test(tc, reset_mid_request);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mmio_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
