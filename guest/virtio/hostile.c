// SPDX-License-Identifier: MIT
// Malformed rings, chains and queue set-ups. husk's documented reaction:
// the device sets DEVICE_NEEDS_RESET and raises a configuration
// interrupt, completes nothing, and keeps running; a reset makes it whole.

#include "guest/lib/guest.h"
#include "guest/virtio/tests.h"

#define SIZE 8
#define BROKEN_MS 1000
#define QUIET_MS 200

/* A writable 64-byte buffer, as virtio-rng takes. */
#define BUF(d) vdev_buf(d, 0)

typedef void (*hostile_fn)(struct vdev *d);

/* Broken, nothing completed, and an interrupt told the driver. */
static void expect_broken(struct vdev *d, const char *name, unsigned int irqs)
{
	int broken = !vdev_wait_broken(d, BROKEN_MS);

	vdev_wait_irq(d, irqs, BROKEN_MS);

	tap_check(broken && vdev_used_idx(d) == 0 && vdev_irqs[d->slot] > irqs,
		  name, "status %#x, used idx %u, %u interrupts",
		  vdev_read(d, R_STATUS), vdev_used_idx(d),
		  vdev_irqs[d->slot] - irqs);
}

static void run_case(struct vdev *d, uint64_t features, hostile_fn fn,
		     const char *name)
{
	unsigned int irqs;

	if (vdev_start(d, features, SIZE)) {
		tap_fail("%s: device does not start", name);
		return;
	}
	irqs = vdev_irqs[d->slot];

	fn(d);
	expect_broken(d, name, irqs);
	vdev_reset(d);
}

static void chain_loop(struct vdev *d)
{
	desc_set(d, 0, BUF(d), 64, D_WRITE | D_NEXT, 1);
	desc_set(d, 1, BUF(d), 64, D_WRITE | D_NEXT, 0);
	vdev_submit(d, 0);
}

static void addr_beyond_ram(struct vdev *d)
{
	desc_set(d, 0, 1ULL << 40, 64, D_WRITE, 0);
	vdev_submit(d, 0);
}

static void addr_in_hole(struct vdev *d)
{
	desc_set(d, 0, d->base, 64, D_WRITE, 0); /* its own registers */
	vdev_submit(d, 0);
}

static void len_wraps(struct vdev *d)
{
	desc_set(d, 0, ~0ULL - 0xfff, 0x2000, D_WRITE, 0);
	vdev_submit(d, 0);
}

static void next_out_of_range(struct vdev *d)
{
	desc_set(d, 0, BUF(d), 64, D_WRITE | D_NEXT, SIZE);
	vdev_submit(d, 0);
}

static void head_out_of_range(struct vdev *d)
{
	desc_set(d, 0, BUF(d), 64, D_WRITE, 0);
	vdev_submit(d, 200);
}

static void avail_idx_jump(struct vdev *d)
{
	desc_set(d, 0, BUF(d), 64, D_WRITE, 0);
	d->q.avail_idx += 1000;
	vdev_submit(d, 0);
}

static void read_after_write(struct vdev *d)
{
	desc_set(d, 0, BUF(d), 64, D_WRITE | D_NEXT, 1);
	desc_set(d, 1, BUF(d) + 64, 64, D_NEXT, 2);
	desc_set(d, 2, BUF(d) + 128, 64, D_WRITE, 0);
	vdev_submit(d, 0);
}

static volatile struct vdesc *table(struct vdev *d)
{
	return (volatile struct vdesc *)vdev_buf(d, 0x800);
}

static void indirect_in_indirect(struct vdev *d)
{
	table(d)[0] = (struct vdesc){ vdev_buf(d, 0x900), 16, D_INDIRECT, 0 };
	table(d)[1] = (struct vdesc){ 0 };
	desc_set(d, 0, vdev_buf(d, 0x800), 32, D_INDIRECT, 0);
	vdev_submit(d, 0);
}

static void indirect_with_next(struct vdev *d)
{
	table(d)[0] = (struct vdesc){ BUF(d), 64, D_WRITE, 0 };
	desc_set(d, 0, vdev_buf(d, 0x800), 16, D_INDIRECT | D_NEXT, 1);
	desc_set(d, 1, BUF(d), 64, D_WRITE, 0);
	vdev_submit(d, 0);
}

static void indirect_bad_len(struct vdev *d)
{
	table(d)[0] = (struct vdesc){ BUF(d), 64, D_WRITE, 0 };
	desc_set(d, 0, vdev_buf(d, 0x800), 20, D_INDIRECT, 0);
	vdev_submit(d, 0);
}

static void indirect_loop(struct vdev *d)
{
	table(d)[0] = (struct vdesc){ BUF(d), 64, D_WRITE | D_NEXT, 1 };
	table(d)[1] = (struct vdesc){ BUF(d), 64, D_WRITE | D_NEXT, 0 };
	desc_set(d, 0, vdev_buf(d, 0x800), 32, D_INDIRECT, 0);
	vdev_submit(d, 0);
}

/* 256 writable buffers of 17 MiB each (the same RAM): over 4 GiB. */
static void lengths_past_4g(struct vdev *d)
{
	volatile struct vdesc *t = table(d);

	for (uint16_t i = 0; i < 256; i++)
		t[i] = (struct vdesc){ VDEV_DMA_BASE, 17U << 20,
				       D_WRITE | (i < 255 ? D_NEXT : 0),
				       i + 1 };
	desc_set(d, 0, vdev_buf(d, 0x800), 256 * 16, D_INDIRECT, 0);
	vdev_submit(d, 0);
}

