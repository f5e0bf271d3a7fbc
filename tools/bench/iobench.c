// SPDX-License-Identifier: MIT
/*
 * The virtio section's load generator, run inside the guests of the nested
 * test host: 4 KiB direct I/O at queue depth one on a block device, and
 * bulk TCP to or from a server that the test host runs. It measures with
 * the guest's own monotonic clock and prints one line per run.
 *
 * usage: iobench disk DEV seqread|randread|seqwrite|randwrite SECONDS [JOBS]
 *        iobench tcp HOST PORT send|recv SECONDS
 *        iobench server PORT
 * prints: "iobench: NAME bytes=N seconds=S mib_s=X ops=N"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h> /* BLKGETSIZE64 */
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096
#define MAX_JOBS 64
#define CHUNK (128 * 1024) /* one TCP write or read */
#define STALL_S 30 /* a peer that moves nothing this long is gone */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *name, uint64_t bytes, double s, uint64_t ops)
{
	printf("iobench: %s bytes=%llu seconds=%.3f mib_s=%.2f ops=%llu\n",
	       name, (unsigned long long)bytes, s,
	       s > 0 ? (double)bytes / s / (1024 * 1024) : 0.0,
	       (unsigned long long)ops);
	fflush(stdout);
}

static int fail(const char *what)
{
	fprintf(stderr, "iobench: %s: %s\n", what, strerror(errno));
	return 1;
}

/* xorshift64: a cheap, repeatable spread of block numbers. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int disk_open(const char *dev, int write, uint64_t *blocks)
{
	uint64_t size = 0;
	int fd;

	fd = open(dev, (write ? O_RDWR : O_RDONLY) | O_DIRECT);
	if (fd < 0)
		return -1;
	if (ioctl(fd, BLKGETSIZE64, &size) < 0) {
		off_t end = lseek(fd, 0, SEEK_END);

		size = end > 0 ? (uint64_t)end : 0;
	}
	*blocks = size / BLOCK;
	if (!*blocks) {
		errno = ENOSPC;
		close(fd);
		return -1;
	}
	return fd;
}

/* One submitter: its own position in the disk, one request at a time. */
struct job {
	int fd;
	bool write, random;
	uint64_t blocks, block, seed, ops;
	double t0, seconds;
	int err;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	double t = j->t0;
	void *buf;

	if (posix_memalign(&buf, BLOCK, BLOCK)) {
		j->err = ENOMEM;
		return NULL;
	}
	memset(buf, 0xa5, BLOCK);
	while (t - j->t0 < j->seconds) {
		off_t off = (off_t)(j->block * BLOCK);
		ssize_t n = j->write ? pwrite(j->fd, buf, BLOCK, off) :
				       pread(j->fd, buf, BLOCK, off);

		if (n != BLOCK) {
			j->err = n < 0 ? errno : EIO;
			break;
		}
		j->ops++;
		j->block = j->random ? next_rand(&j->seed) % j->blocks :
				       (j->block + 1) % j->blocks;
		/* The clock is read every 16 requests. */
		if (!(j->ops & 15))
			t = now_s();
	}
	free(buf);
	return NULL;
}

/*
 * @jobs submitters at once keep up to that many requests in the device's
 * queue; sequential ones start evenly spread over the disk.
 */
static int disk(const char *dev, const char *mode, double seconds,
		unsigned int jobs)
{
	struct job job[MAX_JOBS];
	pthread_t tid[MAX_JOBS];
	uint64_t blocks, ops = 0;
	bool write = strstr(mode, "write") != NULL;
	char name[32];
	double t0;
	int fd;

	if (strcmp(mode, "seqread") && strcmp(mode, "randread") &&
	    strcmp(mode, "seqwrite") && strcmp(mode, "randwrite")) {
		fprintf(stderr, "iobench: unknown disk mode %s\n", mode);
		return 2;
	}
	if (jobs < 1 || jobs > MAX_JOBS) {
		fprintf(stderr, "iobench: jobs is 1 to %d\n", MAX_JOBS);
		return 2;
	}
	fd = disk_open(dev, write, &blocks);
	if (fd < 0)
		return fail(dev);

	t0 = now_s();
	for (unsigned int i = 0; i < jobs; i++) {
		job[i] = (struct job){
			.fd = fd,
			.write = write,
			.random = mode[0] == 'r',
			.blocks = blocks,
			.block = blocks * i / jobs,
			.seed = 0x9e3779b97f4a7c15ULL * (i + 1),
			.t0 = t0,
			.seconds = seconds,
		};
		errno = pthread_create(&tid[i], NULL, run_job, &job[i]);
		if (errno)
			return fail("pthread_create");
	}
	for (unsigned int i = 0; i < jobs; i++) {
		pthread_join(tid[i], NULL);
		ops += job[i].ops;
		errno = job[i].err;
		if (errno)
			return fail(write ? "pwrite" : "pread");
	}
	seconds = now_s() - t0;
	if (write && fdatasync(fd) < 0)
		return fail("fdatasync");

	snprintf(name, sizeof(name), jobs > 1 ? "%s-qd%u" : "%s", mode, jobs);
	report(name, ops * BLOCK, seconds, ops);
	close(fd);
	return 0;
}

