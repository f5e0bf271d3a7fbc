// SPDX-License-Identifier: MIT
/*
 * Tests of the split virtqueue walker against a fake guest RAM: good
 * chains, a table of hostile rings and chains with the error each must
 * give, used ring updates, and random rings that must never lead outside
 * guest RAM (run it under ASAN and UBSAN).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/virtio_ring.h>

#include "vmm/virtq.h"

#define RAM_SIZE (1ULL << 20)
#define DESC 0x1000
#define AVAIL 0x3000
#define USED 0x4000
#define BUF 0x10000
#define QSIZE 8

static struct guest_mem mem;
static struct virtq vq;
static struct virtq_chain chain;

static void ram_setup(void)
{
	mem.host = calloc(1, RAM_SIZE);
	mem.size = mem.low_size = RAM_SIZE;
	mem.high_size = 0;
	ck_assert_ptr_nonnull(mem.host);
}

static void ram_teardown(void)
{
	free(mem.host);
	mem.host = NULL;
}

static struct vring_desc *desc(unsigned int i)
{
	return (struct vring_desc *)(mem.host + DESC) + i;
}

static struct vring_desc *at(uint64_t gpa)
{
	return (struct vring_desc *)(mem.host + gpa);
}

static struct vring_avail *avail(void)
{
	return (struct vring_avail *)(mem.host + AVAIL);
}

static struct vring_used *used(void)
{
	return (struct vring_used *)(mem.host + USED);
}

static void set(struct vring_desc *d, uint64_t addr, uint32_t len,
		uint16_t flags, uint16_t next)
{
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

#define F_INDIRECT (1ULL << VIRTIO_RING_F_INDIRECT_DESC)
#define F_EVENT_IDX (1ULL << VIRTIO_RING_F_EVENT_IDX)

static void queue_setup_features(uint16_t size, uint64_t features)
{
	virtq_reset(&vq);
	vq.size = size;
	vq.desc_gpa = DESC;
	vq.avail_gpa = AVAIL;
	vq.used_gpa = USED;
	ck_assert_int_eq(virtq_enable(&vq, &mem, features), 0);
}

static void queue_setup(uint16_t size, bool indirect)
{
	queue_setup_features(size, indirect ? F_INDIRECT : 0);
}

/* Makes @head available as the next entry. */
static void offer(uint16_t head)
{
	uint16_t idx = avail()->idx;

	avail()->ring[idx % vq.size] = head;
	avail()->idx = idx + 1;
}

START_TEST(single_writable)
{
	queue_setup(QSIZE, false);
	set(desc(0), BUF, 64, VRING_DESC_F_WRITE, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.head, 0);
	ck_assert_uint_eq(chain.nread, 0);
	ck_assert_uint_eq(chain.nwrite, 1);
	ck_assert_uint_eq(chain.write_len, 64);
	ck_assert_ptr_eq(chain.iov[0].iov_base, mem.host + BUF);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 0);
}
END_TEST

START_TEST(chain_read_then_write)
{
	queue_setup(QSIZE, false);
	set(desc(5), BUF, 16, VRING_DESC_F_NEXT, 2);
	set(desc(2), BUF + 16, 512, VRING_DESC_F_NEXT, 7);
	set(desc(7), BUF + 600, 1, VRING_DESC_F_WRITE, 0);
	offer(5);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.head, 5);
	ck_assert_uint_eq(chain.nread, 2);
	ck_assert_uint_eq(chain.nwrite, 1);
	ck_assert_uint_eq(chain.read_len, 528);
	ck_assert_uint_eq(chain.write_len, 1);
}
END_TEST

START_TEST(chain_as_long_as_queue)
{
	queue_setup(QSIZE, false);
	for (unsigned int i = 0; i < QSIZE; i++)
		set(desc(i), BUF + 64 * i, 64,
		    i + 1 < QSIZE ? VRING_DESC_F_NEXT : 0, i + 1);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.nread, QSIZE);
}
END_TEST

