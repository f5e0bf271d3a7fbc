/* SPDX-License-Identifier: MIT */
/*
 * The split virtqueue as a device sees it: ring set-up checked against
 * guest RAM, and a chain walker that turns one available descriptor chain
 * into host iovecs only after checking every index, address and length.
 *
 * NOTE: the rings live in guest RAM and other vCPUs write them while husk
 * reads: every shared field is read exactly once into a local, and only
 * the local is checked and used. Callers serialise all calls on one queue.
 */
#ifndef HUSK_VIRTQ_H
#define HUSK_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vmm/memory.h"

/* The largest queue husk offers (QueueNumMax), also the chain length cap. */
#define VIRTQ_MAX_SIZE 256

struct vring_desc;
struct vring_avail;
struct vring_used;

struct virtq {
	/* Set by the transport while the queue is not ready. */
	uint16_t size;
	uint64_t desc_gpa, avail_gpa, used_gpa;

	/* Set by virtq_enable(). */
	bool ready;
	bool indirect; /* VIRTIO_RING_F_INDIRECT_DESC was negotiated */
	bool event_idx; /* VIRTIO_RING_F_EVENT_IDX was negotiated */
	const struct guest_mem *mem;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail; /* the next avail ring entry to take */
	uint16_t used_idx; /* husk's copy of used->idx */
	uint16_t signalled_idx; /* used_idx when interrupts were last decided */
};

/*
 * One descriptor chain: the device-readable buffers in iov[0..nread),
 * then the device-writable ones in iov[nread..nread + nwrite). Empty
 * descriptors are dropped. The totals never exceed UINT32_MAX.
 */
struct virtq_chain {
	uint16_t head;
	unsigned int nread, nwrite;
	uint32_t read_len, write_len;
	struct iovec iov[VIRTQ_MAX_SIZE];
};

/*
 * Checks the queue size (a power of 2, 1..VIRTQ_MAX_SIZE), the ring
 * alignments and that each ring (with its event field under EVENT_IDX)
 * lies in guest RAM, then marks the queue ready with used->idx 0.
 * @features are the negotiated ones; the ring bits among them count.
 * Returns 0 or -EINVAL (the queue stays not ready).
 */
int virtq_enable(struct virtq *vq, const struct guest_mem *mem,
		 uint64_t features);

/* Forgets everything: size, addresses, indices, readiness. */
void virtq_reset(struct virtq *vq);

/*
 * Takes the next available chain into @c. Returns 1 for a chain, 0 when
 * none is available (under EVENT_IDX, after asking the driver to notify
 * at the next one), or a negative errno when the ring or the chain is
 * malformed and the device must be reset: -EINVAL (an avail index more
 * than the queue size ahead, a head or next index out of range, a
 * readable buffer after a writable one, a bad indirect descriptor),
 * -EFAULT (a buffer or table outside guest RAM), -ELOOP (more
 * descriptors than the queue or the indirect table holds), -E2BIG (the
 * lengths add up past 4 GiB - 1).
 */
int virtq_pop(struct virtq *vq, struct virtq_chain *c);

/* Puts the chain taken last back, for the next virtq_pop() to take. */
void virtq_unpop(struct virtq *vq);

/* Returns chain @head to the driver with @len bytes written into it. */
void virtq_push(struct virtq *vq, uint16_t head, uint32_t len);

/*
 * After a batch of virtq_push(): whether the driver wants an interrupt:
 * under EVENT_IDX, whether the batch passed its used_event; otherwise,
 * whether it has not set VRING_AVAIL_F_NO_INTERRUPT.
 */
bool virtq_want_interrupt(struct virtq *vq);

/* Whether the driver has made chains available that husk has not taken. */
bool virtq_has_avail(struct virtq *vq);

#endif