/* A peer that vanished (its guest killed) must not hang the other side. */
static void set_stall_limit(int fd)
{
	struct timeval tv = { .tv_sec = STALL_S };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int tcp_connect(const char *host, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd;

	a.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	set_stall_limit(fd);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Moves all @len bytes, out to @fd or in from it; -1 on error or EOF. */
static int io_all(int fd, void *p, size_t len, bool out)
{
	char *c = p;

	while (len) {
		ssize_t n = out ? write(fd, c, len) : read(fd, c, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads and drops everything until EOF; returns the byte count or -1. */
static int64_t drain(int fd, char *buf)
{
	int64_t total = 0;
	ssize_t n;

	while ((n = read(fd, buf, CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

/* Writes for @seconds; returns the byte count or -1. */
static int64_t stream(int fd, char *buf, double seconds)
{
	double t0 = now_s();
	int64_t total = 0;

	while (now_s() - t0 < seconds) {
		if (io_all(fd, buf, CHUNK, true) < 0)
			return -1;
		total += CHUNK;
	}
	return total;
}

/*
 * The client speaks first: 's' and it sends until it shuts its side, the
 * server answers with the byte count it read; 'r' and four bytes of
 * milliseconds, and the server sends that long and closes.
 */
static int tcp(const char *host, int port, const char *dir, double seconds)
{
	char *buf = calloc(1, CHUNK);
	int send = !strcmp(dir, "send");
	uint8_t req[5] = { send ? 's' : 'r' };
	uint32_t ms = (uint32_t)(seconds * 1000);
	int64_t bytes, got;
	double t0;
	int fd;

	if (!buf || (!send && strcmp(dir, "recv"))) {
		fprintf(stderr, "iobench: tcp direction is send or recv\n");
		return 2;
	}
	memcpy(req + 1, &ms, sizeof(ms));
	fd = tcp_connect(host, port);
	if (fd < 0)
		return fail("connect");

	t0 = now_s();
	if (io_all(fd, req, sizeof(req), true) < 0)
		return fail("write");
	if (send) {
		bytes = stream(fd, buf, seconds);
		if (bytes < 0 || shutdown(fd, SHUT_WR) < 0)
			return fail("send");
		got = drain(fd, buf);
		if (got != (int64_t)sizeof(bytes) ||
		    memcmp(buf, &bytes, sizeof(bytes))) {
			fprintf(stderr, "iobench: the server read less\n");
			return 1;
		}
	} else {
		bytes = drain(fd, buf);
		if (bytes < 0)
			return fail("recv");
	}
	report(send ? "tcp-send" : "tcp-recv", (uint64_t)bytes, now_s() - t0,
	       0);
	close(fd);
	free(buf);
	return 0;
}

static void serve_one(int fd, char *buf)
{
	int one = 1;
	uint8_t req[5];
	uint32_t ms;
	int64_t n;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	set_stall_limit(fd);
	if (io_all(fd, req, sizeof(req), false) < 0)
		return;
	memcpy(&ms, req + 1, sizeof(ms));
	if (req[0] == 's') {
		n = drain(fd, buf);
		if (n >= 0)
			io_all(fd, &n, sizeof(n), true);
	} else if (req[0] == 'r') {
		stream(fd, buf, ms / 1000.0);
	}
}

/* Serves one client after another until killed. */
static int server(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char *buf = calloc(1, CHUNK);
	int one = 1, lfd, fd;

	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (!buf || lfd < 0)
		return fail("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(lfd, 4) < 0)
		return fail("bind");
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			return fail("accept");
		}
		serve_one(fd, buf);
		close(fd);
	}
}

static int usage(void)
{
	fprintf(stderr,
		"usage: iobench disk DEV seqread|randread|seqwrite|randwrite "
		"SECONDS [JOBS]\n"
		"       iobench tcp HOST PORT send|recv SECONDS\n"
		"       iobench server PORT\n");
	return 2;
}

int main(int argc, char **argv)
{
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "disk"))
		return disk(argv[2], argv[3], atof(argv[4]),
			    argc == 6 ? (unsigned int)atoi(argv[5]) : 1);
	if (argc == 6 && !strcmp(argv[1], "tcp"))
		return tcp(argv[2], atoi(argv[3]), argv[4], atof(argv[5]));
	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]));
	return usage();
}