static void indirect_not_negotiated(struct vdev *d)
{
	table(d)[0] = (struct vdesc){ BUF(d), 64, D_WRITE, 0 };
	desc_set(d, 0, vdev_buf(d, 0x800), 16, D_INDIRECT, 0);
	vdev_submit(d, 0);
}

static void chain_cases(struct vdev *d)
{
	uint64_t ind = 1ULL << F_INDIRECT;

	run_case(d, 0, chain_loop, "hostile: loop in a chain");
	run_case(d, 0, addr_beyond_ram, "hostile: buffer beyond RAM");
	run_case(d, 0, addr_in_hole, "hostile: buffer on MMIO registers");
	run_case(d, 0, len_wraps, "hostile: address + length wraps");
	run_case(d, 0, next_out_of_range, "hostile: next index out of range");
	run_case(d, 0, head_out_of_range, "hostile: head index out of range");
	run_case(d, 0, avail_idx_jump, "hostile: avail idx jumps 1000");
	run_case(d, 0, read_after_write, "hostile: readable after writable");
	run_case(d, ind, indirect_in_indirect, "hostile: indirect in indirect");
	run_case(d, ind, indirect_with_next, "hostile: indirect with NEXT");
	run_case(d, ind, indirect_bad_len, "hostile: indirect length 20");
	run_case(d, ind, indirect_loop, "hostile: loop in indirect table");
	run_case(d, ind, lengths_past_4g, "hostile: lengths add up past 4 GiB");
	run_case(d, 0, indirect_not_negotiated,
		 "hostile: indirect not negotiated");
}

/* QueueReady with a bad size or ring: not ready, device broken. */
static void bad_queue(struct vdev *d, uint16_t size, uint64_t desc,
		      const char *name)
{
	if (vdev_negotiate(d, 0)) {
		tap_fail("%s: negotiation", name);
		return;
	}
	vdev_queue_setup(d, size);
	if (desc) {
		vdev_write(d, R_QUEUE_READY, 0);
		vdev_write(d, R_DESC_LO, (uint32_t)desc);
		vdev_write(d, R_DESC_HI, (uint32_t)(desc >> 32));
		vdev_write(d, R_QUEUE_READY, 1);
	}
	tap_check(vdev_read(d, R_QUEUE_READY) == 0 &&
			  vdev_read(d, R_STATUS) & S_NEEDS_RESET,
		  name, "QueueReady %u, status %#x",
		  vdev_read(d, R_QUEUE_READY), vdev_read(d, R_STATUS));
	vdev_reset(d);
}

static void queue_cases(struct vdev *d)
{
	bad_queue(d, 0, 0, "hostile: queue size 0");
	bad_queue(d, 3, 0, "hostile: queue size 3");
	bad_queue(d, 512, 0, "hostile: queue size 512");
	bad_queue(d, SIZE, 1ULL << 40, "hostile: ring beyond RAM");
	bad_queue(d, SIZE, d->dma + 8, "hostile: ring misaligned");
}

/* A notify before DRIVER_OK is ignored; DRIVER_OK then serves it. */
static void notify_before_driver_ok(struct vdev *d)
{
	const char *name = "hostile: notify before DRIVER_OK";
	uint16_t before;

	if (vdev_negotiate(d, 0)) {
		tap_fail("%s: negotiation", name);
		return;
	}
	vdev_write(d, R_QUEUE_NOTIFY, 0); /* no queue yet */
	vdev_queue_setup(d, SIZE);
	desc_set(d, 0, BUF(d), 64, D_WRITE, 0);
	vdev_submit(d, 0);
	vdev_write(d, R_QUEUE_NOTIFY, 7); /* no such queue */
	vdev_wait_used(d, 1, QUIET_MS);
	before = vdev_used_idx(d);
	vdev_write(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	tap_check(before == 0 && !vdev_wait_used(d, 1, WAIT_MS) &&
			  !(vdev_read(d, R_STATUS) & S_NEEDS_RESET),
		  name, "used idx %u before DRIVER_OK, %u after", before,
		  vdev_used_idx(d));
	vdev_reset(d);
}

/* A reset while a large read is in flight: nothing lands afterwards. */
static void reset_mid_request(struct vdev *d)
{
	const char *name = "hostile: reset mid-request";
	uint32_t *hdr = (uint32_t *)vdev_buf(d, 0);
	uint64_t sector = 0;

	if (vdev_start(d, 0, SIZE)) {
		tap_fail("%s: start", name);
		return;
	}
	hdr[0] = BLK_T_IN;
	hdr[1] = 0;
	memcpy(&hdr[2], &sector, 8);
	desc_set(d, 0, vdev_buf(d, 0), 16, D_NEXT, 1);
	desc_set(d, 1, vdev_buf(d, 0x1000), 0x80000, D_WRITE | D_NEXT, 2);
	desc_set(d, 2, vdev_buf(d, 0x100), 1, D_WRITE, 0);
	vdev_submit(d, 0);
	vdev_reset(d);
	d->q.used[0] = 0;
	vdev_wait_used(d, 1, QUIET_MS);
	tap_check(vdev_read(d, R_STATUS) == 0 && vdev_used_idx(d) == 0, name,
		  "status %#x, used idx %u after the reset",
		  vdev_read(d, R_STATUS), vdev_used_idx(d));
}

void test_hostile(void)
{
	chain_cases(&rng_dev);
	queue_cases(&rng_dev);
	notify_before_driver_ok(&rng_dev);
	reset_mid_request(&blk_dev);
}
