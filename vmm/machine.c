// SPDX-License-Identifier: MIT
/*
 * One run of husk: builds the machine in start-up order, runs the event
 * loop while the vCPU threads run the guest, then takes it all down. Each
 * step maps its failure to the exit status the user sees.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "filter/roles.h"
#include "filter/runtime.h"
#include "vmm/arch.h"
#include "vmm/board.h"
#include "vmm/console.h"
#include "vmm/eventloop.h"
#include "vmm/exit_status.h"
#include "vmm/husk.h"
#include "vmm/log.h"
#include "vmm/serial.h"
#include "vmm/term.h"
#include "vmm/timestamps.h"
#include "vmm/vcpu.h"
#include "vmm/virtio_devices.h"
#include "vmm/vm.h"

struct machine {
	const struct husk_config *cfg;
	struct vm vm;
	struct board board;
	struct virtio_devices virtio;
	struct vcpu *vcpus;
	uint64_t entry; /* guest physical address of the kernel entry */
	struct eventloop loop;
	struct console console;
	int signal_fd;
	FILE *metrics; /* opened at start-up, written at the end */
};

/* Steps return 0, or the exit status husk ends with. */

static int open_vm(struct machine *m)
{
	const struct husk_config *cfg = m->cfg;

	if (vm_open(&m->vm, cfg->kvm_device))
		return HUSK_EXIT_NO_KVM;
	if (vm_check_vcpus(&m->vm, cfg->ncpus) ||
	    vm_map_memory(&m->vm, cfg->mem_size))
		return HUSK_EXIT_USAGE;
	if (vm_create(&m->vm, cfg->ncpus))
		return HUSK_EXIT_ERROR;
	tstamp_record(TSTAMP_VM_CREATED);
	return 0;
}

static int load_guest(struct machine *m)
{
	int status = arch_load_guest(&m->vm, &m->board, m->cfg, &m->entry);

	if (!status)
		tstamp_record(TSTAMP_KERNEL_LOADED);
	return status;
}

static int create_vcpus(struct machine *m)
{
	unsigned int n = m->cfg->ncpus;

	m->vcpus = calloc(n, sizeof(*m->vcpus));
	if (!m->vcpus)
		return HUSK_EXIT_ERROR;
	for (unsigned int i = 0; i < n; i++) {
		m->vcpus[i].vm = &m->vm;
		m->vcpus[i].fd = -1;
	}
	for (unsigned int i = 0; i < n; i++)
		if (vcpu_create(&m->vm, &m->vcpus[i], i, m->entry))
			return HUSK_EXIT_ERROR;
	return 0;
}

static int on_stop(void *opaque, uint32_t events)
{
	struct machine *m = opaque;

	eventloop_stop(&m->loop);
	return 0;
}

static int on_signal(void *opaque, uint32_t events)
{
	struct machine *m = opaque;
	struct signalfd_siginfo si;

	if (read(m->signal_fd, &si, sizeof(si)) != sizeof(si))
		return 0;
	log_info("terminating on signal %u", si.ssi_signo);
	vm_request_stop(&m->vm, HUSK_EXIT_ERROR);
	return 0;
}

/* Signals that end a run; they arrive through a signalfd. */
static int block_signals(struct machine *m)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return -EINVAL;
	m->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (m->signal_fd < 0)
		return -errno;
	return vcpu_signal_setup();
}

/* Ctrl-A x: the user ends the run, as a power-off would. */
static void on_console_quit(void *opaque)
{
	struct machine *m = opaque;

	vm_request_stop(&m->vm, HUSK_EXIT_POWEROFF);
}

static int setup_loop(struct machine *m)
{
	bool tty = isatty(STDIN_FILENO);
	struct console_config ccfg = {
		.serial = m->board.serial,
		.in_fd = STDIN_FILENO,
		.rx_space_fd = m->board.rx_space_fd,
		.escapes = tty,
		.quit = on_console_quit,
		.opaque = m,
	};
	int err;

	err = eventloop_init(&m->loop);
	if (!err)
		err = eventloop_add(&m->loop, m->vm.stop_fd, EPOLLIN, on_stop,
				    m);
	if (!err)
		err = eventloop_add(&m->loop, m->signal_fd, EPOLLIN, on_signal,
				    m);
	if (!err)
		err = console_init(&m->console, &m->loop, &ccfg);
	if (!err && tty && term_raw_enter(STDIN_FILENO) < 0)
		log_warn("cannot put the terminal in raw mode");
	return err;
}

static int start_vcpus(struct machine *m)
{
	for (unsigned int i = 0; i < m->cfg->ncpus; i++)
		if (vcpu_start(&m->vcpus[i]))
			return HUSK_EXIT_ERROR;
	return 0;
}

/*
 * The seccomp runtime, before any thread but main exists: the report file
 * is opened now, while husk may still open files.
 */
