// SPDX-License-Identifier: MIT
/*
 * virtio-net on a tap device: the guest's frames, each behind its 12-byte
 * virtio_net_hdr, go to and come from a tap opened with IFF_VNET_HDR, so
 * the kernel parses the checksum and segmentation offload fields itself.
 * The event loop reads large frames straight into the guest's receive
 * buffers, small ones through a buffer of its own (see virtio_net_rx()),
 * and writes each transmit chain with one writev().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "vmm/log.h"
#include "vmm/virtio_net.h"

#define BIT64(n) (1ULL << (n))
#define RXQ 0
#define TXQ 1

/* Bytes of configuration space: mac and status. */
#define CONFIG_SIZE 8

/* Chains one received frame may span (mergeable buffers). */
#define RX_MAX_CHAINS VIRTQ_MAX_SIZE
/* Guest buffers of one read; one more iovec takes the overflow byte. */
#define RX_MAX_IOV (UIO_MAXIOV - 1)
/* Frames per wake-up, so that the loop's other sources get their turn. */
#define RX_BATCH 64

/* The largest frames the tap delivers: plain, and with GSO offloads. */
#define RX_FRAME_MAX (VIRTIO_NET_HDR_LEN + 1518)
#define RX_FRAME_MAX_GSO (VIRTIO_NET_HDR_LEN + 65550)

#define TAP_FLAGS (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR)

#define GUEST_GSO_FEATURES \
	(BIT64(VIRTIO_NET_F_GUEST_TSO4) | BIT64(VIRTIO_NET_F_GUEST_TSO6))

static const uint64_t net_features =
	BIT64(VIRTIO_NET_F_CSUM) | BIT64(VIRTIO_NET_F_GUEST_CSUM) |
	BIT64(VIRTIO_NET_F_MAC) | BIT64(VIRTIO_NET_F_GUEST_TSO4) |
	BIT64(VIRTIO_NET_F_GUEST_TSO6) | BIT64(VIRTIO_NET_F_GUEST_ECN) |
	BIT64(VIRTIO_NET_F_HOST_TSO4) | BIT64(VIRTIO_NET_F_HOST_TSO6) |
	BIT64(VIRTIO_NET_F_HOST_ECN) | BIT64(VIRTIO_NET_F_MRG_RXBUF) |
	BIT64(VIRTIO_NET_F_STATUS);

/* One receive chain taken for the frame being read. */
struct rx_chain {
	uint16_t head;
	uint32_t epoch;
	uint32_t space; /* device-writable bytes */
	unsigned int niov;
};

struct virtio_net {
	struct virtio_mmio t;
	struct virtio_device_ops ops;
	uint8_t config[CONFIG_SIZE];
	char name[IFNAMSIZ];
	int fd;
	bool is_tap;
	struct eventloop *loop;
	bool polling; /* the loop watches the tap for EPOLLIN */
	bool tap_dead; /* the tap failed; it is no longer watched */
	bool tx_warned;
	unsigned int offloads; /* TUN_F_* set on the tap */
	struct virtio_net_stats stats;

	/* The event loop's scratch space. */
	struct virtq_chain chain;
	struct rx_chain rx[RX_MAX_CHAINS];
	unsigned int nrx;
	uint64_t rx_space;
	struct iovec rx_iov[RX_MAX_IOV + 1];
	unsigned int rx_niov;
	uint8_t overflow;

	/*
	 * Frames read through husk's buffer: whether the next one is, and
	 * the length of the one held there until the guest posts buffers.
	 */
	bool rx_bounce;
	uint32_t held_len;
	uint32_t held_epoch; /* the receive queue's, when it was read */
	uint8_t held[RX_FRAME_MAX_GSO];
};

static void config_read(void *opaque, uint32_t off, void *data, uint32_t len)
{
	struct virtio_net *n = opaque;

	memcpy(data, n->config + off, len);
}

static const struct virtio_device_ops net_ops = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.features = net_features,
	.nqueues = 2,
	.config_size = CONFIG_SIZE,
	.config_read = config_read,
};

/*
 * The driver's features once it is running, else 0.
 * XXX: reads the transport's state under its lock; virtio_mmio.h has no
 * accessor for the negotiated features yet.
 */
static uint64_t negotiated(struct virtio_net *n)
{
	uint64_t f = 0;

	pthread_mutex_lock(&n->t.lock);
	if (n->t.status & VIRTIO_CONFIG_S_DRIVER_OK)
		f = n->t.driver_features;
	pthread_mutex_unlock(&n->t.lock);
	return f;
}

