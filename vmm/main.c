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
#include <string.h>
#include <net/if.h>

#include "vmm/exit_status.h"
#include "vmm/husk.h"
#include "vmm/log.h"
#include "vmm/memory.h"
#include "vmm/size.h"
#include "vmm/timestamps.h"
#include "vmm/virtio_net.h"

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
	OPT_SECCOMP,
	OPT_SECCOMP_REPORT,
	OPT_DISK,
	OPT_NO_RNG,
	OPT_NET,
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
	{ "seccomp", required_argument, NULL, OPT_SECCOMP },
	{ "seccomp-report", required_argument, NULL, OPT_SECCOMP_REPORT },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "no-rng", no_argument, NULL, OPT_NO_RNG },
	{ "net", required_argument, NULL, OPT_NET },
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
		"      --seccomp MODE     on a syscall outside a thread's "
		"policy: kill (default:\n"
		"                         explain it and exit 7), log (explain "
		"each once and\n"
		"                         go on) or off (no filters); default "
		"$HUSK_SECCOMP\n"
		"      --seccomp-report FILE  append one JSON object per "
		"violation to FILE;\n"
		"                         default $HUSK_SECCOMP_REPORT\n"
		"      --disk PATH[,ro][,serial=ID]  a raw disk image as "
		"virtio-blk (repeatable;\n"
		"                         its size a multiple of 512 bytes)\n"
		"      --no-rng           no virtio-rng entropy device\n"
		"      --net tap=NAME[,mac=MAC]  tap device NAME as virtio-net "
		"(repeatable, up to\n"
		"                         %d); MAC xx:xx:xx:xx:xx:xx, default "
		"02:68:6b and a\n"
		"                         hash of NAME\n"
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
		HUSK_DEFAULT_KVM_DEVICE, HUSK_MAX_NETS);
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

/* PATH[,ro][,serial=ID]: the options follow the last comma-free part. */
static int parse_disk(char *arg, struct husk_config *cfg)
{
	struct husk_disk *d = &cfg->disks[cfg->ndisks];
	char *opt = strchr(arg, ',');

	if (cfg->ndisks >= HUSK_MAX_DISKS)
		return usage_error("--disk: at most %d disks", HUSK_MAX_DISKS);
	d->path = arg;
	while (opt) {
		*opt++ = '\0';
		if (!strncmp(opt, "ro", 2) && (opt[2] == ',' || !opt[2]))
			d->ro = true;
		else if (!strncmp(opt, "serial=", 7) && opt[7] != ',')
			d->serial = opt + 7;
		else
			return usage_error("--disk %s: unknown option %s", arg,
					   opt);
		opt = strchr(opt, ',');
	}
	if (!*d->path)
		return usage_error("--disk: no image path");
	if (d->serial && strchr(d->serial, ','))
		*strchr(d->serial, ',') = '\0';
	cfg->ndisks++;
	return 0;
}

/*
 * An interface name the kernel accepts: 1 to IFNAMSIZ - 1 bytes, no '/',
 * ':' or white space, not "." or "..".
 */
static bool valid_ifname(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	return !strpbrk(s, "/: \t\n\v\f\r");
}

/* tap=NAME[,mac=MAC], the two in either order, each once. */
static int parse_net(char *arg, struct husk_config *cfg)
{
	struct husk_net *n = &cfg->nets[cfg->nnets];
	const char *mac = NULL;
	char *opt, *save = NULL;

	if (cfg->nnets >= HUSK_MAX_NETS)
		return usage_error("--net: at most %d", HUSK_MAX_NETS);
	for (opt = strtok_r(arg, ",", &save); opt;
	     opt = strtok_r(NULL, ",", &save)) {
		if (!strncmp(opt, "tap=", 4) && !n->tap)
			n->tap = opt + 4;
		else if (!strncmp(opt, "mac=", 4) && !mac)
			mac = opt + 4;
		else
			return usage_error("--net: unknown or repeated %s",
					   opt);
	}
	if (!n->tap || !valid_ifname(n->tap))
		return usage_error("--net: tap=NAME needs an interface name of "
				   "1 to %d characters",
				   IFNAMSIZ - 1);
	for (unsigned int i = 0; i < cfg->nnets; i++)
		if (!strcmp(cfg->nets[i].tap, n->tap))
			return usage_error("--net tap=%s: given twice", n->tap);
	if (mac && virtio_net_parse_mac(mac, n->mac))
		return usage_error("--net mac=%s: not a unicast address "
				   "xx:xx:xx:xx:xx:xx",
				   mac);
	if (!mac)
		virtio_net_default_mac(n->tap, n->mac);
	cfg->nnets++;
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
	case OPT_SECCOMP:
		if (filter_parse_mode(arg, &cfg->seccomp_mode))
			return usage_error("--seccomp %s: not kill, log or off",
					   arg);
		return 0;
	case OPT_SECCOMP_REPORT:
		cfg->seccomp_report = arg;
		return 0;
	case OPT_DISK:
		return parse_disk((char *)arg, cfg);
	case OPT_NO_RNG:
		cfg->rng = false;
		return 0;
	case OPT_NET:
		return parse_net((char *)arg, cfg);
	}
	return usage_error("unknown option");
}

/* Defaults from the environment, which the options override. */
static int parse_env(struct husk_config *cfg)
{
	const char *mode = getenv("HUSK_SECCOMP");
	const char *report = getenv("HUSK_SECCOMP_REPORT");

	if (mode && *mode && filter_parse_mode(mode, &cfg->seccomp_mode))
		return usage_error("HUSK_SECCOMP=%s: not kill, log or off",
				   mode);
	if (report && *report)
		cfg->seccomp_report = report;
	return 0;
}

/* Returns -1 to go on, or the status to exit with. */
static int parse_args(int argc, char **argv, struct husk_config *cfg)
{
	int opt, status;

	status = parse_env(cfg);
	if (status)
		return status;
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
		.seccomp_mode = FILTER_MODE_KILL,
		.rng = true,
	};
	int status;

	tstamp_start();
	status = parse_args(argc, argv, &cfg);
	if (status >= 0)
		return status;
	return husk_run(&cfg);
}
