/* SPDX-License-Identifier: MIT */
/*
 * The checks of the virtio test guest, one group per file, and the block
 * request helpers they share.
 */
#ifndef GUEST_VIRTIO_TESTS_H
#define GUEST_VIRTIO_TESTS_H

#include <stdint.h>

#include "guest/virtio/vdev.h"

#define BLK_T_IN 0
#define BLK_T_OUT 1
#define BLK_T_FLUSH 4
#define BLK_T_GET_ID 8
#define BLK_T_DISCARD 11
#define BLK_T_WRITE_ZEROES 13
#define BLK_S_OK 0
#define BLK_S_IOERR 1
#define BLK_S_UNSUPP 2
#define BLK_S_NONE 0xff /* no completion within the timeout */

#define BLK_F_RO 5
#define BLK_F_FLUSH 9
#define BLK_F_DISCARD 13
#define BLK_F_WRITE_ZEROES 14

/* Sectors the guest writes; the host checks them in the image. */
#define WRITE_SECTOR 100
#define CRASH_SECTOR 300
#define ZERO_SECTOR 200

#define WAIT_MS 2000

extern struct vdev rng_dev, blk_dev, ro_dev;
extern uint64_t disk_sectors;

void desc_set(struct vdev *d, uint16_t i, uint64_t addr, uint32_t len,
	      uint16_t flags, uint16_t next);

/*
 * One request in three descriptors (header, data of @len bytes at the
 * data buffer unless 0, status); returns the status byte or BLK_S_NONE.
 * The used length goes to *@used if @used is not NULL.
 */
uint8_t blk_request(struct vdev *d, uint32_t type, uint64_t sector,
		    uint32_t len, uint32_t *used);
uint8_t blk_simple(struct vdev *d, uint32_t type, uint64_t sector);
/* The data buffer of blk_request(). */
uint8_t *blk_data(struct vdev *d);
/* Fills or checks @n sectors from @sector with "PREFIX%08u" repeated. */
void sector_fill(uint8_t *buf, uint64_t sector, unsigned int n,
		 const char *prefix);
int sector_check(const uint8_t *buf, uint64_t sector, unsigned int n,
		 const char *prefix);
int blk_write_pattern(struct vdev *d, uint64_t sector, unsigned int n,
		      const char *prefix);

void test_transport(void);
void test_rng(void);
void test_blk(void);
void test_blk_ro(void);
void test_hostile(void);
void test_blk_after(void);

#endif