/* The tap offloads matching what the guest accepts on receive. */
static unsigned int tap_offloads(uint64_t f)
{
	unsigned int o = 0;

	if (!(f & BIT64(VIRTIO_NET_F_GUEST_CSUM)))
		return 0;
	o |= TUN_F_CSUM;
	if (f & BIT64(VIRTIO_NET_F_GUEST_TSO4))
		o |= TUN_F_TSO4;
	if (f & BIT64(VIRTIO_NET_F_GUEST_TSO6))
		o |= TUN_F_TSO6;
	if ((f & GUEST_GSO_FEATURES) && (f & BIT64(VIRTIO_NET_F_GUEST_ECN)))
		o |= TUN_F_TSO_ECN;
	return o;
}

/*
 * After a (re)negotiation, tells the tap which offloaded frames it may
 * hand over. Frames queued before the change are checked on receive.
 */
static void sync_offloads(struct virtio_net *n)
{
	uint64_t f = negotiated(n);
	unsigned int want = tap_offloads(f);

	if (!(f & BIT64(VIRTIO_F_VERSION_1)) || want == n->offloads)
		return;
	if (n->is_tap && ioctl(n->fd, TUNSETOFFLOAD, (unsigned long)want) < 0) {
		log_warn_errno(errno, "tap %s: TUNSETOFFLOAD 0x%x", n->name,
			       want);
		return;
	}
	n->offloads = want;
}

static void set_polling(struct virtio_net *n, bool on)
{
	int err;

	if (n->polling == on || n->tap_dead || !n->loop)
		return;
	err = eventloop_modify(n->loop, n->fd, on ? EPOLLIN : 0);
	if (err)
		log_warn_errno(-err, "tap %s: epoll_ctl", n->name);
	else
		n->polling = on;
}

/* The tap failed for good: stop watching it, once. */
static void tap_failed(struct virtio_net *n, int err, const char *what)
{
	if (n->tap_dead)
		return;
	log_warn_errno(err, "tap %s: %s; the guest receives no more frames",
		       n->name, what);
	if (n->loop)
		eventloop_remove(n->loop, n->fd);
	n->tap_dead = true;
	n->polling = false;
}

/*
 * Gives chains rx[first..nrx) back to the avail ring, last first, so the
 * next read takes them again.
 */
static void rx_unpop(struct virtio_net *n, unsigned int first)
{
	while (n->nrx > first) {
		const struct rx_chain *c = &n->rx[--n->nrx];

		n->rx_niov -= c->niov;
		n->rx_space -= c->space;
		virtio_mmio_unpop(&n->t, RXQ, c->epoch);
	}
}

/* Appends the writable buffers of n->chain to the frame's iovecs. */
static int rx_add_chain(struct virtio_net *n, uint32_t epoch)
{
	const struct virtq_chain *c = &n->chain;
	struct rx_chain *rc = &n->rx[n->nrx];

	if (!c->write_len) {
		/* Nothing to write into: give it back as used, empty. */
		virtio_mmio_push(&n->t, RXQ, c->head, 0, epoch);
		return 0;
	}
	rc->head = c->head;
	rc->epoch = epoch;
	rc->space = 0;
	rc->niov = 0;
	n->nrx++;
	if (n->rx_niov + c->nwrite > RX_MAX_IOV) {
		rx_unpop(n, n->nrx - 1);
		return -E2BIG;
	}
	/* Readable buffers mean nothing on the receive queue: skipped. */
	memcpy(&n->rx_iov[n->rx_niov], &c->iov[c->nread],
	       c->nwrite * sizeof(struct iovec));
	rc->space = c->write_len;
	rc->niov = c->nwrite;
	n->rx_niov += c->nwrite;
	n->rx_space += c->write_len;
	return 0;
}

/* The receive queue's epoch: a reset or re-enable changes it. */
static uint32_t rx_epoch(struct virtio_net *n)
{
	uint32_t epoch;

	pthread_mutex_lock(&n->t.lock);
	epoch = n->t.epoch[RXQ];
	pthread_mutex_unlock(&n->t.lock);
	return epoch;
}

/* The size of the receive ring, or 0 while it is not ready (as above). */
static unsigned int rx_ring_size(struct virtio_net *n)
{
	unsigned int size;

	pthread_mutex_lock(&n->t.lock);
	size = n->t.queues[RXQ].ready ? n->t.queues[RXQ].size : 0;
	pthread_mutex_unlock(&n->t.lock);
	return size;
}

