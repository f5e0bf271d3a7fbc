// SPDX-License-Identifier: MIT
/*
 * husk's command line: parses and checks options, prints usage errors,
 * and hands a struct husk_config to husk_run().
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "vmm/exit_status.h"
#include "vmm/husk.h"
#include "vmm/log.h"
#include "vmm/memory.h"
#include "vmm/size.h"
#include "vmm/timestamps.h"

enum {
	OPT_KERNEL = 'k',
	OPT_INITRD = 'i',
	OPT_CMDLINE = 'c',
	OPT_MEM = 'm',
	OPT_CPUS = 'p',
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	OPT_KVM_DEVICE = 256,
	OPT_LOG_LEVEL,
	OPT_TIMESTAMPS,
	OPT_METRICS,
};

static const struct option long_options[] = {
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "kvm-device", required_argument, NULL, OPT_KVM_DEVICE },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "timestamps", no_argument, NULL, OPT_TIMESTAMPS },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: husk --kernel FILE [OPTION]...\n"
		"Boot a Linux kernel (bzImage or ELF vmlinux) in a KVM "
		"virtual machine.\n\n"
		"  -k, --kernel FILE      kernel to boot\n"
		"  -i, --initrd FILE      initial ramdisk\n"
		"  -c, --cmdline STRING   kernel command line "
		"(default \"%s\")\n"
		"  -m, --mem SIZE         guest RAM, suffix K, M, G or T; "
		"a plain number\n"
		"                         is MiB (default 256M, minimum "
		"%lluM)\n"
		"  -p, --cpus N           vCPUs (default 1)\n"
		"      --kvm-device PATH  KVM device (default %s)\n"
		"      --log-level LEVEL  error, warn (default), info or "
		"debug\n"
		"      --timestamps       print start-up phase times at exit\n"
		"      --metrics FILE     write phase times and counters as "
		"JSON\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n\n"
		"On a terminal, Ctrl-A x quits and Ctrl-A Ctrl-A sends "
		"Ctrl-A.\n"
		"Exit status: 0 guest powered off (or Ctrl-A x), 1 husk "
		"error or signal,\n"
		"2 usage, 3 unusable kernel or initrd, 4 no usable KVM, "
		"5 guest reboot,\n"
		"6 guest crash, 7 seccomp violation.\n",
		HUSK_DEFAULT_CMDLINE, (unsigned long long)(MEM_MIN_SIZE >> 20),
		HUSK_DEFAULT_KVM_DEVICE);
}

static int __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	fprintf(stderr, "Try 'husk --help' for more information.\n");
	return HUSK_EXIT_USAGE;
}

static int parse_mem(const char *arg, uint64_t *size)
{
	int err = parse_size(arg, 20, size);

	if (err == -ERANGE)
		return usage_error("--mem %s: too large", arg);
	if (err)
		return usage_error("--mem %s: not a size such as 256M or 2G",
				   arg);
	if (*size < MEM_MIN_SIZE)
		return usage_error("--mem %s: below the minimum of %lluM", arg,
				   (unsigned long long)(MEM_MIN_SIZE >> 20));
	if (*size % 4096)
		return usage_error("--mem %s: not a multiple of 4K", arg);
	return 0;
}

static int parse_cpus(const char *arg, unsigned int *n)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || v == 0 ||
	    v > UINT_MAX)
		return usage_error("--cpus %s: not a number from 1 up", arg);
	*n = (unsigned int)v;
	return 0;
}

static int parse_option(int opt, const char *arg, struct husk_config *cfg)
{
	enum log_level level;

	switch (opt) {
	case OPT_KERNEL:
		cfg->kernel = arg;
		return 0;
	case OPT_INITRD:
		cfg->initrd = arg;
		return 0;
	case OPT_CMDLINE:
		cfg->cmdline = arg;
		return 0;
	case OPT_MEM:
		return parse_mem(arg, &cfg->mem_size);
	case OPT_CPUS:
		return parse_cpus(arg, &cfg->ncpus);
	case OPT_KVM_DEVICE:
		cfg->kvm_device = arg;
		return 0;
	case OPT_LOG_LEVEL:
		if (log_parse_level(arg, &level))
			return usage_error("--log-level %s: not error, warn, "
					   "info or debug",
					   arg);
		log_set_level(level);
		return 0;
	case OPT_TIMESTAMPS:
		cfg->timestamps = true;
		return 0;
	case OPT_METRICS:
		cfg->metrics_path = arg;
		return 0;
	}
	return usage_error("unknown option");
}

/* Returns -1 to go on, or the status to exit with. */
static int parse_args(int argc, char **argv, struct husk_config *cfg)
{
	int opt, status;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":k:i:c:m:p:hV", long_options,
				  NULL)) != -1) {
		if (opt == OPT_HELP) {
			usage(stdout);
			return HUSK_EXIT_POWEROFF;
		}
		if (opt == OPT_VERSION) {
			printf("husk %s\n", HUSK_VERSION);
			return HUSK_EXIT_POWEROFF;
		}
		if (opt == '?')
			return usage_error("unknown option %s",
					   argv[optind - 1]);
		if (opt == ':')
			return usage_error("option %s needs an argument",
					   argv[optind - 1]);
		status = parse_option(opt, optarg, cfg);
		if (status)
			return status;
	}
	if (optind < argc)
		return usage_error("unexpected argument %s", argv[optind]);
	if (!cfg->kernel)
		return usage_error("--kernel is required");
	return -1;
}

int main(int argc, char **argv)
{
	struct husk_config cfg = {
		.cmdline = HUSK_DEFAULT_CMDLINE,
		.kvm_device = HUSK_DEFAULT_KVM_DEVICE,
		.mem_size = HUSK_DEFAULT_MEM,
		.ncpus = 1,
	};
	int status;

	tstamp_start();
	status = parse_args(argc, argv, &cfg);
	if (status >= 0)
		return status;
	return husk_run(&cfg);
}
