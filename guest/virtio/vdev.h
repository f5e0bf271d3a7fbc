/* SPDX-License-Identifier: MIT */
/*
 * A tiny virtio-mmio driver for the virtio test guest: it finds husk's
 * devices at their fixed windows, negotiates, sets up one split queue per
 * device in a fixed RAM area, and submits hand-built (also malformed)
 * descriptor chains.
 */
#ifndef GUEST_VIRTIO_VDEV_H
#define GUEST_VIRTIO_VDEV_H

#include <stdint.h>

/* husk's layout (vmm/virtio_devices.h): window i and GSI 5 + i. */
#define VDEV_BASE 0xd0000000ULL
#define VDEV_WINDOW 0x200
#define VDEV_FIRST_GSI 5
#define VDEV_MAX 19 /* GSI 5 to 23 */
#define VDEV_VECTOR 0x40 /* device i interrupts on vector 0x40 + i */

/* Each device's rings and buffers: 1 MiB of RAM from 16 MiB up. */
#define VDEV_DMA_BASE 0x1000000ULL
#define VDEV_DMA_SIZE 0x100000ULL
#define VDEV_BUF_OFFSET 0x4000ULL /* buffers follow the rings */

/* Registers (virtio 1.2, 4.2.2). */
#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_VENDOR_ID 0x00c
#define R_DEV_FEATURES 0x010
#define R_DEV_FEATURES_SEL 0x014
#define R_DRV_FEATURES 0x020
#define R_DRV_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_INT_STATUS 0x060
#define R_INT_ACK 0x064
#define R_STATUS 0x070
#define R_DESC_LO 0x080
#define R_DESC_HI 0x084
#define R_AVAIL_LO 0x090
#define R_AVAIL_HI 0x094
#define R_USED_LO 0x0a0
#define R_USED_HI 0x0a4
#define R_SHM_LEN_LO 0x0b0
#define R_CONFIG_GEN 0x0fc
#define R_CONFIG 0x100

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 0x40

#define F_INDIRECT 28
#define F_VERSION_1 32

#define D_NEXT 1
#define D_WRITE 2
#define D_INDIRECT 4

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
} __attribute__((packed));

struct vq {
	uint16_t size;
	volatile struct vdesc *desc;
	volatile uint16_t *avail; /* flags, idx, ring[size] */
	volatile uint32_t *used; /* flags|idx, then id, len pairs */
	uint16_t avail_idx;
};

struct vdev {
	unsigned int slot;
	uint64_t base;
	uint32_t device_id;
	uint64_t dma; /* this device's RAM area */
	uint64_t features; /* what the device offers */
	struct vq q;
};

extern volatile unsigned int vdev_irqs[VDEV_MAX];

uint32_t vdev_read(const struct vdev *d, uint32_t reg);
void vdev_write(const struct vdev *d, uint32_t reg, uint32_t v);
/* Fills @d for window @slot; 0, or -1 if no virtio device is there. */
int vdev_probe(struct vdev *d, unsigned int slot);
/* Routes the device's GSI to its vector on this CPU. */
void vdev_route_irq(const struct vdev *d);

/* Reset, ACK, DRIVER, features @want (VERSION_1 added), FEATURES_OK. */
int vdev_negotiate(struct vdev *d, uint64_t want);
/* Programs queue 0 with @size entries; writes QueueReady = 1. */
void vdev_queue_setup(struct vdev *d, uint16_t size);
/* negotiate + queue_setup(size) + DRIVER_OK; 0 or -1. */
int vdev_start(struct vdev *d, uint64_t want, uint16_t size);
void vdev_reset(struct vdev *d);

/* A buffer address in the device's area. */
uint64_t vdev_buf(const struct vdev *d, uint64_t off);
/* Makes descriptor @head available and notifies. */
void vdev_submit(struct vdev *d, uint16_t head);
/* Waits up to @ms for used->idx to reach @idx; 0, or -1 on timeout. */
int vdev_wait_used(struct vdev *d, uint16_t idx, unsigned int ms);
uint16_t vdev_used_idx(const struct vdev *d);
uint32_t vdev_used_len(const struct vdev *d, uint16_t i);
/* Waits up to @ms for an interrupt count other than @seen; 0 or -1. */
int vdev_wait_irq(const struct vdev *d, unsigned int seen, unsigned int ms);
/* Waits up to @ms for DEVICE_NEEDS_RESET in the status; 0 or -1. */
int vdev_wait_broken(struct vdev *d, unsigned int ms);

#endif