/*
 * Takes receive chains until they hold @need bytes. Returns 1 when no
 * more can be taken for one frame (the whole ring, or husk's limits), 0
 * when the ring ran dry or @need is met, or -errno for a malformed ring.
 */
static int rx_gather(struct virtio_net *n, uint64_t need)
{
	unsigned int ring = rx_ring_size(n);
	uint32_t epoch;
	int r;

	while (n->rx_space < need) {
		if (n->nrx >= RX_MAX_CHAINS || n->nrx >= ring)
			return 1;
		r = virtio_mmio_pop(&n->t, RXQ, &n->chain, &epoch);
		if (r <= 0)
			return r;
		if (rx_add_chain(n, epoch))
			return 1;
	}
	return 0;
}

/* Copies @len bytes at offset @off of the frame's iovecs to or from @p. */
static void rx_copy(struct virtio_net *n, size_t off, void *p, size_t len,
		    bool to_guest)
{
	uint8_t *b = p;

	for (unsigned int i = 0; i < n->rx_niov && len; i++) {
		size_t l = n->rx_iov[i].iov_len;
		uint8_t *g = n->rx_iov[i].iov_base;

		if (off >= l) {
			off -= l;
			continue;
		}
		l = l - off < len ? l - off : len;
		if (to_guest)
			memcpy(g + off, b, l);
		else
			memcpy(b, g + off, l);
		b += l;
		len -= l;
		off = 0;
	}
}

/* Whether the guest accepted the offloads the frame's header uses. */
static bool rx_allowed(uint64_t f, const struct virtio_net_hdr_v1 *h)
{
	uint8_t gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    !(f & BIT64(VIRTIO_NET_F_GUEST_CSUM)))
		return false;
	if ((h->gso_type & VIRTIO_NET_HDR_GSO_ECN) &&
	    !(f & BIT64(VIRTIO_NET_F_GUEST_ECN)))
		return false;
	switch (gso) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return true;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return f & BIT64(VIRTIO_NET_F_GUEST_TSO4);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return f & BIT64(VIRTIO_NET_F_GUEST_TSO6);
	}
	return false;
}

/* Drops the first @used chains (returned) and keeps the rest for later. */
static void rx_consume(struct virtio_net *n, unsigned int used)
{
	unsigned int niov = 0;

	for (unsigned int i = 0; i < used; i++) {
		niov += n->rx[i].niov;
		n->rx_space -= n->rx[i].space;
	}
	n->nrx -= used;
	n->rx_niov -= niov;
	memmove(n->rx, n->rx + used, n->nrx * sizeof(n->rx[0]));
	memmove(n->rx_iov, n->rx_iov + niov, n->rx_niov * sizeof(n->rx_iov[0]));
}

/* The bytes of a frame, *@left of them still to place, that chain @i takes. */
static uint32_t rx_fill(const struct virtio_net *n, unsigned int i,
			uint32_t *left)
{
	uint32_t l = n->rx[i].space < *left ? n->rx[i].space : *left;

	*left -= l;
	return l;
}

/*
 * Completes a frame of @len bytes (header included, at most rx_space)
 * read into the chains: fixes up the header, returns the chains it filled.
 */
static void rx_complete(struct virtio_net *n, uint64_t f, uint32_t len)
{
	struct virtio_net_hdr_v1 h;
	uint32_t left = len;
	unsigned int used = 0;

	rx_copy(n, 0, &h, sizeof(h), false);
	if (!rx_allowed(f, &h)) {
		n->stats.rx_offload++;
		return;
	}
	while (left)
		rx_fill(n, used++, &left);

	/* DATA_VALID only for a guest that handles checksums. */
	if (!(f & BIT64(VIRTIO_NET_F_GUEST_CSUM)))
		h.flags = 0;
	h.num_buffers = (uint16_t)used;
	rx_copy(n, 0, &h, sizeof(h), true);

	left = len;
	for (unsigned int i = 0; i < used; i++)
		virtio_mmio_push(&n->t, RXQ, n->rx[i].head,
				 rx_fill(n, i, &left), n->rx[i].epoch);
	n->stats.rx_frames++;
	n->stats.rx_bytes += len - VIRTIO_NET_HDR_LEN;
	n->rx_bounce = len <= RX_FRAME_MAX;
	rx_consume(n, used);
}

