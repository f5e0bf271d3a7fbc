// SPDX-License-Identifier: MIT
/*
 * Tests of virtio-blk request handling against a temporary image: header,
 * data and status shapes, sector range and overflow checks, read-only
 * enforcement, flush, get-id, write-zeroes and discard, and the start-up
 * checks of the image; plus the entropy device's request bound.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_blk.h>

#include "vmm/virtio_dev.h"

#define SECTORS 64

static char path[] = "/tmp/husk-blk-test-XXXXXX";
static struct guest_mem mem;
static struct virtio_blk *blk;
static struct virtq_chain chain;
static struct virtio_blk_outhdr hdr;
static uint8_t data[8192];
static uint8_t status;

static const struct virtio_mmio_config mmio = { .mem = &mem, .vm_fd = -1 };

static void make_image(off_t size)
{
	int fd = mkstemp(path);
	uint8_t sector[512];

	ck_assert_int_ge(fd, 0);
	for (off_t off = 0; off + 512 <= size; off += 512) {
		memset(sector, (int)(off / 512) + 1, sizeof(sector));
		ck_assert_int_eq(pwrite(fd, sector, 512, off), 512);
	}
	ck_assert_int_eq(ftruncate(fd, size), 0);
	close(fd);
}

static void open_blk(bool ro)
{
	struct virtio_blk_options o = { .path = path,
					.ro = ro,
					.serial = "serial-123" };

	ck_assert_int_eq(virtio_blk_create(&blk, &o, &mmio), 0);
}

static void setup(void)
{
	strcpy(path, "/tmp/husk-blk-test-XXXXXX");
	make_image(SECTORS * 512);
	open_blk(false);
}

static void teardown(void)
{
	virtio_blk_destroy(blk);
	unlink(path);
}

static void add(void *p, size_t len, bool writable)
{
	chain.iov[chain.nread + chain.nwrite] =
		(struct iovec){ .iov_base = p, .iov_len = len };
	if (writable) {
		chain.nwrite++;
		chain.write_len += len;
	} else {
		chain.nread++;
		chain.read_len += len;
	}
}

/* header, optional data (written by the device for IN), status */
static uint32_t request(uint32_t type, uint64_t sector, size_t len)
{
	bool to_guest = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;

	memset(&chain, 0, sizeof(chain));
	hdr.type = type;
	hdr.ioprio = 0;
	hdr.sector = sector;
	add(&hdr, sizeof(hdr), false);
	if (len)
		add(data, len, to_guest);
	add(&status, 1, true);
	status = 0xee;
	return virtio_blk_handle(blk, &chain);
}

static uint8_t file_byte(off_t off)
{
	uint8_t b = 0;
	int fd = open(path, O_RDONLY);

	ck_assert_int_eq(pread(fd, &b, 1, off), 1);
	close(fd);
	return b;
}

START_TEST(read_sectors)
{
	ck_assert_uint_eq(request(VIRTIO_BLK_T_IN, 3, 1024), 1025);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(data[0], 4);
	ck_assert_uint_eq(data[1023], 5);
}
END_TEST

START_TEST(write_and_flush)
{
	memset(data, 0xab, 512);
	ck_assert_uint_eq(request(VIRTIO_BLK_T_OUT, 10, 512), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(file_byte(10 * 512 + 7), 0xab);
	request(VIRTIO_BLK_T_FLUSH, 0, 0);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(header_split_and_status_in_bigger_buffer)
{
	uint8_t tail[13];

	memset(&chain, 0, sizeof(chain));
	hdr = (struct virtio_blk_outhdr){ .type = VIRTIO_BLK_T_IN,
					  .sector = 1 };
	add(&hdr, 5, false);
	add((uint8_t *)&hdr + 5, 11, false);
	add(data, 500, true);
	add(tail, sizeof(tail), true); /* 12 data bytes, then status */
	ck_assert_uint_eq(virtio_blk_handle(blk, &chain), 512 + 1);
	ck_assert_uint_eq(tail[12], VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(data[0], 2);
	ck_assert_uint_eq(tail[11], 2);
}
END_TEST

START_TEST(range_checks)
{
	request(VIRTIO_BLK_T_IN, SECTORS - 1, 1024);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	request(VIRTIO_BLK_T_IN, SECTORS, 512);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	request(VIRTIO_BLK_T_IN, UINT64_MAX, 512);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	request(VIRTIO_BLK_T_OUT, UINT64_MAX / 512 + 1, 512);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	request(VIRTIO_BLK_T_IN, 0, 100);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	request(VIRTIO_BLK_T_IN, SECTORS - 1, 512);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	request(VIRTIO_BLK_T_IN, SECTORS, 0);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK); /* empty read at the end */
}
END_TEST

START_TEST(bad_shapes)
{
	memset(&chain, 0, sizeof(chain));
	add(&hdr, sizeof(hdr), false);
	ck_assert_uint_eq(virtio_blk_handle(blk, &chain), 0); /* no status */

	memset(&chain, 0, sizeof(chain));
	add(&hdr, 8, false);
	add(&status, 1, true);
	ck_assert_uint_eq(virtio_blk_handle(blk, &chain), 1);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR); /* short header */

	request(0x77, 0, 0);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_UNSUPP);
}
END_TEST

START_TEST(get_id)
{
	memset(data, 0, 32);
	ck_assert_uint_eq(request(VIRTIO_BLK_T_GET_ID, 0, 20), 21);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	ck_assert_str_eq((char *)data, "serial-123");
	ck_assert_uint_eq(request(VIRTIO_BLK_T_GET_ID, 0, 4), 5);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
}
END_TEST

