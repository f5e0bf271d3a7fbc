// SPDX-License-Identifier: MIT
/*
 * husk-filter: compiles husk seccomp policies into classic-BPF programs
 * (generated C or raw binary), disassembles them and runs them in a
 * simulator.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filter/compile.h"
#include "filter/emit.h"
#include "filter/learn.h"
#include "filter/parse.h"
#include "filter/sim.h"
#include "vmm/exit_status.h"
#include "vmm/log.h"

static const char usage_text[] =
	"usage: husk-filter compile --arch ARCH [--format c|bin|dump]\n"
	"                           [--name NAME] [--no-names] [-o FILE] "
	"POLICY\n"
	"       husk-filter dump FILE|-\n"
	"       husk-filter sim --arch ARCH FILE SYSCALL [ARG0..ARG5]\n"
	"       husk-filter names --arch ARCH [-o FILE]\n"
	"       husk-filter learn [--policy FILE] -- COMMAND [ARG...]\n"
	"       husk-filter --help | --version\n";

static const char help_text[] =
	"\n"
	"compile  parse POLICY for ARCH (x86_64, aarch64, riscv64) and write\n"
	"         the seccomp program to FILE or standard output:\n"
	"           c     C source defining husk_filter_NAME[] (struct\n"
	"                 sock_filter) and husk_filter_NAME_len; NAME is\n"
	"                 \"policy\" unless --name is given; the syscall name\n"
	"                 table follows unless --no-names\n"
	"           bin   8 bytes per instruction in host order, as loaded\n"
	"                 by seccomp(2) or bwrap --seccomp FD; never written\n"
	"                 to a terminal\n"
	"           dump  the disassembly\n"
	"dump     disassemble a raw program file (- reads standard input)\n"
	"sim      run a raw program on one syscall of ARCH: SYSCALL is a name\n"
	"         or a number, each ARG a number (decimal, 0x hex, negative)\n"
	"         or a constant name; prints the action, the instructions run\n"
	"         and whether the kernel's action cache would allow the call\n"
	"         without running the filter\n"
	"names    write only the C syscall name table of ARCH\n"
	"learn    run COMMAND and print, per policy file, the syscalls that\n"
	"         would have been refused, as policy lines (exit 1 when any\n"
	"         is missing); see husk-filter learn --help\n"
	"\n"
	"Policy errors are printed as FILE:LINE:COL: MESSAGE.\n"
	"Exit status: 0 success, 1 error (policy, program or file),\n"
	"2 bad usage.\n";

static int usage(void)
{
	fputs(usage_text, stderr);
	return HUSK_EXIT_USAGE;
}

static const struct filter_arch *arch_or_die(const char *name)
{
	const struct filter_arch *arch;

	if (!name) {
		log_error("--arch is required");
		return NULL;
	}
	arch = filter_arch_by_name(name);
	if (!arch)
		log_error("unknown architecture '%s' (x86_64, aarch64, "
			  "riscv64)",
			  name);
	return arch;
}

/* Opens @path for writing, or standard output for NULL or "-". */
static FILE *open_out(const char *path)
{
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return stdout;
	f = fopen(path, "wb");
	if (!f)
		log_error_errno(errno, "cannot create %s", path);
	return f;
}

/* Closes @f; on any write error removes @path. Returns an exit status. */
static int close_out(FILE *f, const char *path, int err)
{
	int bad = err || ferror(f);
	struct stat st;

	if (f == stdout) {
		bad |= fflush(f) != 0;
	} else {
		bad |= fclose(f) != 0;
		/* Never a half-written program; never /dev/null either. */
		if (bad && !stat(path, &st) && S_ISREG(st.st_mode))
			unlink(path);
	}
	if (bad) {
		log_error("cannot write %s", f == stdout ? "output" : path);
		return HUSK_EXIT_ERROR;
	}
	return EXIT_SUCCESS;
}