/*
 * Reads one frame into the chains taken. Returns 1 for a frame (given to
 * the guest or dropped), 0 when the tap has none, -1 when it failed.
 */
static int rx_read(struct virtio_net *n, uint64_t f)
{
	ssize_t r;

	/* A frame that reaches this byte did not fit. */
	n->rx_iov[n->rx_niov] =
		(struct iovec){ .iov_base = &n->overflow, .iov_len = 1 };
	do
		r = readv(n->fd, n->rx_iov, (int)n->rx_niov + 1);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == EAGAIN)
		return 0;
	if (r <= 0) {
		tap_failed(n, r ? errno : EPIPE, "read");
		return -1;
	}
	if ((uint64_t)r > n->rx_space)
		n->stats.rx_oversize++;
	else if (r < VIRTIO_NET_HDR_LEN)
		n->stats.rx_short++;
	else
		rx_complete(n, f, (uint32_t)r);
	return 1;
}

/* The buffer space one frame needs before husk reads it. */
static uint64_t rx_need(uint64_t f)
{
	if (!(f & BIT64(VIRTIO_NET_F_MRG_RXBUF)))
		return 1; /* one chain; what does not fit is dropped */
	if (f & GUEST_GSO_FEATURES)
		return RX_FRAME_MAX_GSO;
	return RX_FRAME_MAX;
}

/* What one step of the receive loop came to. */
enum rx_result {
	RX_FAILED = -1, /* the tap failed */
	RX_EMPTY, /* the tap has no frame */
	RX_FRAME, /* a frame was read (given to the guest, held or dropped) */
	RX_STARVED, /* the guest has not posted enough buffers */
};

/* One frame, read straight into chains that hold @need bytes. */
static enum rx_result rx_direct(struct virtio_net *n, uint64_t f, uint64_t need)
{
	int r = rx_gather(n, need);

	if (r < 0 || !n->rx_space || (!r && n->rx_space < need))
		return RX_STARVED;
	r = rx_read(n, f);
	return r < 0 ? RX_FAILED : r ? RX_FRAME : RX_EMPTY;
}

/* One frame, read into husk's buffer to be placed by rx_place_held(). */
static enum rx_result rx_read_held(struct virtio_net *n)
{
	ssize_t r;

	do
		r = read(n->fd, n->held, sizeof(n->held));
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == EAGAIN)
		return RX_EMPTY;
	if (r <= 0) {
		tap_failed(n, r ? errno : EPIPE, "read");
		return RX_FAILED;
	}
	if (r < VIRTIO_NET_HDR_LEN) {
		n->stats.rx_short++;
	} else {
		n->held_len = (uint32_t)r;
		n->held_epoch = rx_epoch(n);
	}
	return RX_FRAME;
}

/*
 * Copies the held frame into just the chains it fills, once posted. A
 * frame read before a reset is dropped: the driver may have changed the
 * features its header was meant for.
 */
static enum rx_result rx_place_held(struct virtio_net *n, uint64_t f)
{
	int r;

	if (n->held_epoch != rx_epoch(n)) {
		n->stats.rx_dropped_reset++;
		n->held_len = 0;
		return RX_FRAME;
	}
	r = rx_gather(n, n->held_len);
	if (r == 1 && n->rx_space < n->held_len) {
		/* The whole ring cannot take it. */
		n->stats.rx_oversize++;
		n->held_len = 0;
		return RX_FRAME;
	}
	if (r < 0 || n->rx_space < n->held_len)
		return RX_STARVED;
	rx_copy(n, 0, n->held, n->held_len, true);
	rx_complete(n, f, n->held_len);
	n->held_len = 0;
	return RX_FRAME;
}

/*
 * A guest that takes TSO frames with mergeable buffers makes husk take
 * chains for 64 KiB before it reads straight into them: many chains
 * taken and given back for each small frame. So after a frame of at most
 * RX_FRAME_MAX bytes, the next is read into husk's own buffer and copied
 * into just the chains it fills; after a larger one, straight into the
 * guest's again. A frame in husk's buffer waits there, with the tap
 * unwatched, until the guest posts enough buffers or resets.
 */
int virtio_net_rx(struct virtio_net *n)
{
	uint64_t f = negotiated(n), need = rx_need(f);
	enum rx_result r = RX_FRAME;

	for (unsigned int i = 0; i < RX_BATCH && r == RX_FRAME; i++) {
		if (n->tap_dead && !n->held_len)
			break;
		if (n->held_len)
			r = rx_place_held(n, f);
		else if (n->rx_bounce && need > RX_FRAME_MAX)
			r = rx_read_held(n);
		else
			r = rx_direct(n, f, need);
	}
	if (r == RX_STARVED)
		set_polling(n, false);
	rx_unpop(n, 0);
	virtio_mmio_signal(&n->t, RXQ);
	return 0;
}

