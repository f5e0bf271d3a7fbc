// SPDX-License-Identifier: MIT
// The smp guest: starts every AP the MADT lists with INIT/SIPI, checks each
// came up with the APIC id it should have and takes IPIs, then checks that
// timer interrupts arrive from the LAPIC timer and from the PIT through the
// IOAPIC. The host passes cpus=N on the command line.

#include "guest/lib/acpi.h"
#include "guest/lib/apic.h"
#include "guest/lib/guest.h"
#include "guest/lib/io.h"
#include "guest/lib/smp.h"
#include "guest/smp/smp.h"

#define AP_START_MS 2000
#define IPI_WAIT_MS 1000

static int trampoline_in_ram(void)
{
	const struct boot_params *bp = &guest_boot_params;
	unsigned int i;

	for (i = 0; i < bp->e820_entries && i < E820_MAX_ENTRIES; i++) {
		const struct e820_entry *e = &bp->e820_table[i];

		if (e->type == E820_RAM && e->addr <= TRAMPOLINE_BASE &&
		    e->addr + e->size >= TRAMPOLINE_BASE + 4096)
			return 1;
	}
	return 0;
}

static unsigned int start_aps(const struct madt_info *m, uint8_t bsp)
{
	unsigned int i, up = 0;
	uint8_t id;

	for (i = 0; i < m->nr_lapic && i < MADT_MAX_CPUS; i++) {
		id = m->apic_ids[i];
		if (id == bsp)
			continue;
		if (smp_start_ap(id, AP_START_MS) < 0) {
			tap_fail("AP %u started: not up within %u ms", id,
				 AP_START_MS);
			continue;
		}
		if (ap_states[id].cpuid_apic_id == id)
			tap_ok("AP %u up, CPUID APIC id matches", id);
		else
			tap_fail("AP %u up, CPUID APIC id matches: "
				 "CPUID says %u",
				 id, ap_states[id].cpuid_apic_id);
		up++;
	}
	return up;
}

static void check_ipis(const struct madt_info *m, uint8_t bsp)
{
	unsigned int i, bad = 0;
	uint8_t id;
	uint64_t end;

	for (i = 0; i < m->nr_lapic && i < MADT_MAX_CPUS; i++) {
		id = m->apic_ids[i];
		if (id == bsp || !ap_states[id].alive)
			continue;
		lapic_send_ipi(id, ICR_FIXED | SMP_IPI_VECTOR);
		end = deadline_ms(IPI_WAIT_MS);
		while (!ap_states[id].ipis && !deadline_passed(end))
			cpu_relax();
		bad += !ap_states[id].ipis;
	}
	tap_check(!bad, "fixed IPIs reach every AP", "%u APs got none", bad);
}

static void check_smp(const struct madt_info *m)
{
	uint8_t bsp = lapic_id();
	uint64_t cpus;
	unsigned int up;

	if (cmdline_get_u64("cpus", &cpus) < 0)
		tap_fail("cpu count: no cpus= on the command line");
	else
		tap_check(m->nr_lapic == cpus, "MADT lists cpus= LAPICs",
			  "%u, expected %lu", m->nr_lapic, (unsigned long)cpus);
	tap_check(bsp == 0, "BSP has APIC id 0", "it has %u", bsp);
	if (m->nr_lapic < 2) {
		printf("# one vCPU: no APs to start\n");
		return;
	}
	if (!tap_check(trampoline_in_ram(), "AP trampoline page is e820 RAM",
		       "%#x is not", TRAMPOLINE_BASE))
		return;
	smp_init();
	up = start_aps(m, bsp);
	tap_check(up + 1 == m->nr_lapic, "all vCPUs up", "%u of %u", up + 1,
		  m->nr_lapic);
	check_ipis(m, bsp);
}

void guest_main(void)
{
	struct madt_info m;

	if (!tap_check(acpi_parse_madt(&m) == 0, "MADT found", "missing"))
		return;
	pic_mask_all();
	lapic_enable();
	check_smp(&m);
	check_lapic_timer();
	check_pit(&m);
}
