// SPDX-License-Identifier: MIT
/*
 * vCPU creation, the KVM_RUN loop, and the dispatch of each exit reason
 * to one handler.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "filter/roles.h"
#include "vmm/arch.h"
#include "vmm/exit_status.h"
#include "vmm/kvm.h"
#include "vmm/log.h"
#include "vmm/timestamps.h"
#include "vmm/vcpu.h"

/* A handler's verdict: keep running, or stop the VM with a status. */
#define VCPU_CONTINUE (-1)

static void kick_handler(int sig)
{
	(void)sig;
}

int vcpu_signal_setup(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler; /* no SA_RESTART: KVM_RUN must end */
	sigemptyset(&sa.sa_mask);
	if (sigaction(VCPU_KICK_SIGNAL, &sa, NULL) < 0)
		return -errno;

	sigemptyset(&set);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	return -pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id,
		uint64_t entry)
{
	void *run;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = kvm_ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		return vcpu->fd;

	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED) {
		int err = errno;

		log_error_errno(err, "mmap of vCPU %u's kvm_run", id);
		return -err;
	}
	vcpu->run = run;
	return arch_vcpu_setup(vcpu, entry);
}

static bool get_regs(struct vcpu *vcpu, struct kvm_regs *regs)
{
	return kvm_ioctl_raw(vcpu->fd, KVM_GET_REGS,
			     (unsigned long)(uintptr_t)regs) >= 0;
}

static uint64_t guest_rip(struct vcpu *vcpu)
{
	struct kvm_regs regs;

	return get_regs(vcpu, &regs) ? regs.rip : 0;
}

#ifdef HUSK_TEST_HOOKS
/*
 * Test builds only ($(O)/tests/husk-hooks, never installed): when the
 * guest writes VCPU_HOOK_VIOLATE to the marker port, this vCPU thread
 * calls nanosleep(2), which vcpu.policy refuses, so the tests can break a
 * policy mid-run. The raw syscall keeps libcs from picking another one.
 */
#define VCPU_HOOK_VIOLATE 0xa5

static void test_hook(const struct kvm_run *run, const uint8_t *data)
{
	struct timespec ts = { .tv_nsec = 1000 };

	if (run->io.direction == KVM_EXIT_IO_OUT &&
	    run->io.port == TSTAMP_MARK_PORT && run->io.size == 1 &&
	    data[0] == VCPU_HOOK_VIOLATE)
		syscall(SYS_nanosleep, &ts, NULL);
}
#else
static void test_hook(const struct kvm_run *run, const uint8_t *data)
{
}
#endif

/* NOTE: the fast path. No allocation, no logging, no locks of its own. */
static int handle_io(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;

	test_hook(run, data);

	for (uint32_t i = 0; i < run->io.count; i++) {
		int err = bus_access(&vcpu->vm->pio, run->io.port, data,
				     run->io.size, is_write);

		if (err == -ENOENT) {
			vcpu->pio_unclaimed++;
			if (!is_write)
				memset(data, 0xff, run->io.size);
		}
		data += run->io.size;
	}
	return VCPU_CONTINUE;
}

static int handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint32_t len = run->mmio.len;
	int err;

	if (len > sizeof(run->mmio.data))
		len = sizeof(run->mmio.data);
	err = bus_access(&vcpu->vm->mmio, run->mmio.phys_addr, run->mmio.data,
			 len, run->mmio.is_write);
	if (err == -ENOENT) {
		vcpu->mmio_unclaimed++;
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, len);
	}
	return VCPU_CONTINUE;
}

static int handle_shutdown(struct vcpu *vcpu)
{
	struct kvm_regs regs;

	/*
	 * KVM on AMD puts the vCPU back in its reset state before it
	 * reports a shutdown (the VMCB is undefined after one), so the RIP
	 * of the fault is gone; say so rather than blame the reset vector.
	 */
	if (!get_regs(vcpu, &regs) ||
	    (regs.rip == 0xfff0 && regs.rflags == 0x2))
		log_error("vCPU %u: triple fault (where is unknown: KVM reset "
			  "the vCPU's registers)",
			  vcpu->id);
	else
		log_error("vCPU %u: triple fault at RIP 0x%llx", vcpu->id,
			  (unsigned long long)regs.rip);
	return HUSK_EXIT_GUEST_CRASH;
}