int virtio_net_rx_kick(struct virtio_net *n)
{
	virtio_mmio_take_notify(&n->t, RXQ);
	sync_offloads(n);
	set_polling(n, true);
	/* The tap may have nothing new to wake the loop for it. */
	return n->held_len ? virtio_net_rx(n) : 0;
}

/* Writes one transmit chain, header and frame, to the tap. */
static void tx_one(struct virtio_net *n, const struct virtq_chain *c)
{
	ssize_t r;

	if (c->read_len < VIRTIO_NET_HDR_LEN) {
		n->stats.tx_short++;
		return;
	}
	do
		r = writev(n->fd, c->iov, (int)c->nread);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		/*
		 * EIO: the tap is down, which is the host's business: only
		 * counted. Anything else (EINVAL: a header the kernel
		 * refused) is said once.
		 */
		if (errno != EIO && !n->tx_warned)
			log_warn_errno(errno,
				       "tap %s: write (further failures "
				       "are only counted)",
				       n->name);
		n->tx_warned |= errno != EIO;
		n->stats.tx_errors++;
		return;
	}
	n->stats.tx_frames++;
	n->stats.tx_bytes += c->read_len - VIRTIO_NET_HDR_LEN;
}

/* At most one queue's worth per wake-up, so the loop serves others too. */
int virtio_net_tx_kick(struct virtio_net *n)
{
	uint32_t epoch;
	int r = 0;

	virtio_mmio_take_notify(&n->t, TXQ);
	sync_offloads(n);
	for (unsigned int i = 0; i < VIRTQ_MAX_SIZE; i++) {
		r = virtio_mmio_pop(&n->t, TXQ, &n->chain, &epoch);
		if (r <= 0)
			break;
		tx_one(n, &n->chain);
		virtio_mmio_push(&n->t, TXQ, n->chain.head, 0, epoch);
	}
	virtio_mmio_signal(&n->t, TXQ);
	if (r > 0)
		virtio_mmio_kick(&n->t, TXQ);
	return 0;
}

bool virtio_net_rx_polling(const struct virtio_net *n)
{
	return n->polling;
}

const struct virtio_net_stats *virtio_net_get_stats(const struct virtio_net *n)
{
	return &n->stats;
}

static int on_tap(void *opaque, uint32_t events)
{
	(void)events; /* errors show in the read */
	return virtio_net_rx(opaque);
}

static int on_rx_notify(void *opaque, uint32_t events)
{
	(void)events;
	return virtio_net_rx_kick(opaque);
}

static int on_tx_notify(void *opaque, uint32_t events)
{
	(void)events;
	return virtio_net_tx_kick(opaque);
}

int virtio_net_attach(struct virtio_net *n, struct eventloop *loop)
{
	int err;

	/* The tap is watched from the guest's first receive kick on. */
	err = eventloop_add(loop, n->fd, 0, on_tap, n);
	if (!err)
		err = eventloop_add(loop, n->t.notify_fd[RXQ], EPOLLIN,
				    on_rx_notify, n);
	if (!err)
		err = eventloop_add(loop, n->t.notify_fd[TXQ], EPOLLIN,
				    on_tx_notify, n);
	if (!err)
		n->loop = loop;
	return err;
}

/* Fails with a message that says what to do about it. */
static int tap_error(const char *name, const char *what)
{
	int err = errno;

	if (err == EPERM)
		log_error(
			"tap %s: %s: not permitted (create it with 'ip tuntap "
			"add %s mode tap user USER', or give husk "
			"CAP_NET_ADMIN)",
			name, what, name);
	else if (err == EBUSY)
		log_error("tap %s: %s: in use by another program", name, what);
	else if (err == EINVAL)
		log_error("tap %s: %s: not a tap device (a tun or multi-queue "
			  "device of that name exists?)",
			  name, what);
	else
		log_error_errno(err, "tap %s: %s", name, what);
	return -err;
}

