// SPDX-License-Identifier: MIT
/*
 * The virtio-mmio transport (version 2): registers, feature negotiation,
 * the status state machine, queue set-up and reset, and the ioeventfd and
 * irqfd plumbing that keeps notifications and interrupts in the kernel.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "vmm/log.h"
#include "vmm/virtio_mmio.h"

#define MMIO_MAGIC 0x74726976 /* "virt" */
#define MMIO_VERSION 2

#define S_ACK VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRIVER VIRTIO_CONFIG_S_DRIVER
#define S_FEATURES_OK VIRTIO_CONFIG_S_FEATURES_OK
#define S_DRIVER_OK VIRTIO_CONFIG_S_DRIVER_OK
#define S_NEEDS_RESET VIRTIO_CONFIG_S_NEEDS_RESET
#define S_FAILED VIRTIO_CONFIG_S_FAILED

#define BIT64(n) (1ULL << (n))

uint64_t virtio_mmio_transport_features(void)
{
	return BIT64(VIRTIO_F_VERSION_1) | BIT64(VIRTIO_RING_F_INDIRECT_DESC) |
	       BIT64(VIRTIO_RING_F_EVENT_IDX);
}

static uint64_t device_features(const struct virtio_mmio *t)
{
	return t->cfg.ops->features | virtio_mmio_transport_features();
}

static const char *dev_name(const struct virtio_mmio *t)
{
	return t->cfg.ops->name;
}

/* Interrupts: @bits into InterruptStatus, then an edge on the GSI. */
static void raise_irq(struct virtio_mmio *t, uint32_t bits)
{
	uint64_t one = 1;

	t->interrupt_status |= bits;
	if (write(t->irq_fd, &one, sizeof(one)) < 0)
		log_debug("%s: irqfd write: %s", dev_name(t), strerror(errno));
}

void virtio_mmio_kick(struct virtio_mmio *t, unsigned int q)
{
	uint64_t one = 1;

	if (write(t->notify_fd[q], &one, sizeof(one)) < 0)
		log_debug("%s: notify write: %s", dev_name(t), strerror(errno));
}

void virtio_mmio_set_broken(struct virtio_mmio *t, const char *why)
{
	if (t->status & S_NEEDS_RESET)
		return;
	log_info("%s at 0x%llx: %s; the device needs a reset", dev_name(t),
		 (unsigned long long)t->cfg.base, why);
	t->status |= S_NEEDS_RESET;
	raise_irq(t, VIRTIO_MMIO_INT_CONFIG);
}

/* Waits, lock held, until no chain taken before now is in flight. */
static void wait_idle(struct virtio_mmio *t)
{
	while (t->busy)
		pthread_cond_wait(&t->idle, &t->lock);
}

static void reset_queue(struct virtio_mmio *t, unsigned int q)
{
	virtq_reset(&t->queues[q]);
	t->epoch[q]++;
	t->used_pending[q] = false;
}

static void reset_device(struct virtio_mmio *t)
{
	for (unsigned int q = 0; q < t->cfg.ops->nqueues; q++)
		reset_queue(t, q);
	t->status = 0;
	t->dev_features_sel = t->drv_features_sel = 0;
	t->driver_features = 0;
	t->queue_sel = 0;
	t->interrupt_status = 0;
	if (t->cfg.ops->reset)
		t->cfg.ops->reset(t->cfg.opaque);

	/*
	 * NOTE: the device may still be writing into buffers of chains it
	 * took before; the reset completes only when it is done with them,
	 * and their completions are dropped (their epoch is old).
	 */
	wait_idle(t);
}

static bool features_acceptable(const struct virtio_mmio *t)
{
	uint64_t f = t->driver_features;

	if (f & ~device_features(t))
		return false;
	return f & BIT64(VIRTIO_F_VERSION_1); /* no legacy drivers */
}

/* Applies a non-zero status write; the driver only ever adds bits. */
static void write_status(struct virtio_mmio *t, uint32_t v)
{
	uint32_t old = t->status & ~S_NEEDS_RESET;
	uint32_t add;

	v &= S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK | S_FAILED;
	if (old & ~v) {
		log_debug("%s: status 0x%x would clear bits of 0x%x; ignored",
			  dev_name(t), v, old);
		return;
	}
	add = v & ~old;
	if ((add & S_FEATURES_OK) &&
	    (!(v & S_DRIVER) || !features_acceptable(t)))
		add &= ~S_FEATURES_OK;
	if ((add & S_DRIVER_OK) && !((old | add) & S_FEATURES_OK))
		add &= ~S_DRIVER_OK;
	t->status |= add;

	/* Buffers made available before DRIVER_OK are taken now. */
	if (add & S_DRIVER_OK)
		for (unsigned int q = 0; q < t->cfg.ops->nqueues; q++)
			if (t->queues[q].ready)
				virtio_mmio_kick(t, q);
}