static void range_req(uint32_t type, uint64_t sector, uint32_t n,
		      uint32_t flags)
{
	struct virtio_blk_discard_write_zeroes r = { .sector = sector,
						     .num_sectors = n,
						     .flags = flags };

	memcpy(data, &r, sizeof(r));
	request(type, 0, sizeof(r));
}

START_TEST(write_zeroes_and_discard)
{
	range_req(VIRTIO_BLK_T_WRITE_ZEROES, 4, 2, 0);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(file_byte(4 * 512), 0);
	ck_assert_uint_eq(file_byte(6 * 512 - 1), 0);
	ck_assert_uint_eq(file_byte(6 * 512), 7);
	range_req(VIRTIO_BLK_T_WRITE_ZEROES, 8, 1,
		  VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(file_byte(8 * 512 + 100), 0);
	range_req(VIRTIO_BLK_T_WRITE_ZEROES, SECTORS - 1, 2, 0);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	range_req(VIRTIO_BLK_T_WRITE_ZEROES, UINT64_MAX, 2, 0);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	range_req(VIRTIO_BLK_T_WRITE_ZEROES, 0, 1, 0x10);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_UNSUPP);
	if (virtio_blk_features(blk) & 1ULL << VIRTIO_BLK_F_DISCARD) {
		range_req(VIRTIO_BLK_T_DISCARD, 12, 1, 0);
		ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
		ck_assert_uint_eq(file_byte(12 * 512), 0);
		range_req(VIRTIO_BLK_T_DISCARD, 12, 1,
			  VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
		ck_assert_uint_eq(status, VIRTIO_BLK_S_UNSUPP);
	}
	request(VIRTIO_BLK_T_DISCARD, 0, 20); /* not whole ranges */
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
}
END_TEST

START_TEST(read_only)
{
	virtio_blk_destroy(blk);
	open_blk(true);
	ck_assert(virtio_blk_features(blk) & 1ULL << VIRTIO_BLK_F_RO);
	ck_assert(!(virtio_blk_features(blk) &
		    (1ULL << VIRTIO_BLK_F_DISCARD |
		     1ULL << VIRTIO_BLK_F_WRITE_ZEROES)));
	memset(data, 0xab, 512);
	request(VIRTIO_BLK_T_OUT, 0, 512);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(file_byte(0), 1);
	range_req(VIRTIO_BLK_T_WRITE_ZEROES, 0, 1, 0);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_UNSUPP);
	ck_assert_uint_eq(file_byte(0), 1);
	request(VIRTIO_BLK_T_IN, 0, 512);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
	request(VIRTIO_BLK_T_FLUSH, 0, 0);
	ck_assert_uint_eq(status, VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(image_checks)
{
	struct virtio_blk_options o = { .path = path };
	struct virtio_blk *b = NULL;

	ck_assert_int_eq(truncate(path, 1000), 0);
	ck_assert_int_eq(virtio_blk_create(&b, &o, &mmio), -EINVAL);
	o.path = "/nonexistent/husk.img";
	ck_assert_int_eq(virtio_blk_create(&b, &o, &mmio), -ENOENT);
	o.path = "/tmp";
	ck_assert_int_lt(virtio_blk_create(&b, &o, &mmio), 0);
	ck_assert_ptr_null(b);
}
END_TEST

/* Exclusive for a writable disk, shared for read-only ones. */
START_TEST(image_locks)
{
	struct virtio_blk_options o = { .path = path, .ro = true };
	struct virtio_blk *b = NULL, *b2 = NULL;

	ck_assert_int_eq(virtio_blk_create(&b, &o, &mmio), -EBUSY);
	virtio_blk_destroy(blk);
	ck_assert_int_eq(virtio_blk_create(&b, &o, &mmio), 0);
	ck_assert_int_eq(virtio_blk_create(&b2, &o, &mmio), 0);
	o.ro = false;
	ck_assert_int_eq(virtio_blk_create(&blk, &o, &mmio), -EBUSY);
	virtio_blk_destroy(b2);
	virtio_blk_destroy(b);
	ck_assert_int_eq(virtio_blk_create(&blk, &o, &mmio), 0);
}
END_TEST

START_TEST(rng_bounded)
{
	static uint8_t big[3 * VIRTIO_RNG_MAX_REQUEST];

	memset(&chain, 0, sizeof(chain));
	add(&hdr, sizeof(hdr), false); /* readable: skipped */
	add(big, VIRTIO_RNG_MAX_REQUEST, true);
	add(big + VIRTIO_RNG_MAX_REQUEST, 2 * VIRTIO_RNG_MAX_REQUEST, true);
	ck_assert_uint_eq(virtio_rng_fill(&chain), VIRTIO_RNG_MAX_REQUEST);
	memset(&chain, 0, sizeof(chain));
	add(big, 16, true);
	ck_assert_uint_eq(virtio_rng_fill(&chain), 16);
}
END_TEST

static Suite *blk_suite(void)
{
	Suite *s = suite_create("virtio_blk");
	TCase *tc = tcase_create("requests");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, read_sectors);
	tcase_add_test(tc, write_and_flush);
	tcase_add_test(tc, header_split_and_status_in_bigger_buffer);
	tcase_add_test(tc, range_checks);
	tcase_add_test(tc, bad_shapes);
	tcase_add_test(tc, get_id);
	tcase_add_test(tc, write_zeroes_and_discard);
	tcase_add_test(tc, read_only);
	tcase_add_test(tc, image_checks);
	tcase_add_test(tc, image_locks);
	tcase_add_test(tc, rng_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(blk_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
