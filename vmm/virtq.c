// SPDX-License-Identifier: MIT
/*
 * The split virtqueue walker: ring set-up, chain walking with every guest
 * value checked before use, and returning used chains with the barriers
 * the concurrently running guest needs.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <linux/virtio_ring.h>

#include "vmm/virtq.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "husk's virtqueues assume a little-endian host, as virtio 1.x is"
#endif

/* Where the walk is: the main descriptor table or an indirect one. */
struct walk {
	const uint8_t *table;
	uint32_t entries;
	uint32_t steps; /* descriptors visited in this table */
	bool in_indirect;
};

static bool is_pow2(uint32_t n)
{
	return n && !(n & (n - 1));
}

void virtq_reset(struct virtq *vq)
{
	memset(vq, 0, sizeof(*vq));
}

int virtq_enable(struct virtq *vq, const struct guest_mem *mem,
		 uint64_t features)
{
	bool event_idx = features & 1ULL << VIRTIO_RING_F_EVENT_IDX;
	uint64_t n = vq->size, event = event_idx ? 2 : 0;

	vq->ready = false;
	if (!is_pow2(vq->size) || vq->size > VIRTQ_MAX_SIZE)
		return -EINVAL;
	if (vq->desc_gpa % 16 || vq->avail_gpa % 2 || vq->used_gpa % 4)
		return -EINVAL;

	vq->desc = guest_ptr(mem, vq->desc_gpa, 16 * n);
	vq->avail = guest_ptr(mem, vq->avail_gpa, 6 + 2 * n + event);
	vq->used = guest_ptr(mem, vq->used_gpa, 6 + 8 * n + event);
	if (!vq->desc || !vq->avail || !vq->used)
		return -EINVAL;

	vq->mem = mem;
	vq->indirect = features & 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	vq->event_idx = event_idx;
	vq->last_avail = 0;
	vq->used_idx = 0;
	vq->signalled_idx = 0;
	__atomic_store_n(&vq->used->idx, 0, __ATOMIC_RELEASE);
	vq->ready = true;
	return 0;
}

bool virtq_has_avail(struct virtq *vq)
{
	uint16_t idx;

	if (!vq->ready)
		return false;
	idx = __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
	return idx != vq->last_avail;
}

/* Copies descriptor @i of the walk's table, read once. */
static void read_desc(const struct walk *w, uint32_t i, struct vring_desc *d)
{
	memcpy(d, w->table + 16 * (uint64_t)i, sizeof(*d));
}

/* Switches the walk to the indirect table that @d points to. */
static int enter_indirect(struct virtq *vq, struct walk *w,
			  const struct vring_desc *d)
{
	if (!vq->indirect || w->in_indirect || (d->flags & VRING_DESC_F_NEXT))
		return -EINVAL;
	if (d->len == 0 || d->len % 16 || d->len / 16 > VIRTQ_MAX_SIZE)
		return -EINVAL;
	w->table = guest_ptr(vq->mem, d->addr, d->len);
	if (!w->table)
		return -EFAULT;
	w->entries = d->len / 16;
	w->steps = 0;
	w->in_indirect = true;
	return 0;
}

/* Appends the buffer of @d to @c. */
static int add_buffer(struct virtq *vq, struct virtq_chain *c,
		      const struct vring_desc *d)
{
	bool writable = d->flags & VRING_DESC_F_WRITE;
	uint64_t total = (uint64_t)c->read_len + c->write_len + d->len;
	void *host;

	if (!writable && c->nwrite)
		return -EINVAL;
	if (total > UINT32_MAX)
		return -E2BIG;
	if (d->len == 0)
		return 0;
	if (c->nread + c->nwrite >= VIRTQ_MAX_SIZE)
		return -ELOOP;
	host = guest_ptr(vq->mem, d->addr, d->len);
	if (!host)
		return -EFAULT;

	c->iov[c->nread + c->nwrite] =
		(struct iovec){ .iov_base = host, .iov_len = d->len };
	if (writable) {
		c->nwrite++;
		c->write_len += d->len;
	} else {
		c->nread++;
		c->read_len += d->len;
	}
	return 0;
}