static struct virtq *selected_queue(struct virtio_mmio *t)
{
	if (t->queue_sel >= t->cfg.ops->nqueues)
		return NULL;
	return &t->queues[t->queue_sel];
}

static void set_queue_ready(struct virtio_mmio *t, uint32_t v)
{
	unsigned int q = t->queue_sel;
	struct virtq *vq = &t->queues[q];

	if (!v) {
		t->epoch[q]++;
		vq->ready = false;
		t->used_pending[q] = false;
		wait_idle(t);
		return;
	}
	if (vq->ready)
		return;
	if (!(t->status & S_FEATURES_OK)) {
		virtio_mmio_set_broken(t, "queue enabled before FEATURES_OK");
		return;
	}
	if (virtq_enable(vq, t->cfg.mem, t->driver_features)) {
		virtio_mmio_set_broken(t, "queue size or ring address invalid");
		return;
	}
	if (t->status & S_DRIVER_OK)
		virtio_mmio_kick(t, q);
}

static void set_addr_half(uint64_t *addr, uint32_t v, bool high)
{
	if (high)
		*addr = (*addr & 0xffffffffULL) | (uint64_t)v << 32;
	else
		*addr = (*addr & ~0xffffffffULL) | v;
}

/* Queue registers other than QueueReady; only while it is not ready. */
static void write_queue_reg(struct virtio_mmio *t, uint64_t reg, uint32_t v)
{
	struct virtq *vq = selected_queue(t);

	if (!vq || vq->ready)
		return;
	switch (reg) {
	case VIRTIO_MMIO_QUEUE_NUM:
		vq->size = v > UINT16_MAX ? 0 : (uint16_t)v;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_addr_half(&vq->desc_gpa, v,
			      reg == VIRTIO_MMIO_QUEUE_DESC_HIGH);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_addr_half(&vq->avail_gpa, v,
			      reg == VIRTIO_MMIO_QUEUE_AVAIL_HIGH);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_addr_half(&vq->used_gpa, v,
			      reg == VIRTIO_MMIO_QUEUE_USED_HIGH);
		break;
	}
}

static void write_driver_features(struct virtio_mmio *t, uint32_t v)
{
	if (t->status & S_FEATURES_OK || t->drv_features_sel > 1)
		return;
	set_addr_half(&t->driver_features, v, t->drv_features_sel == 1);
}

/* A notify write that did not go through the ioeventfd. */
static void write_notify(struct virtio_mmio *t, uint32_t v)
{
	if (v < t->cfg.ops->nqueues)
		virtio_mmio_kick(t, v);
}

static void write_reg(struct virtio_mmio *t, uint64_t reg, uint32_t v)
{
	switch (reg) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->dev_features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		write_driver_features(t, v);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->drv_features_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (selected_queue(t))
			set_queue_ready(t, v);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		write_notify(t, v);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->interrupt_status &= ~v;
		break;
	case VIRTIO_MMIO_STATUS:
		if (v == 0)
			reset_device(t);
		else
			write_status(t, v);
		break;
	default:
		write_queue_reg(t, reg, v);
		break;
	}
}

static uint32_t read_queue_reg(struct virtio_mmio *t, uint64_t reg)
{
	struct virtq *vq = selected_queue(t);

	if (!vq)
		return 0;
	switch (reg) {
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return VIRTQ_MAX_SIZE;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq->ready;
	}
	return 0;
}

static uint32_t read_reg(struct virtio_mmio *t, uint64_t reg)
{
	switch (reg) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return MMIO_VERSION;
	case VIRTIO_MMIO_DEVICE_ID:
		return t->cfg.ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (t->dev_features_sel > 1)
			return 0;
		return (uint32_t)(device_features(t) >>
				  (32 * t->dev_features_sel));
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return t->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return t->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		return 0xffffffff; /* no shared memory regions */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return t->config_generation;
	}
	return read_queue_reg(t, reg);
}

static void access_config(struct virtio_mmio *t, uint64_t off, uint8_t *data,
			  uint32_t len, bool is_write)
{
	const struct virtio_device_ops *ops = t->cfg.ops;

	if (is_write)
		return; /* no device of husk has a writable field */
	if (off > ops->config_size || len > ops->config_size - off) {
		memset(data, 0, len);
		return;
	}
	ops->config_read(t->cfg.opaque, (uint32_t)off, data, len);
}

