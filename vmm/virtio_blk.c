// SPDX-License-Identifier: MIT
/*
 * virtio-blk on a raw image file: read, write, flush, get-id, and discard
 * and write-zeroes where the host file system can. Requests are served by
 * a few worker threads of the disk's own (the "blk" role), which block in
 * file I/O while the vCPUs and the main thread run on.
 *
 * Each worker waits in an epoll set of its own that holds the queue's
 * notification eventfd with EPOLLEXCLUSIVE, so a notification wakes one
 * idle worker only: requests that the page cache serves at once cost one
 * wake-up each, as with a single thread, and a request that arrives while
 * another blocks on the disk still finds a worker.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#include "vmm/log.h"
#include "vmm/virtio_dev.h"

#define SECTOR 512ULL
#define BIT64(n) (1ULL << (n))
#define HDR_LEN 16 /* struct virtio_blk_outhdr */
#define RANGE_LEN 16 /* struct virtio_blk_discard_write_zeroes */

struct virtio_blk {
	struct virtio_mmio t;
	struct virtio_device_ops ops;
	struct virtio_blk_config config;
	const char *path;
	struct virtio_blk_options opt;
	int fd;
	bool ro;
	bool can_punch; /* FALLOC_FL_PUNCH_HOLE works on the image */
	bool can_zero_range; /* FALLOC_FL_ZERO_RANGE, until it fails */
	uint64_t sectors;
	char serial[VIRTIO_BLK_ID_BYTES];

	struct blk_worker {
		struct virtio_blk *b;
		pthread_t thread;
		int epoll_fd; /* the notification (exclusive) and @stop_fd */
	} workers[VIRTIO_BLK_WORKERS];
	unsigned int nworkers; /* started */
	int stop_fd; /* written once, never read: every worker sees it */
};

enum {
	EV_NOTIFY,
	EV_STOP
};

/* One request, as parsed from its chain. */
struct blk_req {
	uint32_t type;
	uint64_t sector;
	struct iovec *iov; /* the data buffers, header and status cut off */
	unsigned int niov;
	uint64_t len;
	uint8_t *status;
};

static void config_read(void *opaque, uint32_t off, void *data, uint32_t len)
{
	struct virtio_blk *b = opaque;

	memcpy(data, (const uint8_t *)&b->config + off, len);
}

/*
 * Copies @len bytes, starting @skip bytes into @src, as iovecs into @dst.
 * Returns how many iovecs that took.
 */