/* Walks the chain from @head; every step checked against its table. */
static int walk_chain(struct virtq *vq, uint16_t head, struct virtq_chain *c)
{
	struct walk w = { (const uint8_t *)vq->desc, vq->size, 0, false };
	struct vring_desc d;
	uint32_t i = head;
	int err;

	for (;;) {
		if (++w.steps > w.entries)
			return -ELOOP;
		read_desc(&w, i, &d);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			err = enter_indirect(vq, &w, &d);
			if (err)
				return err;
			i = 0;
			continue;
		}
		err = add_buffer(vq, c, &d);
		if (err)
			return err;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		i = d.next;
		if (i >= w.entries)
			return -EINVAL;
	}
}

/* used->avail_event, after the used ring: the driver reads it. */
static uint16_t *avail_event(struct virtq *vq)
{
	return (uint16_t *)&vq->used->ring[vq->size];
}

/* avail->used_event, after the avail ring: the driver writes it. */
static uint16_t *used_event(struct virtq *vq)
{
	return (uint16_t *)&vq->avail->ring[vq->size];
}

/* Chains the driver has made available and husk has not taken. */
static uint16_t pending(struct virtq *vq)
{
	uint16_t idx = __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);

	return (uint16_t)(idx - vq->last_avail);
}

/*
 * Under EVENT_IDX the driver notifies only when it makes avail entry
 * avail_event available; husk asks for the next one it will take, then
 * looks once more, so that an entry added meanwhile is not missed.
 */
static uint16_t pending_or_rearm(struct virtq *vq)
{
	uint16_t n = pending(vq);

	if (n || !vq->event_idx)
		return n;
	__atomic_store_n(avail_event(vq), vq->last_avail, __ATOMIC_RELAXED);
	/* NOTE: pairs with the driver's barrier between idx and the event. */
	atomic_thread_fence(memory_order_seq_cst);
	return pending(vq);
}

int virtq_pop(struct virtq *vq, struct virtq_chain *c)
{
	uint16_t n, head;
	int err;

	if (!vq->ready)
		return 0;
	n = pending_or_rearm(vq);
	if (n == 0)
		return 0;
	if (n > vq->size)
		return -EINVAL;

	/* The acquire load above orders this read after the index. */
	head = __atomic_load_n(&vq->avail->ring[vq->last_avail % vq->size],
			       __ATOMIC_RELAXED);
	if (head >= vq->size)
		return -EINVAL;

	c->head = head;
	c->nread = c->nwrite = 0;
	c->read_len = c->write_len = 0;
	err = walk_chain(vq, head, c);
	if (err)
		return err;
	vq->last_avail++;
	return 1;
}

void virtq_unpop(struct virtq *vq)
{
	vq->last_avail--;
}

void virtq_push(struct virtq *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem *e = &vq->used->ring[vq->used_idx % vq->size];

	__atomic_store_n(&e->id, head, __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, len, __ATOMIC_RELAXED);
	vq->used_idx++;
	/* The element must be visible before the index that publishes it. */
	__atomic_store_n(&vq->used->idx, vq->used_idx, __ATOMIC_RELEASE);
}

bool virtq_want_interrupt(struct virtq *vq)
{
	uint16_t flags;

	/*
	 * NOTE: a full barrier between publishing used->idx and reading the
	 * driver's flag, or a driver that re-enables interrupts right then
	 * could miss both the entry and the interrupt.
	 */
	atomic_thread_fence(memory_order_seq_cst);
	if (vq->event_idx) {
		uint16_t event =
			__atomic_load_n(used_event(vq), __ATOMIC_RELAXED);
		uint16_t old = vq->signalled_idx;

		vq->signalled_idx = vq->used_idx;
		/* Did this batch, (old, used_idx], pass used_event? */
		return (uint16_t)(vq->used_idx - event - 1) <
		       (uint16_t)(vq->used_idx - old);
	}
	flags = __atomic_load_n(&vq->avail->flags, __ATOMIC_RELAXED);
	return !(flags & VRING_AVAIL_F_NO_INTERRUPT);
}
