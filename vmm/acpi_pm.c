// SPDX-License-Identifier: MIT
/*
 * husk's ACPI power management ports: the hardware-reduced sleep control
 * and sleep status registers, through which the guest powers off, and the
 * FADT reset register.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "vmm/acpi.h"
#include "vmm/log.h"

#define SLP_TYP_SHIFT 2
#define SLP_TYP_MASK 0x1c
#define SLP_EN 0x20
#define WAK_STS 0x80

struct acpi_pm {
	pthread_mutex_t lock;
	struct acpi_pm_config cfg;
	uint8_t sleep_status;
};

int acpi_pm_create(struct acpi_pm **pp, const struct acpi_pm_config *cfg)
{
	struct acpi_pm *pm;

	if (!pp || !cfg)
		return -EINVAL;
	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return -ENOMEM;
	pm->cfg = *cfg;
	if (pthread_mutex_init(&pm->lock, NULL)) {
		free(pm);
		return -ENOMEM;
	}
	*pp = pm;
	return 0;
}

void acpi_pm_destroy(struct acpi_pm *pm)
{
	if (!pm)
		return;
	pthread_mutex_destroy(&pm->lock);
	free(pm);
}

/*
 * NOTE: WAK_STS stays clear after an S5 request, so a guest that keeps
 * running until husk stops it polls the status register instead of
 * believing it has woken up.
 */
static void write_sleep_control(struct acpi_pm *pm, uint8_t val)
{
	unsigned int typ = (val & SLP_TYP_MASK) >> SLP_TYP_SHIFT;

	if (!(val & SLP_EN))
		return;
	if (typ != ACPI_SLP_TYP_S5) {
		log_debug("acpi: ignoring sleep type %u", typ);
		return;
	}
	log_debug("acpi: guest requested S5 (power off)");
	if (pm->cfg.poweroff)
		pm->cfg.poweroff(pm->cfg.opaque);
}

static void write_reset(struct acpi_pm *pm, uint8_t val)
{
	if (val != ACPI_PM_RESET_VALUE)
		return;
	log_debug("acpi: guest requested a reset");
	if (pm->cfg.reset)
		pm->cfg.reset(pm->cfg.opaque);
}

static void access_reg(struct acpi_pm *pm, unsigned int reg, uint8_t *byte,
		       bool is_write)
{
	if (!is_write) {
		pthread_mutex_lock(&pm->lock);
		*byte = reg == ACPI_PM_SLEEP_STATUS_OFFSET ? pm->sleep_status :
							     0;
		pthread_mutex_unlock(&pm->lock);
		return;
	}

	switch (reg) {
	case ACPI_PM_SLEEP_CONTROL_OFFSET:
		write_sleep_control(pm, *byte);
		break;
	case ACPI_PM_SLEEP_STATUS_OFFSET:
		/* WAK_STS is write-one-to-clear. */
		pthread_mutex_lock(&pm->lock);
		pm->sleep_status &= ~(*byte & WAK_STS);
		pthread_mutex_unlock(&pm->lock);
		break;
	case ACPI_PM_RESET_OFFSET:
		write_reset(pm, *byte);
		break;
	default:
		break;
	}
}

int acpi_pm_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
	       bool is_write)
{
	struct acpi_pm *pm = opaque;
	uint32_t i;

	if (!pm || !data || offset >= ACPI_PM_PORT_LEN || len == 0 ||
	    len > ACPI_PM_PORT_LEN - offset)
		return -EINVAL;
	for (i = 0; i < len; i++)
		access_reg(pm, (unsigned int)offset + i, &data[i], is_write);
	return 0;
}
