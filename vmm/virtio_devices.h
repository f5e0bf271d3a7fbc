/* SPDX-License-Identifier: MIT */
/*
 * The set of virtio-mmio devices of one VM, as the command line asks:
 * their windows and GSIs, their ACPI entries, their start and end.
 *
 * Layout: the entropy device first (unless --no-rng), then each --disk in
 * command-line order, then each --net in command-line order; device i has
 * its 0x200-byte window at VIRTIO_DEVICES_BASE + 0x200 * i and GSI
 * VIRTIO_DEVICES_FIRST_GSI + i.
 */
#ifndef HUSK_VIRTIO_DEVICES_H
#define HUSK_VIRTIO_DEVICES_H

#include <stddef.h>

#include "vmm/acpi.h"
#include "vmm/eventloop.h"
#include "vmm/husk.h"
#include "vmm/vm.h"

#define VIRTIO_DEVICES_BASE 0xd0000000ULL
#define VIRTIO_DEVICES_FIRST_GSI 5 /* above COM1's 4 */
#define VIRTIO_DEVICES_MAX (1 + HUSK_MAX_DISKS + HUSK_MAX_NETS)

struct virtio_rng;
struct virtio_blk;
struct virtio_net;

struct virtio_devices {
	struct virtio_rng *rng;
	struct virtio_blk *blk[HUSK_MAX_DISKS];
	unsigned int nblk;
	struct virtio_net *net[HUSK_MAX_NETS];
	unsigned int nnet;
	struct acpi_mmio_dev acpi[VIRTIO_DEVICES_MAX];
	size_t ndevs;
	struct vm *vm;
};

/*
 * Creates the devices and registers their windows on @vm's MMIO bus.
 * Returns 0 or an exit status (HUSK_EXIT_BAD_INPUT for an unusable disk
 * image); virtio_devices_destroy() cleans up either way.
 */
int virtio_devices_create(struct virtio_devices *d, struct vm *vm,
			  const struct husk_config *cfg);

/*
 * Hooks the entropy device and the nets to @loop and starts the disks'
 * workers.
 */
int virtio_devices_start(struct virtio_devices *d, struct eventloop *loop);

/* Stops the workers and closes everything; after the vCPUs are joined. */
void virtio_devices_destroy(struct virtio_devices *d);

#endif