START_TEST(empty_descriptor_dropped)
{
	queue_setup(QSIZE, false);
	set(desc(0), 0xdeadbeef000ULL, 0, VRING_DESC_F_NEXT, 1);
	set(desc(1), BUF, 8, VRING_DESC_F_WRITE, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.nread + chain.nwrite, 1);
}
END_TEST

START_TEST(good_indirect)
{
	queue_setup(QSIZE, true);
	set(at(0x8000), BUF, 16, VRING_DESC_F_NEXT, 1);
	set(at(0x8010), BUF + 16, 4096, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
	    2);
	set(at(0x8020), BUF + 8192, 1, VRING_DESC_F_WRITE, 0);
	set(desc(3), 0x8000, 48, VRING_DESC_F_INDIRECT, 0);
	offer(3);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.head, 3);
	ck_assert_uint_eq(chain.nread, 1);
	ck_assert_uint_eq(chain.nwrite, 2);
	ck_assert_uint_eq(chain.write_len, 4097);
}
END_TEST

START_TEST(index_wraps_at_16_bits)
{
	queue_setup(QSIZE, false);
	vq.last_avail = 65535;
	avail()->idx = 65535;
	set(desc(0), BUF, 8, 0, 0);
	offer(0);
	ck_assert_uint_eq(avail()->idx, 0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(vq.last_avail, 0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 0);
}
END_TEST

/* One hostile ring or chain, and the error virtq_pop() must give. */
struct hostile {
	const char *name;
	bool indirect;
	void (*build)(void);
	int err;
};

static void h_loop(void)
{
	set(desc(0), BUF, 8, VRING_DESC_F_NEXT, 1);
	set(desc(1), BUF, 8, VRING_DESC_F_NEXT, 0);
	offer(0);
}

static void h_self_loop(void)
{
	set(desc(4), BUF, 8, VRING_DESC_F_NEXT, 4);
	offer(4);
}

static void h_beyond_ram(void)
{
	set(desc(0), RAM_SIZE - 8, 16, 0, 0);
	offer(0);
}

static void h_addr_wraps(void)
{
	set(desc(0), ~0ULL - 7, 16, VRING_DESC_F_WRITE, 0);
	offer(0);
}

static void h_next_out_of_range(void)
{
	set(desc(0), BUF, 8, VRING_DESC_F_NEXT, QSIZE);
	offer(0);
}

static void h_head_out_of_range(void)
{
	offer(QSIZE);
}

static void h_avail_jump(void)
{
	set(desc(0), BUF, 8, 0, 0);
	offer(0);
	avail()->idx += QSIZE;
}

static void h_read_after_write(void)
{
	set(desc(0), BUF, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	set(desc(1), BUF, 8, 0, 0);
	offer(0);
}

static void h_indirect(uint64_t table, uint32_t len, uint16_t flags)
{
	set(desc(0), table, len, VRING_DESC_F_INDIRECT | flags, 1);
	set(desc(1), BUF, 8, VRING_DESC_F_WRITE, 0);
	offer(0);
}

static void h_indirect_plain(void)
{
	set(at(0x8000), BUF, 8, VRING_DESC_F_WRITE, 0);
	h_indirect(0x8000, 16, 0);
}

static void h_indirect_in_indirect(void)
{
	set(at(0x8000), 0x9000, 16, VRING_DESC_F_INDIRECT, 0);
	set(at(0x9000), BUF, 8, VRING_DESC_F_WRITE, 0);
	h_indirect(0x8000, 16, 0);
}

static void h_indirect_next(void)
{
	set(at(0x8000), BUF, 8, VRING_DESC_F_WRITE, 0);
	h_indirect(0x8000, 16, VRING_DESC_F_NEXT);
}

static void h_indirect_len_0(void)
{
	h_indirect(0x8000, 0, 0);
}

static void h_indirect_len_odd(void)
{
	h_indirect(0x8000, 24, 0);
}

static void h_indirect_too_big(void)
{
	h_indirect(0x8000, 16 * (VIRTQ_MAX_SIZE + 1), 0);
}

static void h_indirect_beyond_ram(void)
{
	h_indirect(RAM_SIZE - 16, 32, 0);
}

static void h_indirect_loop(void)
{
	set(at(0x8000), BUF, 8, VRING_DESC_F_NEXT, 1);
	set(at(0x8010), BUF, 8, VRING_DESC_F_NEXT, 0);
	h_indirect(0x8000, 32, 0);
}

static void h_indirect_next_out(void)
{
	set(at(0x8000), BUF, 8, VRING_DESC_F_NEXT, 2);
	h_indirect(0x8000, 32, 0);
}

static void h_indirect_bad_buffer(void)
{
	set(at(0x8000), 0xc0000000ULL, 8, VRING_DESC_F_WRITE, 0);
	h_indirect(0x8000, 16, 0);
}

static const struct hostile hostile_rows[] = {
	{ "loop", false, h_loop, -ELOOP },
	{ "self loop", false, h_self_loop, -ELOOP },
	{ "buffer beyond RAM", false, h_beyond_ram, -EFAULT },
	{ "address wraps", false, h_addr_wraps, -EFAULT },
	{ "next out of range", false, h_next_out_of_range, -EINVAL },
	{ "head out of range", false, h_head_out_of_range, -EINVAL },
	{ "avail idx jumps", false, h_avail_jump, -EINVAL },
	{ "readable after writable", false, h_read_after_write, -EINVAL },
	{ "indirect not negotiated", false, h_indirect_plain, -EINVAL },
	{ "indirect in indirect", true, h_indirect_in_indirect, -EINVAL },
	{ "indirect with NEXT", true, h_indirect_next, -EINVAL },
	{ "indirect length 0", true, h_indirect_len_0, -EINVAL },
	{ "indirect length 24", true, h_indirect_len_odd, -EINVAL },
	{ "indirect too big", true, h_indirect_too_big, -EINVAL },
	{ "indirect beyond RAM", true, h_indirect_beyond_ram, -EFAULT },
	{ "loop in indirect", true, h_indirect_loop, -ELOOP },
	{ "indirect next out", true, h_indirect_next_out, -EINVAL },
	{ "indirect buffer in hole", true, h_indirect_bad_buffer, -EFAULT },
};

START_TEST(hostile_table)
{
	const struct hostile *h = &hostile_rows[_i];

	queue_setup(QSIZE, h->indirect);
	h->build();
	ck_assert_msg(virtq_pop(&vq, &chain) == h->err, "%s: got %d, want %d",
		      h->name, virtq_pop(&vq, &chain), h->err);
	ck_assert_uint_eq(vq.last_avail, 0);
}
END_TEST

START_TEST(enable_rejects)
{
	static const struct {
		uint16_t size;
		uint64_t desc, avail, used;
	} rows[] = {
		{ 0, DESC, AVAIL, USED },
		{ 3, DESC, AVAIL, USED },
		{ 512, DESC, AVAIL, USED },
		{ 8, DESC + 8, AVAIL, USED },
		{ 8, DESC, AVAIL + 1, USED },
		{ 8, DESC, AVAIL, USED + 2 },
		{ 8, RAM_SIZE - 64, AVAIL, USED },
		{ 8, DESC, RAM_SIZE - 2, USED },
		{ 8, DESC, AVAIL, RAM_SIZE - 16 },
		{ 8, DESC, AVAIL, 0xffffffffffff0000ULL },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		virtq_reset(&vq);
		vq.size = rows[i].size;
		vq.desc_gpa = rows[i].desc;
		vq.avail_gpa = rows[i].avail;
		vq.used_gpa = rows[i].used;
		ck_assert_msg(virtq_enable(&vq, &mem, 0) == -EINVAL,
			      "row %zu accepted", i);
		ck_assert(!vq.ready);
		ck_assert_int_eq(virtq_pop(&vq, &chain), 0);
	}
}
END_TEST

START_TEST(push_and_interrupt)
{
	queue_setup(QSIZE, false);
	set(desc(6), BUF, 8, VRING_DESC_F_WRITE, 0);
	offer(6);
	ck_assert(virtq_has_avail(&vq));
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert(!virtq_has_avail(&vq));
	virtq_push(&vq, chain.head, 5);
	ck_assert_uint_eq(used()->idx, 1);
	ck_assert_uint_eq(used()->ring[0].id, 6);
	ck_assert_uint_eq(used()->ring[0].len, 5);
	ck_assert(virtq_want_interrupt(&vq));
	avail()->flags = VRING_AVAIL_F_NO_INTERRUPT;
	ck_assert(!virtq_want_interrupt(&vq));
}
END_TEST

static uint16_t *used_event_field(void)
{
	return &avail()->ring[vq.size];
}

static uint16_t *avail_event_field(void)
{
	return (uint16_t *)&used()->ring[vq.size];
}

/* An empty queue asks the driver to notify at the next entry it takes. */
START_TEST(event_idx_rearm)
{
	queue_setup_features(QSIZE, F_EVENT_IDX);
	*avail_event_field() = 0x1234;
	ck_assert_int_eq(virtq_pop(&vq, &chain), 0);
	ck_assert_uint_eq(*avail_event_field(), 0);
	set(desc(0), BUF, 8, VRING_DESC_F_WRITE, 0);
	offer(0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 0);
	ck_assert_uint_eq(*avail_event_field(), 2);
}
END_TEST

/* Interrupt only when a batch passes used_event; NO_INTERRUPT ignored. */
START_TEST(event_idx_interrupts)
{
	queue_setup_features(QSIZE, F_EVENT_IDX);
	set(desc(0), BUF, 8, VRING_DESC_F_WRITE, 0);
	avail()->flags = VRING_AVAIL_F_NO_INTERRUPT;
	*used_event_field() = 0; /* wants the first one */
	for (int i = 0; i < 4; i++)
		offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	virtq_push(&vq, 0, 8);
	ck_assert(virtq_want_interrupt(&vq)); /* used 0 passed */
	*used_event_field() = 2;
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	virtq_push(&vq, 0, 8);
	ck_assert(!virtq_want_interrupt(&vq)); /* idx 1 not yet 2 */
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	virtq_push(&vq, 0, 8);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	virtq_push(&vq, 0, 8);
	ck_assert(virtq_want_interrupt(&vq)); /* batch (2, 4] passed 2 */
	ck_assert(!virtq_want_interrupt(&vq)); /* nothing new */
}
END_TEST

/* The event fields make both rings two bytes longer. */
START_TEST(event_idx_ring_bounds)
{
	virtq_reset(&vq);
	vq.size = QSIZE;
	vq.desc_gpa = DESC;
	vq.avail_gpa = RAM_SIZE - (6 + 2 * QSIZE);
	vq.used_gpa = USED;
	ck_assert_int_eq(virtq_enable(&vq, &mem, 0), 0);
	ck_assert_int_eq(virtq_enable(&vq, &mem, F_EVENT_IDX), -EINVAL);
	vq.avail_gpa = AVAIL;
	vq.used_gpa = RAM_SIZE - (6 + 8 * QSIZE);
	ck_assert_int_eq(virtq_enable(&vq, &mem, F_EVENT_IDX), -EINVAL);
}
END_TEST

/* 256 descriptors of 16 MiB + 1 each: more than 4 GiB in one chain. */
START_TEST(total_length_over_4g)
{
	const uint64_t big = 64ULL << 20;
	struct guest_mem m = { .size = big, .low_size = big };

	m.host = mmap(NULL, big, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ck_assert_ptr_ne(m.host, MAP_FAILED);
	virtq_reset(&vq);
	vq.size = VIRTQ_MAX_SIZE;
	vq.desc_gpa = DESC;
	vq.avail_gpa = 0x8000;
	vq.used_gpa = 0x9000;
	ck_assert_int_eq(virtq_enable(&vq, &m, 0), 0);
	for (unsigned int i = 0; i < VIRTQ_MAX_SIZE; i++) {
		struct vring_desc *d = (struct vring_desc *)(m.host + DESC) + i;

		set(d, 1 << 20, (16 << 20) + 1, VRING_DESC_F_NEXT, i + 1);
	}
	((struct vring_avail *)(m.host + 0x8000))->idx = 1;
	ck_assert_int_eq(virtq_pop(&vq, &chain), -E2BIG);
	munmap(m.host, big);
}
END_TEST

static bool iov_in_ram(const struct iovec *v)
{
	const uint8_t *p = v->iov_base;

	return p >= mem.host && v->iov_len <= RAM_SIZE &&
	       p - mem.host <= (ptrdiff_t)(RAM_SIZE - v->iov_len);
}

static unsigned int fuzz_chains, fuzz_errors;

/* Random descriptors pointing mostly near RAM; nothing may land outside. */
static void fuzz_ring(unsigned int seed, bool indirect)
{
	uint64_t addrs[] = {
		0,	BUF,	     RAM_SIZE - 64, RAM_SIZE,
		0x8000, ~0ULL - 100, DESC,	    0xc0000000ULL,
	};
	uint16_t size = 1 << (rand_r(&seed) % 5);

	queue_setup_features(size, (indirect ? F_INDIRECT : 0) |
					   (seed & 2 ? F_EVENT_IDX : 0));
	for (unsigned int i = 0; i < 64; i++) {
		struct vring_desc *d = i < size ? desc(i) : at(0x8000) + i;

		uint32_t len = (uint32_t)rand_r(&seed);

		if (rand_r(&seed) % 3)
			len %= 4096;
		set(d, addrs[rand_r(&seed) % 8] + rand_r(&seed) % 256, len,
		    rand_r(&seed) & 7, rand_r(&seed) % (size + 2));
	}
	for (unsigned int i = 0; i < size; i++)
		avail()->ring[i] = rand_r(&seed) % (size + 1);
	avail()->idx = rand_r(&seed) % (size + 3);
	for (unsigned int n = 0; n < 2 * VIRTQ_MAX_SIZE; n++) {
		int r = virtq_pop(&vq, &chain);

		fuzz_errors += r < 0;
		if (r <= 0)
			break;
		fuzz_chains++;
		for (unsigned int i = 0; i < chain.nread + chain.nwrite; i++)
			ck_assert(iov_in_ram(&chain.iov[i]));
		virtq_push(&vq, chain.head, chain.write_len);
	}
}

START_TEST(fuzz)
{
	for (unsigned int seed = 1; seed <= 20000; seed++)
		fuzz_ring(seed, seed & 1);
	/* Both outcomes must occur, or the fuzzing proves nothing. */
	ck_assert_uint_gt(fuzz_chains, 1000);
	ck_assert_uint_gt(fuzz_errors, 1000);
}
END_TEST

static Suite *virtq_suite(void)
{
	Suite *s = suite_create("virtq");
	TCase *tc = tcase_create("walker");

	tcase_add_checked_fixture(tc, ram_setup, ram_teardown);
	tcase_add_test(tc, single_writable);
	tcase_add_test(tc, chain_read_then_write);
	tcase_add_test(tc, chain_as_long_as_queue);
	tcase_add_test(tc, empty_descriptor_dropped);
	tcase_add_test(tc, good_indirect);
	tcase_add_test(tc, index_wraps_at_16_bits);
	tcase_add_loop_test(tc, hostile_table, 0,
			    sizeof(hostile_rows) / sizeof(hostile_rows[0]));
	tcase_add_test(tc, enable_rejects);
	tcase_add_test(tc, push_and_interrupt);
	tcase_add_test(tc, total_length_over_4g);
	tcase_add_test(tc, event_idx_rearm);
	tcase_add_test(tc, event_idx_interrupts);
	tcase_add_test(tc, event_idx_ring_bounds);
	tcase_add_test(tc, fuzz);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(virtq_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
