// SPDX-License-Identifier: MIT
// Checks of virtio-blk: configuration, reads of the image the host
// prepared, writes the host checks afterwards, flush, get-id, range and
// request-shape errors, and a read-only disk.

#include "guest/lib/guest.h"
#include "guest/virtio/tests.h"

#define HDR_OFF 0
#define STATUS_OFF 0x100
#define DATA_OFF 0x1000
#define SECTOR 512

void desc_set(struct vdev *d, uint16_t i, uint64_t addr, uint32_t len,
	      uint16_t flags, uint16_t next)
{
	volatile struct vdesc *e = &d->q.desc[i];

	e->addr = addr;
	e->len = len;
	e->flags = flags;
	e->next = next;
}

uint8_t *blk_data(struct vdev *d)
{
	return (uint8_t *)vdev_buf(d, DATA_OFF);
}

uint8_t blk_request(struct vdev *d, uint32_t type, uint64_t sector,
		    uint32_t len, uint32_t *used)
{
	uint32_t *hdr = (uint32_t *)vdev_buf(d, HDR_OFF);
	volatile uint8_t *status = (uint8_t *)vdev_buf(d, STATUS_OFF);
	uint16_t data_flags =
		type == BLK_T_IN || type == BLK_T_GET_ID ? D_WRITE : 0;
	uint16_t idx = vdev_used_idx(d);

	hdr[0] = type;
	hdr[1] = 0;
	memcpy(&hdr[2], &sector, 8);
	*status = BLK_S_NONE;
	if (len) {
		desc_set(d, 0, vdev_buf(d, HDR_OFF), 16, D_NEXT, 1);
		desc_set(d, 1, vdev_buf(d, DATA_OFF), len, data_flags | D_NEXT,
			 2);
	} else {
		desc_set(d, 0, vdev_buf(d, HDR_OFF), 16, D_NEXT, 2);
	}
	desc_set(d, 2, vdev_buf(d, STATUS_OFF), 1, D_WRITE, 0);
	vdev_submit(d, 0);
	if (vdev_wait_used(d, idx + 1, WAIT_MS))
		return BLK_S_NONE;
	if (used)
		*used = vdev_used_len(d, idx);
	return *status;
}

uint8_t blk_simple(struct vdev *d, uint32_t type, uint64_t sector)
{
	return blk_request(d, type, sector, 0, NULL);
}

static char pattern_char(uint64_t sector, unsigned int j, const char *prefix)
{
	char s[24];

	snprintf(s, sizeof(s), "%s%08u", prefix, (unsigned int)sector);
	return s[j % 20];
}

void sector_fill(uint8_t *buf, uint64_t sector, unsigned int n,
		 const char *prefix)
{
	for (unsigned int i = 0; i < n; i++) {
		char s[24];

		snprintf(s, sizeof(s), "%s%08u", prefix,
			 (unsigned int)(sector + i));
		for (unsigned int j = 0; j < SECTOR; j++)
			buf[i * SECTOR + j] = (uint8_t)s[j % 20];
	}
}

int sector_check(const uint8_t *buf, uint64_t sector, unsigned int n,
		 const char *prefix)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = 0; j < SECTOR; j += 97)
			if (buf[i * SECTOR + j] !=
			    (uint8_t)pattern_char(sector + i, j, prefix))
				return -1;
	return 0;
}

int blk_write_pattern(struct vdev *d, uint64_t sector, unsigned int n,
		      const char *prefix)
{
	sector_fill(blk_data(d), sector, n, prefix);
	return blk_request(d, BLK_T_OUT, sector, n * SECTOR, NULL) == BLK_S_OK ?
		       0 :
		       -1;
}

static void check_config(struct vdev *d)
{
	uint64_t cap = vdev_read(d, R_CONFIG) |
		       (uint64_t)vdev_read(d, R_CONFIG + 4) << 32;

	tap_check(cap == disk_sectors, "virtio-blk: capacity",
		  "%llu sectors, expected %llu", (unsigned long long)cap,
		  (unsigned long long)disk_sectors);
	tap_check(vdev_read(d, R_CONFIG + 0xf0) == 0,
		  "virtio-blk: config beyond its end reads 0", "nonzero");
	tap_check(d->features >> BLK_F_FLUSH & 1, "virtio-blk: FLUSH offered",
		  "features %#llx", (unsigned long long)d->features);
}