static int handle_internal_error(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	log_error("vCPU %u: KVM internal error, suberror %u, at RIP 0x%llx",
		  vcpu->id, run->internal.suberror,
		  (unsigned long long)guest_rip(vcpu));
	for (uint32_t i = 0; i < run->internal.ndata && i < 16; i++)
		log_info("vCPU %u: internal error data[%u] = 0x%llx", vcpu->id,
			 i, (unsigned long long)run->internal.data[i]);
	return HUSK_EXIT_GUEST_CRASH;
}

static int handle_fail_entry(struct vcpu *vcpu)
{
	log_error("vCPU %u: VM entry failed, hardware reason 0x%llx, at RIP "
		  "0x%llx",
		  vcpu->id,
		  (unsigned long long)
			  vcpu->run->fail_entry.hardware_entry_failure_reason,
		  (unsigned long long)guest_rip(vcpu));
	return HUSK_EXIT_GUEST_CRASH;
}

static int handle_system_event(struct vcpu *vcpu)
{
	switch (vcpu->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		return HUSK_EXIT_POWEROFF;
	case KVM_SYSTEM_EVENT_RESET:
		return HUSK_EXIT_REBOOT;
	case KVM_SYSTEM_EVENT_CRASH:
		log_error("vCPU %u: the guest reported a crash", vcpu->id);
		return HUSK_EXIT_GUEST_CRASH;
	}
	log_warn("vCPU %u: ignoring system event %u", vcpu->id,
		 vcpu->run->system_event.type);
	return VCPU_CONTINUE;
}

static int handle_unknown(struct vcpu *vcpu)
{
	log_error("vCPU %u: unhandled KVM exit reason %u at RIP 0x%llx",
		  vcpu->id, vcpu->run->exit_reason,
		  (unsigned long long)guest_rip(vcpu));
	return HUSK_EXIT_GUEST_CRASH;
}

static int handle_exit(struct vcpu *vcpu)
{
	switch (vcpu->run->exit_reason) {
	case KVM_EXIT_IO:
		return handle_io(vcpu);
	case KVM_EXIT_MMIO:
		return handle_mmio(vcpu);
	case KVM_EXIT_HLT:
		/* NOTE: the in-kernel LAPIC handles HLT; this never occurs. */
		return VCPU_CONTINUE;
	case KVM_EXIT_INTR:
		return VCPU_CONTINUE;
	case KVM_EXIT_SHUTDOWN:
		return handle_shutdown(vcpu);
	case KVM_EXIT_INTERNAL_ERROR:
		return handle_internal_error(vcpu);
	case KVM_EXIT_FAIL_ENTRY:
		return handle_fail_entry(vcpu);
	case KVM_EXIT_SYSTEM_EVENT:
		return handle_system_event(vcpu);
	default:
		return handle_unknown(vcpu);
	}
}

static int unblock_kick(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	return -pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static void run_loop(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	int status;

	while (vm_exit_status(vm) == VM_RUNNING) {
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			log_error_errno(errno, "vCPU %u: KVM_RUN", vcpu->id);
			vm_request_stop(vm, HUSK_EXIT_ERROR);
			return;
		}
		vcpu->exits++;
		status = handle_exit(vcpu);
		if (status != VCPU_CONTINUE) {
			vm_request_stop(vm, status);
			return;
		}
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;

	if (unblock_kick()) {
		vm_request_stop(vcpu->vm, HUSK_EXIT_ERROR);
		return NULL;
	}

	/*
	 * NOTE: the vcpu role's seccomp filter is installed here: set-up is
	 * over and nothing from the guest has been handled yet.
	 */
	if (filter_install(&filter_role_vcpu, vcpu->id)) {
		vm_request_stop(vcpu->vm, HUSK_EXIT_ERROR);
		return NULL;
	}
	if (vcpu->id == 0)
		tstamp_record(TSTAMP_FIRST_RUN);
	run_loop(vcpu);
	return NULL;
}

int vcpu_start(struct vcpu *vcpu)
{
	int err = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);

	if (err) {
		log_error_errno(err, "pthread_create for vCPU %u", vcpu->id);
		return -err;
	}
	vcpu->started = true;
	return 0;
}

void vcpu_kick(struct vcpu *vcpu)
{
	if (!vcpu->started)
		return;
	vcpu->run->immediate_exit = 1;
	pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
}

void vcpu_join(struct vcpu *vcpu)
{
	if (!vcpu->started)
		return;
	pthread_join(vcpu->thread, NULL);
	vcpu->started = false;
	if (log_get_level() >= LOG_LEVEL_DEBUG)
		log_debug("vCPU %u: stopped at RIP 0x%llx after %llu exits",
			  vcpu->id, (unsigned long long)guest_rip(vcpu),
			  (unsigned long long)vcpu->exits);
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->vm->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}
