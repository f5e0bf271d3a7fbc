/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport, version 2 (virtio 1.x only): the register
 * window a driver programs, feature negotiation, the device status state
 * machine and reset, queue set-up, notifications through ioeventfd and
 * interrupts through irqfd. Each device type is one file that fills a
 * struct virtio_device_ops and drives its queues through the calls below.
 *
 * Threads: register accesses come from vCPU threads; a device processes
 * its queues in the thread it chose (the main event loop, or a worker of
 * its own). All state is under the transport's lock; a device holds no
 * lock while it does I/O, and a reset waits until such I/O has ended.
 */
#ifndef HUSK_VIRTIO_MMIO_H
#define HUSK_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/memory.h"
#include "vmm/virtq.h"

#define VIRTIO_MMIO_WINDOW 0x200 /* bytes of each device's register window */
#define VIRTIO_MMIO_MAX_QUEUES 4
#define VIRTIO_MMIO_VENDOR 0x6b737568 /* "husk" */

struct virtio_device_ops {
	const char *name; /* "virtio-blk", for messages */
	uint32_t device_id; /* VIRTIO_ID_* */
	uint64_t features; /* device type bits; the transport adds its own */
	unsigned int nqueues; /* 1..VIRTIO_MMIO_MAX_QUEUES */
	uint32_t config_size; /* bytes of device configuration space */

	/*
	 * Copies configuration bytes [off, off + len) to @data; the
	 * transport has checked that they lie within config_size.
	 */
	void (*config_read)(void *opaque, uint32_t off, void *data,
			    uint32_t len);
	/* Optional: the driver reset the device; called under the lock. */
	void (*reset)(void *opaque);
};

struct virtio_mmio_config {
	const struct virtio_device_ops *ops;
	void *opaque; /* the device, passed to every op */
	const struct guest_mem *mem;
	int vm_fd; /* -1: no KVM (tests); notify and irq fds stay plain */
	uint64_t base; /* guest physical address of the register window */
	uint32_t gsi;
};

struct virtio_mmio {
	struct virtio_mmio_config cfg;
	pthread_mutex_t lock;
	pthread_cond_t idle; /* signalled when busy drops to 0 */
	unsigned int busy; /* chains taken and not yet returned */

	uint32_t status;
	uint32_t dev_features_sel, drv_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	uint32_t interrupt_status;
	uint32_t config_generation; /* no device's configuration changes */
	struct virtq queues[VIRTIO_MMIO_MAX_QUEUES];
	uint32_t epoch[VIRTIO_MMIO_MAX_QUEUES]; /* bumped by queue resets */
	bool used_pending[VIRTIO_MMIO_MAX_QUEUES];

	int notify_fd[VIRTIO_MMIO_MAX_QUEUES]; /* eventfd per queue */
	int irq_fd; /* eventfd; with KVM, an irqfd on cfg.gsi */
};

/*
 * Sets up the transport: one notify eventfd per queue (with KVM, an
 * ioeventfd on QueueNotify matching the queue index) and the interrupt
 * eventfd (with KVM, an irqfd on the GSI). Returns 0 or -errno; call
 * virtio_mmio_destroy() either way.
 */
int virtio_mmio_init(struct virtio_mmio *t,
		     const struct virtio_mmio_config *cfg);
void virtio_mmio_destroy(struct virtio_mmio *t);

/* The bus_handler_fn of the register window; @opaque is the transport. */
int virtio_mmio_access(void *opaque, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write);

/* The transport feature bits every device offers. */
uint64_t virtio_mmio_transport_features(void);

/*
 * Device side. virtio_mmio_pop() takes the next chain of queue @q when
 * the driver is ready (DRIVER_OK, queue ready, not broken) and records
 * the queue's epoch in *@epoch; 1 for a chain, 0 for none. A malformed
 * ring or chain marks the device broken (DEVICE_NEEDS_RESET and a
 * configuration interrupt) and returns the walker's error. Every chain
 * taken goes back through virtio_mmio_push(), which drops it if the
 * queue was reset since; virtio_mmio_signal() then raises the used
 * buffer interrupt once for the batch, if the driver wants it.
 */
int virtio_mmio_pop(struct virtio_mmio *t, unsigned int q,
		    struct virtq_chain *c, uint32_t *epoch);
void virtio_mmio_push(struct virtio_mmio *t, unsigned int q, uint16_t head,
		      uint32_t len, uint32_t epoch);
void virtio_mmio_signal(struct virtio_mmio *t, unsigned int q);

/*
 * Gives back the chain taken last from queue @q with @epoch instead of
 * pushing it, so that the next virtio_mmio_pop() takes it again (a device
 * that cannot use it yet). Several go back in the reverse order of their
 * pops. A chain of an older epoch is only forgotten.
 */
void virtio_mmio_unpop(struct virtio_mmio *t, unsigned int q, uint32_t epoch);

/* Marks the device broken, as a malformed chain does; @why is logged. */
void virtio_mmio_set_broken(struct virtio_mmio *t, const char *why);

/* Wakes whoever serves queue @q, as a notification from the driver does. */
void virtio_mmio_kick(struct virtio_mmio *t, unsigned int q);

/* Reads (drains) queue @q's notify eventfd; 0, or -EAGAIN if none. */
int virtio_mmio_take_notify(struct virtio_mmio *t, unsigned int q);

#endif