static int is_identifier(const char *s)
{
	const char *c;

	if (!*s || isdigit((unsigned char)*s))
		return 0;
	for (c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return 0;
	return 1;
}

struct compile_args {
	const char *arch;
	const char *format;
	const char *name;
	const char *out;
	const char *policy;
	int no_names;
};

static int write_program(const struct compile_args *ca,
			 const struct filter_arch *arch,
			 const struct sock_filter *insns, size_t len)
{
	struct filter_emit_c_opts opts = {
		.name = ca->name,
		.policy = ca->policy,
		.names = !ca->no_names,
	};
	int bin = !strcmp(ca->format, "bin");
	FILE *f;
	int err;

	if (bin && (!ca->out || !strcmp(ca->out, "-")) && isatty(1)) {
		log_error("refusing to write a binary program to a terminal; "
			  "use -o FILE or redirect the output");
		return HUSK_EXIT_ERROR;
	}
	f = open_out(ca->out);
	if (!f)
		return HUSK_EXIT_ERROR;
	if (bin)
		err = filter_emit_bin(f, insns, len);
	else if (!strcmp(ca->format, "dump"))
		err = filter_dump(f, insns, len);
	else
		err = filter_emit_c(f, arch, insns, len, &opts);
	return close_out(f, ca->out, err);
}

static int run_compile(const struct compile_args *ca)
{
	const struct filter_arch *arch = arch_or_die(ca->arch);
	struct sock_filter *insns = NULL;
	struct policy pol = { 0 };
	struct diag diag = { 0 };
	size_t len = 0;
	int status = HUSK_EXIT_ERROR;

	if (!arch)
		return HUSK_EXIT_USAGE;
	if (policy_parse_file(ca->policy, arch, &pol, &diag) || diag.nerrors)
		goto free_diag;
	if (filter_compile(&pol, &insns, &len, &diag))
		goto free_policy;
	status = write_program(ca, arch, insns, len);
	free(insns);
free_policy:
	policy_free(&pol);
free_diag:
	if (diag.text)
		fputs(diag.text, stderr);
	diag_free(&diag);
	return status;
}

static int cmd_compile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'n' },
		{ "no-names", no_argument, NULL, 'N' },
		{ "output", required_argument, NULL, 'o' },
		{ 0 },
	};
	struct compile_args ca = { .format = "c" };
	int c;

	while ((c = getopt_long(argc, argv, "a:f:n:No:", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			ca.arch = optarg;
			break;
		case 'f':
			ca.format = optarg;
			break;
		case 'n':
			ca.name = optarg;
			break;
		case 'N':
			ca.no_names = 1;
			break;
		case 'o':
			ca.out = optarg;
			break;
		default:
			return usage();
		}
	}
	if (optind + 1 != argc || !ca.arch ||
	    (strcmp(ca.format, "c") && strcmp(ca.format, "bin") &&
	     strcmp(ca.format, "dump")))
		return usage();
	if (ca.name && !is_identifier(ca.name)) {
		log_error("--name '%s' is not a C identifier", ca.name);
		return usage();
	}
	ca.policy = argv[optind];
	return run_compile(&ca);
}

/*
 * Reads all of @f, at most @limit bytes, into a new buffer. Returns 0,
 * -EFBIG past the limit, -ENOMEM or -EIO.
 */