static void check_get_id(struct vdev *d)
{
	char want[21] = "", got[21] = "";
	uint32_t used = 0;
	uint8_t s;

	cmdline_get("serial", want, sizeof(want));
	memset(blk_data(d), 0, 20);
	s = blk_request(d, BLK_T_GET_ID, 0, 20, &used);
	memcpy(got, blk_data(d), 20);
	tap_check(s == BLK_S_OK && !strcmp(got, want) && used == 21,
		  "virtio-blk: get-id", "status %u, used %u, \"%s\"", s, used,
		  got);
}

static void check_reads(struct vdev *d)
{
	uint8_t s;

	memset(blk_data(d), 0, 8 * SECTOR);
	s = blk_request(d, BLK_T_IN, 0, 8 * SECTOR, NULL);
	tap_check(s == BLK_S_OK &&
			  !sector_check(blk_data(d), 0, 8, "husk-sector-"),
		  "virtio-blk: read sectors 0-7", "status %u or contents", s);
	s = blk_request(d, BLK_T_IN, disk_sectors - 64, 64 * SECTOR, NULL);
	tap_check(s == BLK_S_OK && !sector_check(blk_data(d), disk_sectors - 64,
						 64, "husk-sector-"),
		  "virtio-blk: read the last 32 KiB", "status %u", s);
}

/* The same read through an indirect table of three descriptors. */
static void check_indirect(struct vdev *d)
{
	uint64_t table = vdev_buf(d, 0x800);
	uint32_t *hdr = (uint32_t *)vdev_buf(d, HDR_OFF);
	volatile uint8_t *status = (uint8_t *)vdev_buf(d, STATUS_OFF);
	volatile struct vdesc *t = (volatile struct vdesc *)table;
	uint16_t idx = vdev_used_idx(d);
	uint64_t sector = 16;

	hdr[0] = BLK_T_IN;
	hdr[1] = 0;
	memcpy(&hdr[2], &sector, 8);
	*status = BLK_S_NONE;
	t[0] = (struct vdesc){ vdev_buf(d, HDR_OFF), 16, D_NEXT, 1 };
	t[1] = (struct vdesc){ vdev_buf(d, DATA_OFF), 2 * SECTOR,
			       D_WRITE | D_NEXT, 2 };
	t[2] = (struct vdesc){ vdev_buf(d, STATUS_OFF), 1, D_WRITE, 0 };
	desc_set(d, 0, table, 3 * 16, D_INDIRECT, 0);
	vdev_submit(d, 0);
	tap_check(!vdev_wait_used(d, idx + 1, WAIT_MS) && *status == 0 &&
			  !sector_check(blk_data(d), 16, 2, "husk-sector-"),
		  "virtio-blk: indirect read", "status %u", *status);
}

static void check_writes(struct vdev *d)
{
	uint8_t s;

	tap_check(!blk_write_pattern(d, WRITE_SECTOR, 8, "guest-wrote-"),
		  "virtio-blk: write sectors 100-107", "not OK");
	s = blk_simple(d, BLK_T_FLUSH, 0);
	tap_check(s == BLK_S_OK, "virtio-blk: flush", "status %u", s);
	memset(blk_data(d), 0, 8 * SECTOR);
	s = blk_request(d, BLK_T_IN, WRITE_SECTOR, 8 * SECTOR, NULL);
	tap_check(s == BLK_S_OK && !sector_check(blk_data(d), WRITE_SECTOR, 8,
						 "guest-wrote-"),
		  "virtio-blk: written sectors read back", "status %u", s);
}

