// SPDX-License-Identifier: MIT
// The virtio test guest's driver: register access, negotiation, one split
// queue per device, and chain submission with plain stores (the rings are
// in ordinary RAM and x86 keeps stores in order).

#include "guest/lib/apic.h"
#include "guest/lib/guest.h"
#include "guest/lib/idt.h"
#include "guest/lib/io.h"
#include "guest/virtio/vdev.h"

#define MAGIC 0x74726976

volatile unsigned int vdev_irqs[VDEV_MAX];
static uint64_t irq_base[VDEV_MAX];

uint32_t vdev_read(const struct vdev *d, uint32_t reg)
{
	return mmio_read32(d->base + reg);
}

void vdev_write(const struct vdev *d, uint32_t reg, uint32_t v)
{
	mmio_write32(d->base + reg, v);
}

int vdev_probe(struct vdev *d, unsigned int slot)
{
	memset(d, 0, sizeof(*d));
	d->slot = slot;
	d->base = VDEV_BASE + (uint64_t)VDEV_WINDOW * slot;
	d->dma = VDEV_DMA_BASE + VDEV_DMA_SIZE * slot;
	if (vdev_read(d, R_MAGIC) != MAGIC)
		return -1;
	d->device_id = vdev_read(d, R_DEVICE_ID);
	vdev_write(d, R_DEV_FEATURES_SEL, 0);
	d->features = vdev_read(d, R_DEV_FEATURES);
	vdev_write(d, R_DEV_FEATURES_SEL, 1);
	d->features |= (uint64_t)vdev_read(d, R_DEV_FEATURES) << 32;
	return 0;
}

/* Reads and acknowledges the interrupt of the device on this vector. */
static void vdev_irq(struct irq_frame *frame)
{
	unsigned int i = (unsigned int)frame->vector - VDEV_VECTOR;

	if (i < VDEV_MAX && irq_base[i]) {
		uint32_t s = mmio_read32(irq_base[i] + R_INT_STATUS);

		mmio_write32(irq_base[i] + R_INT_ACK, s);
		vdev_irqs[i]++;
	}
	lapic_eoi();
}

void vdev_route_irq(const struct vdev *d)
{
	irq_base[d->slot] = d->base;
	idt_set_handler(VDEV_VECTOR + d->slot, vdev_irq);
	ioapic_route(VDEV_FIRST_GSI + d->slot, VDEV_VECTOR + d->slot,
		     lapic_id(), 0);
}

void vdev_reset(struct vdev *d)
{
	vdev_write(d, R_STATUS, 0);
}

int vdev_negotiate(struct vdev *d, uint64_t want)
{
	uint64_t f = want | 1ULL << F_VERSION_1;

	vdev_reset(d);
	if (vdev_read(d, R_STATUS) != 0)
		return -1;
	vdev_write(d, R_STATUS, S_ACK);
	vdev_write(d, R_STATUS, S_ACK | S_DRIVER);
	vdev_write(d, R_DRV_FEATURES_SEL, 0);
	vdev_write(d, R_DRV_FEATURES, (uint32_t)f);
	vdev_write(d, R_DRV_FEATURES_SEL, 1);
	vdev_write(d, R_DRV_FEATURES, (uint32_t)(f >> 32));
	vdev_write(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	return vdev_read(d, R_STATUS) & S_FEATURES_OK ? 0 : -1;
}

void vdev_queue_setup(struct vdev *d, uint16_t size)
{
	uint64_t desc = d->dma, avail = d->dma + 0x1000, used = d->dma + 0x2000;

	d->q.size = size;
	d->q.desc = (volatile struct vdesc *)desc;
	d->q.avail = (volatile uint16_t *)avail;
	d->q.used = (volatile uint32_t *)used;
	d->q.avail_idx = 0;
	memset((void *)desc, 0, 0x3000);

	vdev_write(d, R_QUEUE_SEL, 0);
	vdev_write(d, R_QUEUE_NUM, size);
	vdev_write(d, R_DESC_LO, (uint32_t)desc);
	vdev_write(d, R_DESC_HI, (uint32_t)(desc >> 32));
	vdev_write(d, R_AVAIL_LO, (uint32_t)avail);
	vdev_write(d, R_AVAIL_HI, (uint32_t)(avail >> 32));
	vdev_write(d, R_USED_LO, (uint32_t)used);
	vdev_write(d, R_USED_HI, (uint32_t)(used >> 32));
	vdev_write(d, R_QUEUE_READY, 1);
}

int vdev_start(struct vdev *d, uint64_t want, uint16_t size)
{
	if (vdev_negotiate(d, want))
		return -1;
	vdev_queue_setup(d, size);
	if (vdev_read(d, R_QUEUE_READY) != 1)
		return -1;
	vdev_write(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return vdev_read(d, R_STATUS) & S_DRIVER_OK ? 0 : -1;
}

uint64_t vdev_buf(const struct vdev *d, uint64_t off)
{
	return d->dma + VDEV_BUF_OFFSET + off;
}

void vdev_submit(struct vdev *d, uint16_t head)
{
	struct vq *q = &d->q;

	q->avail[2 + q->avail_idx % q->size] = head;
	barrier();
	q->avail[1] = ++q->avail_idx;
	barrier();
	vdev_write(d, R_QUEUE_NOTIFY, 0);
}

uint16_t vdev_used_idx(const struct vdev *d)
{
	return (uint16_t)(d->q.used[0] >> 16);
}

uint32_t vdev_used_len(const struct vdev *d, uint16_t i)
{
	return d->q.used[1 + 2 * (i % d->q.size) + 1];
}

/* Lets pending interrupts in for a moment between polls. */
static void poll_pause(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
	cpu_relax();
}

int vdev_wait_used(struct vdev *d, uint16_t idx, unsigned int ms)
{
	uint64_t end = deadline_ms(ms);

	while (vdev_used_idx(d) != idx) {
		if (deadline_passed(end))
			return -1;
		poll_pause();
	}
	return 0;
}

int vdev_wait_broken(struct vdev *d, unsigned int ms)
{
	uint64_t end = deadline_ms(ms);

	while (!(vdev_read(d, R_STATUS) & S_NEEDS_RESET)) {
		if (deadline_passed(end))
			return -1;
		poll_pause();
	}
	return 0;
}

/*
 * Waits with interrupts enabled the whole time, as a driver would: a
 * one-instruction window per poll can miss an interrupt that a nested
 * hypervisor delivers only on its next entry with interrupts open.
 */
int vdev_wait_irq(const struct vdev *d, unsigned int seen, unsigned int ms)
{
	uint64_t end = deadline_ms(ms);
	int ret = 0;

	__asm__ volatile("sti" ::: "memory");
	while (vdev_irqs[d->slot] == seen) {
		if (deadline_passed(end)) {
			ret = -1;
			break;
		}
		cpu_relax();
	}
	__asm__ volatile("cli" ::: "memory");
	return ret;
}