/* Checks that the kernel's tun driver offers what husk uses. */
static int tap_check_features(int fd, const char *name)
{
	unsigned int features = 0;

	if (ioctl(fd, TUNGETFEATURES, &features) < 0)
		return tap_error(name, "TUNGETFEATURES");
	if ((features & TAP_FLAGS) != TAP_FLAGS) {
		log_error("tap %s: the kernel's tun driver lacks IFF_VNET_HDR",
			  name);
		return -ENODEV;
	}
	return 0;
}

/*
 * Attaches to tap @name; the kernel creates it if it does not exist and
 * husk has CAP_NET_ADMIN. Such a tap is not persistent: it goes away
 * when husk exits and closes the fd.
 */
static int tap_open(const char *name, int *fdp)
{
	struct ifreq ifr = { .ifr_flags = TAP_FLAGS };
	int hdr_len = VIRTIO_NET_HDR_LEN;
	int fd, err;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return tap_error(name, "/dev/net/tun");
	err = tap_check_features(fd, name);
	if (err)
		goto close_fd;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = tap_error(name, "TUNSETIFF");
		goto close_fd;
	}
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) < 0) {
		err = tap_error(name, "TUNSETVNETHDRSZ");
		goto close_fd;
	}
	/* No offloaded frames until a guest accepts them. */
	if (ioctl(fd, TUNSETOFFLOAD, 0UL) < 0) {
		err = tap_error(name, "TUNSETOFFLOAD");
		goto close_fd;
	}
	*fdp = fd;
	return 0;

close_fd:
	close(fd);
	return err;
}

int virtio_net_create(struct virtio_net **p,
		      const struct virtio_net_options *opt,
		      const struct virtio_mmio_config *cfg)
{
	struct virtio_mmio_config c = *cfg;
	struct virtio_net *n = calloc(1, sizeof(*n));
	uint16_t status = VIRTIO_NET_S_LINK_UP;
	int err;

	if (!n)
		return -ENOMEM;
	n->fd = opt->fd;
	n->is_tap = opt->fd < 0;
	snprintf(n->name, sizeof(n->name), "%s", opt->tap ? opt->tap : "");
	memcpy(n->config, opt->mac, VIRTIO_NET_MAC_LEN);
	memcpy(n->config + VIRTIO_NET_MAC_LEN, &status, sizeof(status));
	n->ops = net_ops;
	c.ops = &n->ops;
	c.opaque = n;
	err = n->is_tap ? tap_open(n->name, &n->fd) : 0;
	if (!err)
		err = virtio_mmio_init(&n->t, &c);
	if (err) {
		virtio_net_destroy(n);
		return err;
	}
	*p = n;
	return 0;
}

struct virtio_mmio *virtio_net_transport(struct virtio_net *n)
{
	return &n->t;
}

void virtio_net_destroy(struct virtio_net *n)
{
	const struct virtio_net_stats *s;

	if (!n)
		return;
	s = &n->stats;
	log_debug("tap %s: rx %llu frames %llu bytes, %llu oversize, %llu "
		  "short, %llu offload drops; tx %llu frames %llu bytes, %llu "
		  "short, %llu errors",
		  n->name, (unsigned long long)s->rx_frames,
		  (unsigned long long)s->rx_bytes,
		  (unsigned long long)s->rx_oversize,
		  (unsigned long long)s->rx_short,
		  (unsigned long long)s->rx_offload,
		  (unsigned long long)s->tx_frames,
		  (unsigned long long)s->tx_bytes,
		  (unsigned long long)s->tx_short,
		  (unsigned long long)s->tx_errors);
	virtio_mmio_destroy(&n->t);
	if (n->fd >= 0)
		close(n->fd);
	free(n);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int virtio_net_parse_mac(const char *s, uint8_t mac[VIRTIO_NET_MAC_LEN])
{
	uint8_t m[VIRTIO_NET_MAC_LEN];
	bool zero = true;

	if (strlen(s) != 3 * VIRTIO_NET_MAC_LEN - 1)
		return -EINVAL;
	for (unsigned int i = 0; i < VIRTIO_NET_MAC_LEN; i++, s += 3) {
		int hi = hex_digit(s[0]), lo = hex_digit(s[1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
		zero &= !m[i];
	}
	if (zero || (m[0] & 1))
		return -EINVAL; /* no address, or a multicast one */
	memcpy(mac, m, sizeof(m));
	return 0;
}

void virtio_net_default_mac(const char *name, uint8_t mac[VIRTIO_NET_MAC_LEN])
{
	uint32_t h = 2166136261U; /* FNV-1a, 32 bits */

	for (const char *c = name; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619U;
	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = 'h';
	mac[2] = 'k';
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}
