// SPDX-License-Identifier: MIT
/*
 * Builds the VM's virtio-mmio devices from the command line: one window
 * and GSI each, in a fixed order, registered on the MMIO bus and listed
 * for the ACPI tables.
 */
#include <errno.h>
#include <string.h>
#include <linux/filter.h>

#include "filter/runtime.h"

#include "vmm/exit_status.h"
#include "vmm/log.h"
#include "vmm/virtio_dev.h"
#include "vmm/virtio_devices.h"
#include "vmm/virtio_net.h"

/* Generated from filter/blk.policy (filter/blk.mk). */
extern const struct sock_filter husk_filter_blk[];
extern const unsigned int husk_filter_blk_len;

static const struct filter_role filter_role_blk = {
	.name = "blk",
	.policy = "filter/blk.policy",
	.insns = husk_filter_blk,
	.len = &husk_filter_blk_len,
};

static int blk_worker_start(void *opaque, unsigned int index)
{
	struct virtio_devices *d = opaque;

	if (!filter_install(&filter_role_blk, index))
		return 0;
	vm_request_stop(d->vm, HUSK_EXIT_ERROR);
	return -1;
}

/* The next window and GSI, and their place in the ACPI list. */
static int next_slot(struct virtio_devices *d, const struct vm *vm,
		     struct virtio_mmio_config *c)
{
	struct acpi_mmio_dev *a;

	if (d->ndevs >= VIRTIO_DEVICES_MAX ||
	    VIRTIO_DEVICES_FIRST_GSI + d->ndevs >= ACPI_IOAPIC_PINS) {
		log_error("too many virtio devices: at most %d (GSI %d to %d)",
			  ACPI_IOAPIC_PINS - VIRTIO_DEVICES_FIRST_GSI,
			  VIRTIO_DEVICES_FIRST_GSI, ACPI_IOAPIC_PINS - 1);
		return -ENOSPC;
	}
	a = &d->acpi[d->ndevs];
	a->base = VIRTIO_DEVICES_BASE + VIRTIO_MMIO_WINDOW * d->ndevs;
	a->size = VIRTIO_MMIO_WINDOW;
	a->gsi = VIRTIO_DEVICES_FIRST_GSI + (uint32_t)d->ndevs;
	memset(c, 0, sizeof(*c));
	c->mem = &vm->mem;
	c->vm_fd = vm->vm_fd;
	c->base = a->base;
	c->gsi = a->gsi;
	return 0;
}

static int map_window(struct virtio_devices *d, struct vm *vm,
		      struct virtio_mmio *t, const char *name)
{
	int err = bus_register(&vm->mmio, t->cfg.base, VIRTIO_MMIO_WINDOW, name,
			       virtio_mmio_access, t);

	if (err)
		log_error_errno(-err, "registering %s", name);
	else
		d->ndevs++;
	return err;
}

static int add_rng(struct virtio_devices *d, struct vm *vm)
{
	struct virtio_mmio_config c;
	int err;

	err = next_slot(d, vm, &c);
	if (!err)
		err = virtio_rng_create(&d->rng, &c);
	if (!err)
		err = map_window(d, vm, virtio_rng_transport(d->rng),
				 "virtio-rng");
	return err ? HUSK_EXIT_ERROR : 0;
}

static int add_disk(struct virtio_devices *d, struct vm *vm,
		    const struct husk_disk *disk)
{
	struct virtio_blk_options o = {
		.path = disk->path,
		.ro = disk->ro,
		.serial = disk->serial,
		.worker_start = blk_worker_start,
		.opaque = d,
		.index = d->nblk,
	};
	struct virtio_mmio_config c;
	struct virtio_blk *b;
	int err;

	if (next_slot(d, vm, &c))
		return HUSK_EXIT_USAGE;
	err = virtio_blk_create(&b, &o, &c);
	if (err == -EINVAL || err == -ENOENT || err == -EACCES ||
	    err == -EISDIR || err == -EROFS || err == -EPERM || err == -EBUSY)
		return HUSK_EXIT_BAD_INPUT;
	if (err)
		return HUSK_EXIT_ERROR;
	d->blk[d->nblk++] = b;
	if (map_window(d, vm, virtio_blk_transport(b), "virtio-blk"))
		return HUSK_EXIT_ERROR;
	return 0;
}

static int add_net(struct virtio_devices *d, struct vm *vm,
		   const struct husk_net *net)
{
	struct virtio_net_options o = { .tap = net->tap, .fd = -1 };
	struct virtio_mmio_config c;
	struct virtio_net *n;
	int err;

	if (next_slot(d, vm, &c))
		return HUSK_EXIT_USAGE;
	memcpy(o.mac, net->mac, sizeof(o.mac));
	err = virtio_net_create(&n, &o, &c);
	if (err == -EPERM || err == -EBUSY || err == -EINVAL ||
	    err == -ENODEV || err == -ENOENT)
		return HUSK_EXIT_BAD_INPUT;
	if (err)
		return HUSK_EXIT_ERROR;
	d->net[d->nnet++] = n;
	if (map_window(d, vm, virtio_net_transport(n), "virtio-net"))
		return HUSK_EXIT_ERROR;
	return 0;
}

int virtio_devices_create(struct virtio_devices *d, struct vm *vm,
			  const struct husk_config *cfg)
{
	int status = 0;

	memset(d, 0, sizeof(*d));
	d->vm = vm;
	if (cfg->rng)
		status = add_rng(d, vm);
	for (unsigned int i = 0; !status && i < cfg->ndisks; i++)
		status = add_disk(d, vm, &cfg->disks[i]);
	for (unsigned int i = 0; !status && i < cfg->nnets; i++)
		status = add_net(d, vm, &cfg->nets[i]);
	return status;
}

int virtio_devices_start(struct virtio_devices *d, struct eventloop *loop)
{
	int err = 0;

	if (d->rng)
		err = virtio_rng_attach(d->rng, loop);
	for (unsigned int i = 0; !err && i < d->nblk; i++)
		err = virtio_blk_start(d->blk[i]);
	for (unsigned int i = 0; !err && i < d->nnet; i++)
		err = virtio_net_attach(d->net[i], loop);
	if (err)
		log_error_errno(-err, "starting the virtio devices");
	return err;
}

void virtio_devices_destroy(struct virtio_devices *d)
{
	for (unsigned int i = 0; i < d->nblk; i++)
		virtio_blk_destroy(d->blk[i]);
	for (unsigned int i = 0; i < d->nnet; i++)
		virtio_net_destroy(d->net[i]);
	virtio_rng_destroy(d->rng);
	memset(d, 0, sizeof(*d));
}
