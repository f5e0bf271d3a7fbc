// SPDX-License-Identifier: MIT
// Checks of the virtio-mmio registers and feature negotiation, and of the
// entropy device.

#include "guest/lib/guest.h"
#include "guest/virtio/tests.h"

static void check_registers(struct vdev *d)
{
	tap_check(vdev_read(d, R_VERSION) == 2, "virtio: version 2",
		  "version %u", vdev_read(d, R_VERSION));
	tap_check(vdev_read(d, R_VENDOR_ID) != 0, "virtio: vendor id set",
		  "vendor 0");
	tap_check(d->features >> F_VERSION_1 & 1, "virtio: VERSION_1 offered",
		  "features %#llx", (unsigned long long)d->features);
	tap_check(d->features >> F_INDIRECT & 1,
		  "virtio: INDIRECT_DESC offered", "features %#llx",
		  (unsigned long long)d->features);
	vdev_write(d, R_QUEUE_SEL, 0);
	tap_check(vdev_read(d, R_QUEUE_NUM_MAX) == 256,
		  "virtio: queue 0 holds 256", "QueueNumMax %u",
		  vdev_read(d, R_QUEUE_NUM_MAX));
	vdev_write(d, R_QUEUE_SEL, 1);
	tap_check(vdev_read(d, R_QUEUE_NUM_MAX) == 0,
		  "virtio: queue 1 does not exist", "QueueNumMax %u",
		  vdev_read(d, R_QUEUE_NUM_MAX));
	vdev_write(d, R_QUEUE_SEL, 0);
	tap_check(vdev_read(d, R_SHM_LEN_LO) == 0xffffffff,
		  "virtio: no shared memory regions", "SHMLenLow %#x",
		  vdev_read(d, R_SHM_LEN_LO));
}

/* A driver without VERSION_1, or with a bit not offered, is refused. */
static void check_negotiation(struct vdev *d)
{
	vdev_reset(d);
	vdev_write(d, R_STATUS, S_ACK | S_DRIVER);
	vdev_write(d, R_DRV_FEATURES_SEL, 1);
	vdev_write(d, R_DRV_FEATURES, 0);
	vdev_write(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	tap_check(!(vdev_read(d, R_STATUS) & S_FEATURES_OK),
		  "virtio: legacy driver (no VERSION_1) refused", "status %#x",
		  vdev_read(d, R_STATUS));

	vdev_reset(d);
	vdev_write(d, R_STATUS, S_ACK | S_DRIVER);
	vdev_write(d, R_DRV_FEATURES_SEL, 1);
	vdev_write(d, R_DRV_FEATURES, 1 | 1U << 30);
	vdev_write(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	tap_check(!(vdev_read(d, R_STATUS) & S_FEATURES_OK),
		  "virtio: feature not offered refused", "status %#x",
		  vdev_read(d, R_STATUS));

	vdev_reset(d);
	tap_check(vdev_read(d, R_STATUS) == 0, "virtio: reset clears status",
		  "status %#x", vdev_read(d, R_STATUS));
	tap_check(vdev_negotiate(d, 0) == 0, "virtio: VERSION_1 accepted",
		  "FEATURES_OK did not stick");
	vdev_write(d, R_STATUS, S_ACK | S_DRIVER | S_DRIVER_OK);
	tap_check(vdev_read(d, R_STATUS) & S_FEATURES_OK,
		  "virtio: status bits cannot be cleared", "status %#x",
		  vdev_read(d, R_STATUS));
	vdev_reset(d);
}

void test_transport(void)
{
	check_registers(&rng_dev);
	check_negotiation(&rng_dev);
}

static int rng_read(struct vdev *d, uint64_t off, uint32_t len)
{
	uint16_t idx = vdev_used_idx(d);

	memset((void *)vdev_buf(d, off), 0, len);
	desc_set(d, 0, vdev_buf(d, off), len, D_WRITE, 0);
	vdev_submit(d, 0);
	if (vdev_wait_used(d, idx + 1, WAIT_MS))
		return -1;
	return (int)vdev_used_len(d, idx);
}

static int all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

void test_rng(void)
{
	struct vdev *d = &rng_dev;
	const uint8_t *a = (const uint8_t *)vdev_buf(d, 0);
	const uint8_t *b = (const uint8_t *)vdev_buf(d, 0x1000);
	unsigned int irqs = vdev_irqs[d->slot];
	int n;

	if (vdev_start(d, 0, 8)) {
		tap_fail("virtio-rng: start");
		return;
	}
	n = rng_read(d, 0, 64);
	tap_check(n == 64 && !all_zero(a, 64), "virtio-rng: 64 bytes",
		  "used length %d", n);
	n = rng_read(d, 0x1000, 64);
	tap_check(n == 64 && memcmp(a, b, 64), "virtio-rng: fresh bytes",
		  "used length %d, or the same bytes twice", n);
	vdev_wait_irq(d, irqs, WAIT_MS);
	tap_check(vdev_irqs[d->slot] > irqs, "virtio-rng: used interrupt",
		  "no interrupt on GSI %u", VDEV_FIRST_GSI + d->slot);
	n = rng_read(d, 0, 0x30000);
	tap_check(n > 0 && n <= 0x10000, "virtio-rng: request bounded",
		  "used length %d for 192 KiB", n);
	vdev_reset(d);
}