static void check_zeroes(struct vdev *d)
{
	uint8_t *p = blk_data(d);
	uint64_t range[2] = { ZERO_SECTOR, 2 };
	uint8_t s;

	if (!(d->features >> BLK_F_WRITE_ZEROES & 1)) {
		tap_fail("virtio-blk: WRITE_ZEROES not offered on a rw disk");
		return;
	}
	memcpy(p, range, 16);
	s = blk_request(d, BLK_T_WRITE_ZEROES, 0, 16, NULL);
	memset(p, 0xaa, 2 * SECTOR);
	if (s == BLK_S_OK)
		s = blk_request(d, BLK_T_IN, ZERO_SECTOR, 2 * SECTOR, NULL);
	tap_check(s == BLK_S_OK && p[0] == 0 && p[2 * SECTOR - 1] == 0,
		  "virtio-blk: write-zeroes", "status %u, byte %#x", s, p[0]);
	range[0] = disk_sectors - 1;
	memcpy(p, range, 16);
	s = blk_request(d, BLK_T_WRITE_ZEROES, 0, 16, NULL);
	tap_check(s == BLK_S_IOERR, "virtio-blk: write-zeroes past the end",
		  "status %u", s);
	if (d->features >> BLK_F_DISCARD & 1) {
		range[0] = ZERO_SECTOR + 8;
		range[1] = 8;
		memcpy(p, range, 16);
		s = blk_request(d, BLK_T_DISCARD, 0, 16, NULL);
		tap_check(s == BLK_S_OK, "virtio-blk: discard", "status %u", s);
	}
}

static void check_errors(struct vdev *d)
{
	uint8_t s;

	s = blk_request(d, BLK_T_IN, disk_sectors - 1, 2 * SECTOR, NULL);
	tap_check(s == BLK_S_IOERR, "virtio-blk: read past the end",
		  "status %u", s);
	s = blk_request(d, BLK_T_IN, ~0ULL - 1, SECTOR, NULL);
	tap_check(s == BLK_S_IOERR, "virtio-blk: sector that overflows",
		  "status %u", s);
	s = blk_request(d, BLK_T_IN, 0, 100, NULL);
	tap_check(s == BLK_S_IOERR, "virtio-blk: length not whole sectors",
		  "status %u", s);
	s = blk_request(d, 0x1234, 0, 0, NULL);
	tap_check(s == BLK_S_UNSUPP, "virtio-blk: unknown request type",
		  "status %u", s);
}

void test_blk(void)
{
	struct vdev *d = &blk_dev;

	if (vdev_start(d, 1ULL << F_INDIRECT, 8)) {
		tap_fail("virtio-blk: start");
		return;
	}
	check_config(d);
	check_get_id(d);
	check_reads(d);
	check_indirect(d);
	check_writes(d);
	check_zeroes(d);
	check_errors(d);
}

void test_blk_ro(void)
{
	struct vdev *d = &ro_dev;
	uint8_t s;

	tap_check(d->features >> BLK_F_RO & 1, "virtio-blk ro: RO offered",
		  "features %#llx", (unsigned long long)d->features);
	if (vdev_start(d, 1ULL << BLK_F_RO, 8)) {
		tap_fail("virtio-blk ro: start");
		return;
	}
	sector_fill(blk_data(d), 0, 1, "guest-wrote-");
	s = blk_request(d, BLK_T_OUT, 0, SECTOR, NULL);
	tap_check(s == BLK_S_IOERR, "virtio-blk ro: write refused", "status %u",
		  s);
	s = blk_request(d, BLK_T_IN, 0, SECTOR, NULL);
	tap_check(s == BLK_S_OK &&
			  !sector_check(blk_data(d), 0, 1, "husk-sector-"),
		  "virtio-blk ro: read", "status %u", s);
	s = blk_simple(d, BLK_T_WRITE_ZEROES, 0);
	tap_check(s == BLK_S_UNSUPP || s == BLK_S_IOERR,
		  "virtio-blk ro: write-zeroes refused", "status %u", s);
	vdev_reset(d);
}

/* After every hostile case: a reset device serves requests again. */
void test_blk_after(void)
{
	struct vdev *d = &blk_dev;
	uint8_t s = BLK_S_NONE;

	if (!vdev_start(d, 0, 16))
		s = blk_request(d, BLK_T_IN, WRITE_SECTOR, SECTOR, NULL);
	tap_check(s == BLK_S_OK && !sector_check(blk_data(d), WRITE_SECTOR, 1,
						 "guest-wrote-"),
		  "virtio-blk: works again after the hostile cases",
		  "status %u", s);
	vdev_reset(d);
}