int virtio_mmio_access(void *opaque, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write)
{
	struct virtio_mmio *t = opaque;
	uint32_t v = 0;

	pthread_mutex_lock(&t->lock);
	if (offset >= VIRTIO_MMIO_CONFIG) {
		access_config(t, offset - VIRTIO_MMIO_CONFIG, data, len,
			      is_write);
	} else if (len != 4 || offset % 4) {
		/* Registers are 32 bits wide and aligned; others read 0. */
		if (!is_write)
			memset(data, 0, len);
	} else if (is_write) {
		memcpy(&v, data, 4);
		write_reg(t, offset, v);
	} else {
		v = read_reg(t, offset);
		memcpy(data, &v, 4);
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int virtio_mmio_pop(struct virtio_mmio *t, unsigned int q,
		    struct virtq_chain *c, uint32_t *epoch)
{
	int n;

	pthread_mutex_lock(&t->lock);
	if (!(t->status & S_DRIVER_OK) || (t->status & S_NEEDS_RESET)) {
		n = 0;
		goto unlock;
	}
	n = virtq_pop(&t->queues[q], c);
	if (n < 0) {
		virtio_mmio_set_broken(t, "malformed descriptor chain");
	} else if (n > 0) {
		t->busy++;
		*epoch = t->epoch[q];
	}
unlock:
	pthread_mutex_unlock(&t->lock);
	return n;
}

void virtio_mmio_push(struct virtio_mmio *t, unsigned int q, uint16_t head,
		      uint32_t len, uint32_t epoch)
{
	pthread_mutex_lock(&t->lock);
	if (epoch == t->epoch[q] && t->queues[q].ready) {
		virtq_push(&t->queues[q], head, len);
		t->used_pending[q] = true;
	}
	if (--t->busy == 0)
		pthread_cond_broadcast(&t->idle);
	pthread_mutex_unlock(&t->lock);
}

void virtio_mmio_unpop(struct virtio_mmio *t, unsigned int q, uint32_t epoch)
{
	pthread_mutex_lock(&t->lock);
	if (epoch == t->epoch[q] && t->queues[q].ready)
		virtq_unpop(&t->queues[q]);
	if (--t->busy == 0)
		pthread_cond_broadcast(&t->idle);
	pthread_mutex_unlock(&t->lock);
}

void virtio_mmio_signal(struct virtio_mmio *t, unsigned int q)
{
	pthread_mutex_lock(&t->lock);
	if (t->used_pending[q] && t->queues[q].ready) {
		t->used_pending[q] = false;
		if (virtq_want_interrupt(&t->queues[q]))
			raise_irq(t, VIRTIO_MMIO_INT_VRING);
	}
	pthread_mutex_unlock(&t->lock);
}

int virtio_mmio_take_notify(struct virtio_mmio *t, unsigned int q)
{
	uint64_t n;

	if (read(t->notify_fd[q], &n, sizeof(n)) != sizeof(n))
		return -EAGAIN;
	return 0;
}

static int new_eventfd(int *fd)
{
	*fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (*fd < 0) {
		int err = errno;

		log_error_errno(err, "eventfd");
		return -err;
	}
	return 0;
}

static int vm_ioctl(struct virtio_mmio *t, unsigned long req, void *arg,
		    const char *name)
{
	if (ioctl(t->cfg.vm_fd, req, arg) < 0) {
		int err = errno;

		log_error_errno(err, "%s: %s", dev_name(t), name);
		return -err;
	}
	return 0;
}

/* Queue @q's notify write stays in the kernel: it signals the eventfd. */
static int add_ioeventfd(struct virtio_mmio *t, unsigned int q)
{
	struct kvm_ioeventfd io = {
		.datamatch = q,
		.addr = t->cfg.base + VIRTIO_MMIO_QUEUE_NOTIFY,
		.len = 4,
		.fd = t->notify_fd[q],
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	return vm_ioctl(t, KVM_IOEVENTFD, &io, "KVM_IOEVENTFD");
}

static int add_irqfd(struct virtio_mmio *t)
{
	struct kvm_irqfd irq = { .fd = (uint32_t)t->irq_fd, .gsi = t->cfg.gsi };

	return vm_ioctl(t, KVM_IRQFD, &irq, "KVM_IRQFD");
}

int virtio_mmio_init(struct virtio_mmio *t,
		     const struct virtio_mmio_config *cfg)
{
	unsigned int q;
	int err;

	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	t->irq_fd = -1;
	for (q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
		t->notify_fd[q] = -1;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->idle, NULL);
	if (!cfg->ops->nqueues || cfg->ops->nqueues > VIRTIO_MMIO_MAX_QUEUES)
		return -EINVAL;

	err = new_eventfd(&t->irq_fd);
	for (q = 0; !err && q < cfg->ops->nqueues; q++)
		err = new_eventfd(&t->notify_fd[q]);
	if (err || cfg->vm_fd < 0)
		return err;

	for (q = 0; !err && q < cfg->ops->nqueues; q++)
		err = add_ioeventfd(t, q);
	return err ? err : add_irqfd(t);
}

void virtio_mmio_destroy(struct virtio_mmio *t)
{
	if (!t->cfg.ops)
		return; /* never initialised */
	/* NOTE: KVM drops its ioeventfds and irqfds with the VM. */
	for (unsigned int q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
		if (t->notify_fd[q] >= 0)
			close(t->notify_fd[q]);
	if (t->irq_fd >= 0)
		close(t->irq_fd);
	pthread_cond_destroy(&t->idle);
	pthread_mutex_destroy(&t->lock);
	t->irq_fd = -1;
	for (unsigned int q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
		t->notify_fd[q] = -1;
}
