// SPDX-License-Identifier: MIT
// The virtio test guest: finds husk's virtio-mmio devices, negotiates,
// reads entropy, reads and writes a disk image the host prepared, then
// feeds the devices malformed rings and chains and checks each reaction.
//
// Command line: rng=SLOT disk=SLOT rodisk=SLOT sectors=N serial=ID, and
// mode=crash to write, flush, print "# flushed" and wait to be killed, or
// mode=list to print the devices found and nothing else.

#include "guest/lib/acpi.h"
#include "guest/lib/apic.h"
#include "guest/lib/guest.h"
#include "guest/lib/io.h"
#include "guest/virtio/tests.h"

struct vdev rng_dev, blk_dev, ro_dev;
uint64_t disk_sectors;

/* Counts the virtio-mmio devices ("LNRO0005") in the DSDT. */
static unsigned int dsdt_devices(void)
{
	const struct acpi_header *fadt = acpi_find("FACP"), *dsdt;
	const char *p;
	unsigned int n = 0;

	if (!fadt || !(dsdt = acpi_fadt_dsdt(fadt)))
		return 0;
	p = (const char *)dsdt;
	for (uint32_t i = 0; i + 8 <= dsdt->length; i++)
		if (!memcmp(p + i, "LNRO0005", 8))
			n++;
	return n;
}

static int probe(struct vdev *d, const char *key, uint32_t want_id)
{
	uint64_t slot;

	if (cmdline_get_u64(key, &slot) || slot >= VDEV_MAX) {
		tap_fail("virtio: no %s=SLOT on the command line", key);
		return -1;
	}
	if (vdev_probe(d, (unsigned int)slot) || d->device_id != want_id) {
		tap_fail("virtio %s: no device %u at slot %u", key, want_id,
			 (unsigned int)slot);
		return -1;
	}
	tap_ok("virtio %s: device %u found at slot %u", key, want_id,
	       (unsigned int)slot);
	vdev_route_irq(d);
	return 0;
}

static int discover(void)
{
	unsigned int found = 0;
	struct vdev d;
	int err;

	for (unsigned int i = 0; i < VDEV_MAX; i++)
		found += !vdev_probe(&d, i);
	tap_check(dsdt_devices() == found, "virtio: DSDT lists every device",
		  "%u LNRO0005 entries, %u devices", dsdt_devices(), found);
	err = probe(&rng_dev, "rng", 4);
	err |= probe(&blk_dev, "disk", 2);
	err |= probe(&ro_dev, "rodisk", 2);
	if (cmdline_get_u64("sectors", &disk_sectors)) {
		tap_fail("virtio: no sectors=N on the command line");
		err = -1;
	}
	return err;
}

static void crash_mode(void)
{
	if (vdev_start(&blk_dev, 0, 8)) {
		tap_fail("virtio crash: blk does not start");
		return;
	}
	if (blk_write_pattern(&blk_dev, CRASH_SECTOR, 8, "crash-flush-") ||
	    blk_simple(&blk_dev, BLK_T_FLUSH, 0) != BLK_S_OK) {
		tap_fail("virtio crash: write and flush");
		return;
	}
	printf("# flushed\n");
	for (;;)
		cpu_relax();
}

/* mode=list: prints "# slot N device ID" for each device found. */
static void list_mode(void)
{
	unsigned int found = 0;
	struct vdev d;

	for (unsigned int i = 0; i < VDEV_MAX; i++) {
		if (vdev_probe(&d, i))
			continue;
		printf("# slot %u device %u\n", i, d.device_id);
		found++;
	}
	tap_check(found > 0 && dsdt_devices() == found,
		  "virtio list: DSDT lists every device",
		  "%u LNRO0005 entries, %u devices", dsdt_devices(), found);
}

void guest_main(void)
{
	char mode[16] = "";

	pic_mask_all();
	lapic_enable();
	cmdline_get("mode", mode, sizeof(mode));
	if (!strcmp(mode, "list")) {
		list_mode();
		return;
	}
	if (discover())
		return;
	if (!strcmp(mode, "crash")) {
		crash_mode();
		return;
	}
	test_transport();
	test_rng();
	test_blk();
	test_blk_ro();
	test_hostile();
	test_blk_after();
}