static unsigned int iov_slice(const struct iovec *src, unsigned int n,
			      uint64_t skip, uint64_t len, struct iovec *dst)
{
	unsigned int out = 0;

	for (unsigned int i = 0; i < n && len; i++) {
		uint64_t l = src[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l -= skip;
		if (l > len)
			l = len;
		dst[out].iov_base = (uint8_t *)src[i].iov_base + skip;
		dst[out].iov_len = l;
		out++;
		len -= l;
		skip = 0;
	}
	return out;
}

/* Gathers @len bytes from the front of @iov into @buf. */
static void iov_gather(const struct iovec *iov, unsigned int n, void *buf,
		       size_t len)
{
	uint8_t *p = buf;

	for (unsigned int i = 0; i < n && len; i++) {
		size_t l = iov[i].iov_len < len ? iov[i].iov_len : len;

		memcpy(p, iov[i].iov_base, l);
		p += l;
		len -= l;
	}
}

/* Whether [sector, sector + len / 512) lies within the disk. */
static bool in_range(const struct virtio_blk *b, uint64_t sector,
		     uint64_t nsectors)
{
	return sector <= b->sectors && nsectors <= b->sectors - sector;
}

/* preadv/pwritev until all of @iov is done; the iovecs are consumed. */
static int rw_full(int fd, struct iovec *iov, unsigned int n, uint64_t off,
		   bool write)
{
	ssize_t r;

	while (n) {
		if (write)
			r = pwritev(fd, iov, (int)n, (off_t)off);
		else
			r = preadv(fd, iov, (int)n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO; /* the image shrank under husk */
		off += (uint64_t)r;
		while (n && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

static uint8_t do_rw(struct virtio_blk *b, struct blk_req *r, bool write)
{
	int err;

	if (write && b->ro)
		return VIRTIO_BLK_S_IOERR;
	if (r->len % SECTOR || !in_range(b, r->sector, r->len / SECTOR))
		return VIRTIO_BLK_S_IOERR;
	err = rw_full(b->fd, r->iov, r->niov, r->sector * SECTOR, write);
	if (err) {
		log_debug("virtio-blk %s: %s at sector %llu: %s", b->path,
			  write ? "write" : "read",
			  (unsigned long long)r->sector, strerror(-err));
		return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

static uint8_t do_flush(struct virtio_blk *b)
{
	if (fdatasync(b->fd) < 0) {
		log_warn_errno(errno, "virtio-blk %s: fdatasync", b->path);
		return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

static uint64_t do_get_id(struct virtio_blk *b, struct blk_req *r)
{
	uint64_t n = r->len < sizeof(b->serial) ? r->len : sizeof(b->serial);
	const uint8_t *src = (const uint8_t *)b->serial;

	for (unsigned int i = 0; i < r->niov && n; i++) {
		size_t l = r->iov[i].iov_len < n ? r->iov[i].iov_len : n;

		memcpy(r->iov[i].iov_base, src, l);
		src += l;
		n -= l;
	}
	return (uint64_t)(src - (const uint8_t *)b->serial);
}

/* Writes zeroes over a range, the best way the image allows. */
static int zero_range(struct virtio_blk *b, uint64_t off, uint64_t len,
		      bool unmap)
{
	static const uint8_t zeroes[65536];
	int mode = FALLOC_FL_KEEP_SIZE;

	if (unmap && b->can_punch &&
	    !fallocate(b->fd, mode | FALLOC_FL_PUNCH_HOLE, (off_t)off,
		       (off_t)len))
		return 0;
	if (b->can_zero_range && !fallocate(b->fd, mode | FALLOC_FL_ZERO_RANGE,
					    (off_t)off, (off_t)len))
		return 0;
	if (errno == EOPNOTSUPP)
		b->can_zero_range = false;
	while (len) {
		size_t l = len < sizeof(zeroes) ? len : sizeof(zeroes);
		ssize_t n = pwrite(b->fd, zeroes, l, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/* One discard or write-zeroes range, checked before it is applied. */
static uint8_t do_range(struct virtio_blk *b, const uint8_t *raw, bool discard)
{
	struct virtio_blk_discard_write_zeroes seg;
	uint32_t allowed = discard ? 0 : VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;
	uint64_t off, len;
	int err;

	memcpy(&seg, raw, sizeof(seg));
	if (seg.flags & ~allowed)
		return VIRTIO_BLK_S_UNSUPP;
	if (seg.num_sectors > VIRTIO_BLK_MAX_RANGE_SECTORS ||
	    !in_range(b, seg.sector, seg.num_sectors))
		return VIRTIO_BLK_S_IOERR;
	if (!seg.num_sectors)
		return VIRTIO_BLK_S_OK;
	off = seg.sector * SECTOR;
	len = seg.num_sectors * SECTOR;
	if (discard)
		err = fallocate(b->fd,
				FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
				(off_t)off, (off_t)len) ?
			      -errno :
			      0;
	else
		err = zero_range(b, off, len, seg.flags);
	return err ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

static uint8_t do_ranges(struct virtio_blk *b, struct blk_req *r, bool discard)
{
	uint8_t raw[VIRTIO_BLK_MAX_RANGES * RANGE_LEN];
	uint64_t feature = discard ? VIRTIO_BLK_F_DISCARD :
				     VIRTIO_BLK_F_WRITE_ZEROES;
	uint8_t status = VIRTIO_BLK_S_OK;

	if (!(b->ops.features & BIT64(feature)))
		return VIRTIO_BLK_S_UNSUPP;
	if (b->ro)
		return VIRTIO_BLK_S_IOERR;
	if (!r->len || r->len % RANGE_LEN || r->len > sizeof(raw))
		return VIRTIO_BLK_S_IOERR;
	iov_gather(r->iov, r->niov, raw, r->len);
	for (uint64_t i = 0; i < r->len && status == VIRTIO_BLK_S_OK;
	     i += RANGE_LEN)
		status = do_range(b, raw + i, discard);
	return status;
}

/* Splits chain @c into header, data and status; false if it has no status. */
static bool parse(struct virtq_chain *c, struct iovec *data, struct blk_req *r,
		  bool *header_ok)
{
	struct iovec *w = &c->iov[c->nread];
	struct virtio_blk_outhdr hdr;
	struct iovec *last;
	bool to_guest;

	if (!c->write_len)
		return false;
	last = &w[c->nwrite - 1];
	r->status = (uint8_t *)last->iov_base + last->iov_len - 1;
	*header_ok = c->read_len >= HDR_LEN;
	if (!*header_ok)
		return true;

	iov_gather(c->iov, c->nread, &hdr, sizeof(hdr));
	r->type = hdr.type;
	r->sector = hdr.sector;
	to_guest = r->type == VIRTIO_BLK_T_IN || r->type == VIRTIO_BLK_T_GET_ID;
	if (to_guest) {
		r->len = c->write_len - 1;
		r->niov = iov_slice(w, c->nwrite, 0, r->len, data);
	} else {
		r->len = c->read_len - HDR_LEN;
		r->niov = iov_slice(c->iov, c->nread, HDR_LEN, r->len, data);
	}
	r->iov = data;
	return true;
}

static uint8_t dispatch(struct virtio_blk *b, struct blk_req *r,
			uint32_t *written)
{
	switch (r->type) {
	case VIRTIO_BLK_T_IN: {
		uint8_t s = do_rw(b, r, false);

		if (s == VIRTIO_BLK_S_OK)
			*written += (uint32_t)r->len;
		return s;
	}
	case VIRTIO_BLK_T_OUT:
		return do_rw(b, r, true);
	case VIRTIO_BLK_T_FLUSH:
		return do_flush(b);
	case VIRTIO_BLK_T_GET_ID:
		*written += (uint32_t)do_get_id(b, r);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
		return do_ranges(b, r, true);
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return do_ranges(b, r, false);
	}
	return VIRTIO_BLK_S_UNSUPP;
}

uint32_t virtio_blk_handle(struct virtio_blk *b, struct virtq_chain *c)
{
	struct iovec data[VIRTQ_MAX_SIZE];
	struct blk_req r = { 0 };
	uint32_t written = 1; /* the status byte */
	bool header_ok;
	uint8_t status;

	if (!parse(c, data, &r, &header_ok))
		return 0;
	status = header_ok ? dispatch(b, &r, &written) : VIRTIO_BLK_S_IOERR;
	*r.status = status;
	return written;
}

/*
 * Serves up to one queue's worth of requests, then yields. Each
 * completion is signalled at once (the driver's EVENT_IDX or flags say
 * whether that means an interrupt): a slow request must not hold back
 * the ones before it.
 */
static void serve(struct virtio_blk *b, struct virtq_chain *chain)
{
	uint32_t epoch;
	int n = 0;

	for (unsigned int i = 0; i < VIRTQ_MAX_SIZE; i++) {
		n = virtio_mmio_pop(&b->t, 0, chain, &epoch);
		if (n <= 0)
			break;
		virtio_mmio_push(&b->t, 0, chain->head,
				 virtio_blk_handle(b, chain), epoch);
		virtio_mmio_signal(&b->t, 0);
	}
	if (n > 0)
		virtio_mmio_kick(&b->t, 0);
}

/* Waits for a notification of the queue; false once the disk stops. */
static bool wait_notify(struct virtio_blk *b, struct blk_worker *w)
{
	struct epoll_event ev[2];
	int n;

	for (;;) {
		n = epoll_wait(w->epoll_fd, ev, 2, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error_errno(errno, "virtio-blk %s: epoll_wait",
					b->path);
			return false;
		}
		for (int i = 0; i < n; i++)
			if (ev[i].data.u32 == EV_STOP)
				return false;
		/* Another worker may have taken this notification. */
		if (!virtio_mmio_take_notify(&b->t, 0))
			return true;
	}
}

static void *worker(void *arg)
{
	struct blk_worker *w = arg;
	struct virtio_blk *b = w->b;
	struct virtq_chain chain;
	char name[16];

	/* "husk-blk0.1", as top(1) and the seccomp messages show it. */
	snprintf(name, sizeof(name), "husk-blk%u.%u", b->opt.index % 1000,
		 (unsigned int)(w - b->workers));
	pthread_setname_np(pthread_self(), name);

	/*
	 * NOTE: the blk role's seccomp filter is installed here: the image
	 * is open and no request has been read yet.
	 */
	if (b->opt.worker_start &&
	    b->opt.worker_start(b->opt.opaque, b->opt.index))
		return NULL;
	while (wait_notify(b, w))
		serve(b, &chain);
	return NULL;
}

/* Whether punching a hole works here, tried past the end of the image. */
static bool probe_punch(int fd, uint64_t size)
{
	return !fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			  (off_t)size, 4096);
}

/*
 * Keeps a second husk from writing the image while this one uses it: an
 * exclusive flock() for a writable disk, a shared one for a read-only one.
 * XXX: flock() does not see the byte-range locks QEMU takes, so it guards
 * against another husk only.
 */
static int lock_image(int fd, const struct virtio_blk_options *o)
{
	int err;

	if (!flock(fd, (o->ro ? LOCK_SH : LOCK_EX) | LOCK_NB))
		return 0;
	err = errno;
	if (err == EWOULDBLOCK) {
		log_error("--disk %s: in use by another process (flock)",
			  o->path);
		return -EBUSY;
	}
	log_warn_errno(err, "--disk %s: not locked: flock", o->path);
	return 0;
}

static int open_image(struct virtio_blk *b, const struct virtio_blk_options *o)
{
	struct stat st;
	off_t size;
	int err;

	b->fd = open(o->path, (o->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0 || fstat(b->fd, &st) < 0) {
		err = errno;
		log_error_errno(err, "--disk %s", o->path);
		return -err;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		log_error("--disk %s: not a regular file or block device",
			  o->path);
		return -EINVAL;
	}
	size = lseek(b->fd, 0, SEEK_END);
	if (size < 0) {
		err = errno;
		log_error_errno(err, "--disk %s: lseek", o->path);
		return -err;
	}
	if (size % SECTOR) {
		log_error("--disk %s: size %lld is not a multiple of 512 bytes",
			  o->path, (long long)size);
		return -EINVAL;
	}
	err = lock_image(b->fd, o);
	if (err)
		return err;
	b->sectors = (uint64_t)size / SECTOR;
	b->can_punch = !o->ro && S_ISREG(st.st_mode) &&
		       probe_punch(b->fd, (uint64_t)size);
	b->can_zero_range = !o->ro && S_ISREG(st.st_mode);
	return 0;
}

static void set_serial(struct virtio_blk *b, const char *s)
{
	const char *base = strrchr(b->path, '/');

	if (!s)
		s = base ? base + 1 : b->path;
	memset(b->serial, 0, sizeof(b->serial));
	memcpy(b->serial, s, strnlen(s, sizeof(b->serial)));
}

static void set_features(struct virtio_blk *b)
{
	struct virtio_blk_config *c = &b->config;
	uint64_t f = BIT64(VIRTIO_BLK_F_SIZE_MAX) |
		     BIT64(VIRTIO_BLK_F_SEG_MAX) |
		     BIT64(VIRTIO_BLK_F_BLK_SIZE) | BIT64(VIRTIO_BLK_F_FLUSH);

	c->capacity = b->sectors;
	c->size_max = VIRTIO_BLK_SIZE_MAX;
	c->seg_max = VIRTIO_BLK_SEG_MAX;
	c->blk_size = SECTOR;
	c->num_queues = 1;
	if (b->ro) {
		f |= BIT64(VIRTIO_BLK_F_RO);
	} else {
		f |= BIT64(VIRTIO_BLK_F_WRITE_ZEROES);
		c->max_write_zeroes_sectors = VIRTIO_BLK_MAX_RANGE_SECTORS;
		c->max_write_zeroes_seg = VIRTIO_BLK_MAX_RANGES;
		c->write_zeroes_may_unmap = b->can_punch;
	}
	if (b->can_punch) {
		f |= BIT64(VIRTIO_BLK_F_DISCARD);
		c->max_discard_sectors = VIRTIO_BLK_MAX_RANGE_SECTORS;
		c->max_discard_seg = VIRTIO_BLK_MAX_RANGES;
		c->discard_sector_alignment = 1;
	}
	b->ops.features = f;
}

/* The worker's epoll set, made here, before any filter is installed. */
static int watch(struct virtio_blk *b, struct blk_worker *w)
{
	struct epoll_event notify = { .events = EPOLLIN | EPOLLEXCLUSIVE,
				      .data.u32 = EV_NOTIFY };
	struct epoll_event stop = { .events = EPOLLIN, .data.u32 = EV_STOP };
	int err;

	w->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epoll_fd < 0 ||
	    epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, b->t.notify_fd[0], &notify) <
		    0 ||
	    epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, b->stop_fd, &stop) < 0) {
		err = errno;
		log_error_errno(err, "virtio-blk %s: epoll", b->path);
		return -err;
	}
	return 0;
}

int virtio_blk_create(struct virtio_blk **p,
		      const struct virtio_blk_options *opt,
		      const struct virtio_mmio_config *cfg)
{
	struct virtio_mmio_config c = *cfg;
	struct virtio_blk *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return -ENOMEM;
	b->stop_fd = -1;
	for (unsigned int i = 0; i < VIRTIO_BLK_WORKERS; i++)
		b->workers[i].epoll_fd = -1;
	b->opt = *opt;
	b->path = opt->path;
	b->ro = opt->ro;
	b->ops = (struct virtio_device_ops){
		.name = "virtio-blk",
		.device_id = VIRTIO_ID_BLOCK,
		.nqueues = 1,
		.config_size = sizeof(b->config),
		.config_read = config_read,
	};
	err = open_image(b, opt);
	if (err)
		goto fail;
	set_serial(b, opt->serial);
	set_features(b);

	c.ops = &b->ops;
	c.opaque = b;
	err = virtio_mmio_init(&b->t, &c);
	if (!err) {
		b->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		err = b->stop_fd < 0 ? -errno : 0;
	}
	for (unsigned int i = 0; !err && i < VIRTIO_BLK_WORKERS; i++)
		err = watch(b, &b->workers[i]);
	if (err)
		goto fail;
	*p = b;
	return 0;
fail:
	virtio_blk_destroy(b);
	return err;
}

struct virtio_mmio *virtio_blk_transport(struct virtio_blk *b)
{
	return &b->t;
}

uint64_t virtio_blk_features(const struct virtio_blk *b)
{
	return b->ops.features;
}

int virtio_blk_start(struct virtio_blk *b)
{
	int err;

	while (b->nworkers < VIRTIO_BLK_WORKERS) {
		struct blk_worker *w = &b->workers[b->nworkers];

		w->b = b;
		err = pthread_create(&w->thread, NULL, worker, w);
		if (err) {
			log_error_errno(err, "pthread_create for virtio-blk %s",
					b->path);
			return -err;
		}
		b->nworkers++;
	}
	return 0;
}

void virtio_blk_destroy(struct virtio_blk *b)
{
	uint64_t one = 1;

	if (!b)
		return;
	if (b->nworkers) {
		if (write(b->stop_fd, &one, sizeof(one)) < 0)
			log_warn_errno(errno, "virtio-blk %s: stop", b->path);
		for (unsigned int i = 0; i < b->nworkers; i++)
			pthread_join(b->workers[i].thread, NULL);
	}
	for (unsigned int i = 0; i < VIRTIO_BLK_WORKERS; i++)
		if (b->workers[i].epoll_fd >= 0)
			close(b->workers[i].epoll_fd);
	if (b->stop_fd >= 0)
		close(b->stop_fd);
	if (b->fd >= 0)
		close(b->fd);
	virtio_mmio_destroy(&b->t);
	free(b);
}