static int start_seccomp(const struct husk_config *cfg)
{
	const char *const *names;
	size_t nnames;
	int fd = -1;

	if (cfg->seccomp_report && cfg->seccomp_mode != FILTER_MODE_OFF) {
		fd = open(cfg->seccomp_report,
			  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0) {
			log_error_errno(errno, "--seccomp-report %s",
					cfg->seccomp_report);
			return HUSK_EXIT_BAD_INPUT;
		}
	}
	names = filter_roles_syscall_names(&nnames);
	if (filter_runtime_init(cfg->seccomp_mode, fd, names, nnames,
				&filter_role_supervisor))
		return HUSK_EXIT_ERROR;
	filter_runtime_on_fatal(term_restore);
	return 0;
}

static int build(struct machine *m)
{
	int status;

	if (m->cfg->metrics_path) {
		m->metrics = tstamp_open_metrics(m->cfg->metrics_path);
		if (!m->metrics)
			return HUSK_EXIT_BAD_INPUT;
	}
	status = open_vm(m);
	if (status)
		return status;
	if (board_create(&m->board, &m->vm, STDOUT_FILENO))
		return HUSK_EXIT_ERROR;
	/* A stdout nobody reads must not keep husk from stopping. */
	serial_watch_stop(m->board.serial, m->vm.stop_fd);
	status = virtio_devices_create(&m->virtio, &m->vm, m->cfg);
	if (status)
		return status;
	m->board.mmio_devs = m->virtio.acpi;
	m->board.nmmio_devs = m->virtio.ndevs;
	status = load_guest(m);
	if (!status)
		status = create_vcpus(m);
	if (!status && setup_loop(m))
		status = HUSK_EXIT_ERROR;
	/* The disk workers start before the vmm filter, so none inherits it. */
	if (!status && virtio_devices_start(&m->virtio, &m->loop))
		status = HUSK_EXIT_ERROR;
	return status;
}

static int run(struct machine *m)
{
	int status = start_vcpus(m);

	/*
	 * NOTE: the vmm role's seccomp filter is installed here, in the main
	 * thread: everything is open, and no guest input has been handled.
	 * The vCPU threads exist already, so they do not inherit it.
	 */
	if (!status && filter_install(&filter_role_vmm, 0))
		status = HUSK_EXIT_ERROR;
	if (status)
		vm_request_stop(&m->vm, status);
	else if (eventloop_run(&m->loop))
		vm_request_stop(&m->vm, HUSK_EXIT_ERROR);
	return vm_exit_status(&m->vm);
}

static void stop_vcpus(struct machine *m)
{
	if (!m->vcpus)
		return;
	vm_request_stop(&m->vm, HUSK_EXIT_ERROR);
	for (unsigned int i = 0; i < m->cfg->ncpus; i++)
		vcpu_kick(&m->vcpus[i]);
	for (unsigned int i = 0; i < m->cfg->ncpus; i++)
		vcpu_join(&m->vcpus[i]);
}

static void report(struct machine *m, int status)
{
	const struct husk_config *cfg = m->cfg;
	struct run_stats stats = {
		.exit_status = status,
		.ncpus = cfg->ncpus,
		.mem_size = cfg->mem_size,
	};

	for (unsigned int i = 0; m->vcpus && i < cfg->ncpus; i++) {
		stats.exits += m->vcpus[i].exits;
		stats.pio_unclaimed += m->vcpus[i].pio_unclaimed;
		stats.mmio_unclaimed += m->vcpus[i].mmio_unclaimed;
	}
	log_debug("%llu exits; %llu port and %llu MMIO accesses unclaimed",
		  (unsigned long long)stats.exits,
		  (unsigned long long)stats.pio_unclaimed,
		  (unsigned long long)stats.mmio_unclaimed);
	tstamp_record(TSTAMP_EXIT);
	if (cfg->timestamps)
		tstamp_print();
	if (m->metrics)
		tstamp_write_metrics(m->metrics, cfg->metrics_path, &stats);
}

static void teardown(struct machine *m)
{
	if (m->vcpus) {
		for (unsigned int i = 0; i < m->cfg->ncpus; i++)
			vcpu_destroy(&m->vcpus[i]);
		free(m->vcpus);
	}
	eventloop_fini(&m->loop);
	virtio_devices_destroy(&m->virtio);
	board_destroy(&m->board);
	vm_destroy(&m->vm);
	if (m->signal_fd >= 0)
		close(m->signal_fd);
}

int husk_run(const struct husk_config *cfg)
{
	struct machine m = {
		.cfg = cfg,
		.signal_fd = -1,
		.loop = { .epfd = -1 },
		.board = { .rx_space_fd = -1 },
	};
	int status;

	if (block_signals(&m)) {
		log_error("cannot set up signal handling");
		return HUSK_EXIT_ERROR;
	}
	status = start_seccomp(cfg);
	if (!status)
		status = build(&m);
	if (!status)
		status = run(&m);
	stop_vcpus(&m);
	term_restore();
	report(&m, status);
	teardown(&m);
	return status;
}