static int read_all(FILE *f, size_t limit, char **out, size_t *len)
{
	size_t n = 0, cap = 0, got;
	char *buf = NULL, *p;

	errno = 0;
	do {
		if (n == cap) {
			if (cap > limit) {
				free(buf);
				return -EFBIG;
			}
			cap = cap ? cap * 2 : 4096;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				return -ENOMEM;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		free(buf);
		return errno ? -errno : -EIO;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* Reads a raw program; returns 0 or an exit status after a message. */
static int read_program(const char *path, struct sock_filter **insns,
			size_t *len)
{
	const size_t size = sizeof(**insns);
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t n = 0;
	int err;

	if (!f) {
		log_error_errno(errno, "cannot open %s", path);
		return HUSK_EXIT_ERROR;
	}
	err = read_all(f, size * BPF_MAXINSNS, &buf, &n);
	if (f != stdin)
		fclose(f);
	if (!err && (n == 0 || n % size || n / size > BPF_MAXINSNS))
		err = -EFBIG;
	if (err == -EFBIG)
		log_error("%s: not a seccomp program (need a multiple of 8 "
			  "bytes, 1 to %d instructions)",
			  path, BPF_MAXINSNS);
	else if (err)
		log_error_errno(-err, "cannot read %s", path);
	if (err) {
		free(buf);
		return HUSK_EXIT_ERROR;
	}
	*insns = (struct sock_filter *)buf;
	*len = n / size;
	return 0;
}

static int cmd_dump(int argc, char **argv)
{
	struct sock_filter *insns;
	size_t len;
	int status;

	if (argc != 2 || (argv[1][0] == '-' && argv[1][1]))
		return usage();
	status = read_program(argv[1], &insns, &len);
	if (status)
		return status;
	status = filter_dump(stdout, insns, len) ? HUSK_EXIT_ERROR :
						   EXIT_SUCCESS;
	free(insns);
	return status;
}

/* Parses a number or a constant of @arch into *@v. */
static int parse_value(const struct filter_arch *arch, const char *s,
		       uint64_t *v)
{
	char *end;

	errno = 0;
	if (s[0] == '-')
		*v = (uint64_t)strtoll(s, &end, 0);
	else
		*v = strtoull(s, &end, 0);
	if (*s && !*end && !errno)
		return 0;
	if (filter_arch_const(arch, s, v) == 0)
		return 0;
	log_error("'%s' is neither a number nor a constant on %s", s,
		  arch->name);
	return -EINVAL;
}

static int parse_syscall(const struct filter_arch *arch, const char *s,
			 uint32_t *nr)
{
	uint64_t v;
	char *end;
	int n;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (*s && !*end && !errno && v <= UINT32_MAX) {
		*nr = (uint32_t)v;
		return 0;
	}
	n = filter_arch_syscall_nr(arch, s);
	if (n < 0) {
		log_error("no syscall '%s' on %s", s, arch->name);
		return -EINVAL;
	}
	*nr = (uint32_t)n;
	return 0;
}

static int simulate(const struct filter_arch *arch,
		    const struct sock_filter *insns, size_t len,
		    const struct seccomp_data *sd)
{
	uint32_t action;
	size_t steps, bad;
	char name[32];

	if (filter_sim_check(insns, len, &bad)) {
		log_error("the kernel would refuse this program: instruction "
			  "%zu is invalid",
			  bad);
		return HUSK_EXIT_ERROR;
	}
	if (filter_sim_run(insns, len, sd, &action, &steps)) {
		log_error("the program fails at instruction %zu", steps);
		return HUSK_EXIT_ERROR;
	}
	filter_action_name(action, name, sizeof(name));
	printf("%s after %zu instruction%s\n", name, steps,
	       steps == 1 ? "" : "s");
	if (sd->nr >= 0 && sd->nr <= filter_arch_max_nr(arch) &&
	    filter_cache_const_allow(insns, len, arch->audit_arch, sd->nr))
		printf("the kernel's action cache allows it without running "
		       "the filter\n");
	return EXIT_SUCCESS;
}

static int cmd_sim(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ 0 },
	};
	const struct filter_arch *arch;
	struct seccomp_data sd = { 0 };
	struct sock_filter *insns;
	const char *arch_name = NULL;
	uint64_t arg;
	size_t len;
	uint32_t nr;
	int c, i, status;

	while ((c = getopt_long(argc, argv, "+a:", opts, NULL)) != -1) {
		if (c != 'a')
			return usage();
		arch_name = optarg;
	}
	if (argc - optind < 2 || argc - optind > 8 || !arch_name)
		return usage();
	arch = arch_or_die(arch_name);
	if (!arch)
		return HUSK_EXIT_USAGE;
	if (parse_syscall(arch, argv[optind + 1], &nr))
		return HUSK_EXIT_USAGE;
	sd.nr = (int)nr;
	sd.arch = arch->audit_arch;
	for (i = 0; optind + 2 + i < argc; i++) {
		if (parse_value(arch, argv[optind + 2 + i], &arg))
			return HUSK_EXIT_USAGE;
		sd.args[i] = arg;
	}

	status = read_program(argv[optind], &insns, &len);
	if (status)
		return status;
	status = simulate(arch, insns, len, &sd);
	free(insns);
	return status;
}

static int cmd_names(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ 0 },
	};
	const struct filter_arch *arch;
	const char *arch_name = NULL, *out = NULL;
	FILE *f;
	int c;

	while ((c = getopt_long(argc, argv, "a:o:", opts, NULL)) != -1) {
		if (c == 'a')
			arch_name = optarg;
		else if (c == 'o')
			out = optarg;
		else
			return usage();
	}
	if (optind != argc || !arch_name)
		return usage();
	arch = arch_or_die(arch_name);
	if (!arch)
		return HUSK_EXIT_USAGE;
	f = open_out(out);
	if (!f)
		return HUSK_EXIT_ERROR;
	return close_out(f, out, filter_emit_names(f, arch, 1));
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage_text, stdout);
		fputs(help_text, stdout);
		return EXIT_SUCCESS;
	}
	if (!strcmp(cmd, "--version")) {
		printf("husk-filter %s\n", HUSK_VERSION);
		return EXIT_SUCCESS;
	}
	if (!strcmp(cmd, "compile"))
		return cmd_compile(argc - 1, argv + 1);
	if (!strcmp(cmd, "dump"))
		return cmd_dump(argc - 1, argv + 1);
	if (!strcmp(cmd, "sim"))
		return cmd_sim(argc - 1, argv + 1);
	if (!strcmp(cmd, "names"))
		return cmd_names(argc - 1, argv + 1);
	if (!strcmp(cmd, "learn"))
		return learn_main(argc - 1, argv + 1);
	return usage();
}
