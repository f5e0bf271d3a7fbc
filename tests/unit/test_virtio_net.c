// SPDX-License-Identifier: MIT
/*
 * Tests of virtio-net without KVM or a tap: a SOCK_SEQPACKET socketpair
 * stands in for the tap (one frame per message), the test plays the
 * driver through the register window and rings in a buffer of "guest
 * RAM". Configuration space, receive into short, chained, mergeable and
 * too small buffers, small frames under TSO and frames held for buffers,
 * offload checks, transmit gather, malformed chains, and MAC address
 * parsing.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "vmm/virtio_net.h"

#define RAM_SIZE (1ULL << 20)
#define QSIZE 16
#define BUF 0x10000 /* buffers from here, BUF_STEP apart */
#define BUF_STEP 0x2000
#define HDR VIRTIO_NET_HDR_LEN

#define F(n) (1ULL << (n))

static struct guest_mem mem;
static struct eventloop loop;
static struct virtio_net *net;
static struct virtio_mmio *t;
static int host_fd; /* the test's end of the socketpair */
static uint16_t avail_idx[2];
static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* Queue q's rings: desc at 0x1000 + 0x3000 q, avail and used after. */
static uint64_t ring_gpa(unsigned int q, unsigned int which)
{
	return 0x1000 + 0x3000ULL * q + 0x1000ULL * which;
}

static struct vring_desc *desc(unsigned int q)
{
	return (struct vring_desc *)(mem.host + ring_gpa(q, 0));
}

static struct vring_avail *avail(unsigned int q)
{
	return (struct vring_avail *)(mem.host + ring_gpa(q, 1));
}

static struct vring_used *used(unsigned int q)
{
	return (struct vring_used *)(mem.host + ring_gpa(q, 2));
}

static uint8_t *buf(unsigned int i)
{
	return mem.host + BUF + (uint64_t)BUF_STEP * i;
}

static uint32_t rd(uint64_t reg)
{
	uint32_t v;

	virtio_mmio_access(t, reg, (uint8_t *)&v, 4, false);
	return v;
}

static void wr(uint64_t reg, uint32_t v)
{
	virtio_mmio_access(t, reg, (uint8_t *)&v, 4, true);
}

static void setup_queue(unsigned int q)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)ring_gpa(q, 0));
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)ring_gpa(q, 1));
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)ring_gpa(q, 2));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

/* Negotiates VERSION_1 plus @features and sets the queues up. */
static void start(uint64_t features)
{
	uint64_t f = features | F(VIRTIO_F_VERSION_1);
	uint32_t s = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;

	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, s);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
	s |= VIRTIO_CONFIG_S_FEATURES_OK;
	wr(VIRTIO_MMIO_STATUS, s);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), s);
	setup_queue(0);
	setup_queue(1);
	wr(VIRTIO_MMIO_STATUS, s | VIRTIO_CONFIG_S_DRIVER_OK);
	memset(avail_idx, 0, sizeof(avail_idx));
	virtio_net_rx_kick(net);
	virtio_net_tx_kick(net);
}

static void set_desc(unsigned int q, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	desc(q)[i] = (struct vring_desc){
		.addr = addr, .len = len, .flags = flags, .next = next
	};
}

static void make_avail(unsigned int q, uint16_t head)
{
	avail(q)->ring[avail_idx[q] % QSIZE] = head;
	avail(q)->idx = ++avail_idx[q];
}

/* Posts descriptor @i as a one-buffer receive chain of @len bytes. */
static void post_rx(uint16_t i, uint32_t len)
{
	set_desc(0, i, BUF + (uint64_t)BUF_STEP * i, len, VRING_DESC_F_WRITE,
		 0);
	make_avail(0, i);
}

/* A frame: header with @flags, then @len bytes counting up from @seed. */
static size_t frame(uint8_t *p, uint8_t flags, size_t len, uint8_t seed)
{
	memset(p, 0, HDR);
	p[0] = flags;
	for (size_t i = 0; i < len; i++)
		p[HDR + i] = (uint8_t)(seed + i);
	return HDR + len;
}

static void send_frame(uint8_t flags, size_t len, uint8_t seed)
{
	static uint8_t f[70000];
	size_t n = frame(f, flags, len, seed);

	ck_assert_int_eq(send(host_fd, f, n, 0), (ssize_t)n);
}

static bool payload_ok(const uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != (uint8_t)(seed + i))
			return false;
	return true;
}

static uint16_t num_buffers(const uint8_t *hdr)
{
	return (uint16_t)(hdr[10] | hdr[11] << 8);
}

static void setup(void)
{
	struct virtio_mmio_config c = { .mem = &mem, .vm_fd = -1 };
	struct virtio_net_options o = { .tap = "test0" };
	int sv[2];

	mem.host = calloc(1, RAM_SIZE);
	mem.size = mem.low_size = RAM_SIZE;
	ck_assert_int_eq(
		socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), 0);
	o.fd = sv[0];
	host_fd = sv[1];
	memcpy(o.mac, mac, sizeof(mac));
	ck_assert_int_eq(eventloop_init(&loop), 0);
	ck_assert_int_eq(virtio_net_create(&net, &o, &c), 0);
	t = virtio_net_transport(net);
	ck_assert_int_eq(virtio_net_attach(net, &loop), 0);
}

static void teardown(void)
{
	eventloop_fini(&loop);
	virtio_net_destroy(net);
	close(host_fd);
	free(mem.host);
}

static bool needs_reset(void)
{
	return rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

START_TEST(config_space)
{
	uint8_t cfg[8];
	uint64_t f;

	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), 1);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f = rd(VIRTIO_MMIO_DEVICE_FEATURES);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f |= (uint64_t)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	ck_assert(f & F(VIRTIO_F_VERSION_1));
	ck_assert(f & F(VIRTIO_NET_F_MAC));
	ck_assert(f & F(VIRTIO_NET_F_STATUS));
	ck_assert(f & F(VIRTIO_NET_F_MRG_RXBUF));
	ck_assert(!(f & F(VIRTIO_NET_F_CTRL_VQ)));
	ck_assert(!(f & F(VIRTIO_NET_F_MQ)));
	/* Each guest offload needs GUEST_CSUM; each host one needs CSUM. */
	ck_assert(f & F(VIRTIO_NET_F_GUEST_CSUM));
	ck_assert(f & F(VIRTIO_NET_F_CSUM));

	for (unsigned int i = 0; i < sizeof(cfg); i++) {
		uint8_t v;

		virtio_mmio_access(t, VIRTIO_MMIO_CONFIG + i, &v, 1, false);
		cfg[i] = v;
	}
	ck_assert_mem_eq(cfg, mac, 6);
	ck_assert_uint_eq(cfg[6] | cfg[7] << 8, VIRTIO_NET_S_LINK_UP);

	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 256);
	wr(VIRTIO_MMIO_QUEUE_SEL, 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
}
END_TEST

START_TEST(rx_short_buffer)
{
	start(F(VIRTIO_NET_F_MAC));
	post_rx(0, 2048);
	send_frame(0, 60, 7);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, 1);
	ck_assert_uint_eq(used(0)->ring[0].id, 0);
	ck_assert_uint_eq(used(0)->ring[0].len, HDR + 60);
	ck_assert_uint_eq(num_buffers(buf(0)), 1);
	ck_assert(payload_ok(buf(0) + HDR, 60, 7));
	ck_assert_uint_eq(virtio_net_get_stats(net)->rx_frames, 1);
	ck_assert_uint_eq(virtio_net_get_stats(net)->rx_bytes, 60);
}
END_TEST

START_TEST(rx_long_frame)
{
	start(0);
	post_rx(0, 1600);
	send_frame(0, 1514, 1);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, 1);
	ck_assert_uint_eq(used(0)->ring[0].len, HDR + 1514);
	ck_assert(payload_ok(buf(0) + HDR, 1514, 1));
}
END_TEST

/* One chain of three buffers: the header split, then the payload. */
START_TEST(rx_chained_buffers)
{
	start(0);
	set_desc(0, 3, BUF, 5, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 4);
	set_desc(0, 4, BUF + 100, 7, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 5);
	set_desc(0, 5, BUF + 200, 100, VRING_DESC_F_WRITE, 0);
	make_avail(0, 3);
	send_frame(0, 90, 3);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, 1);
	ck_assert_uint_eq(used(0)->ring[0].id, 3);
	ck_assert_uint_eq(used(0)->ring[0].len, HDR + 90);
	/* num_buffers straddles nothing here: bytes 10-11 are in buffer 2. */
	ck_assert_uint_eq(mem.host[BUF + 100 + 5], 1);
	ck_assert_uint_eq(mem.host[BUF + 100 + 6], 0);
	ck_assert(payload_ok(mem.host + BUF + 200, 90, 3));
}
END_TEST

/* Too large for the chain: dropped and counted; the chain takes the next. */
START_TEST(rx_oversize_dropped)
{
	start(0);
	post_rx(0, 100);
	send_frame(0, 200, 1);
	send_frame(0, 50, 9);
	virtio_net_rx(net);
	ck_assert_uint_eq(virtio_net_get_stats(net)->rx_oversize, 1);
	ck_assert_uint_eq(used(0)->idx, 1);
	ck_assert_uint_eq(used(0)->ring[0].len, HDR + 50);
	ck_assert(payload_ok(buf(0) + HDR, 50, 9));
}
END_TEST

/* No buffers: the tap is no longer watched until the guest kicks. */
START_TEST(rx_waits_for_buffers)
{
	start(0);
	ck_assert(virtio_net_rx_polling(net));
	send_frame(0, 40, 2);
	virtio_net_rx(net);
	ck_assert(!virtio_net_rx_polling(net));
	ck_assert_uint_eq(used(0)->idx, 0);

	post_rx(1, 256);
	virtio_net_rx_kick(net);
	ck_assert(virtio_net_rx_polling(net));
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, 1);
	ck_assert_uint_eq(used(0)->ring[0].id, 1);
	ck_assert(payload_ok(buf(1) + HDR, 40, 2));
	/* The frame is read; with no buffers left it waits again. */
	virtio_net_rx(net);
	ck_assert(!virtio_net_rx_polling(net));
}
END_TEST

/* Before the driver is ready, frames wait in the tap; none is lost. */
START_TEST(rx_before_driver_ok)
{
	send_frame(0, 40, 8);
	virtio_net_rx(net);
	ck_assert(!virtio_net_rx_polling(net));
	ck_assert_uint_eq(virtio_net_get_stats(net)->rx_oversize, 0);

	start(F(VIRTIO_NET_F_MRG_RXBUF));
	virtio_net_rx(net); /* queues ready, but no buffers yet */
	ck_assert(!virtio_net_rx_polling(net));
	post_rx(0, 2048);
	virtio_net_rx_kick(net);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, 1);
	ck_assert(payload_ok(buf(0) + HDR, 40, 8));
	ck_assert_uint_eq(virtio_net_get_stats(net)->rx_oversize, 0);
}
END_TEST

/* Mergeable buffers: a frame spans chains; unused chains stay posted. */
START_TEST(rx_mergeable)
{
	start(F(VIRTIO_NET_F_MRG_RXBUF));
	for (uint16_t i = 0; i < 4; i++)
		post_rx(i, 1000);
	send_frame(0, 1500, 4);
	send_frame(0, 100, 5);
	virtio_net_rx(net);

	ck_assert_uint_eq(used(0)->idx, 3);
	ck_assert_uint_eq(used(0)->ring[0].id, 0);
	ck_assert_uint_eq(used(0)->ring[0].len, 1000);
	ck_assert_uint_eq(used(0)->ring[1].id, 1);
	ck_assert_uint_eq(used(0)->ring[1].len, HDR + 1500 - 1000);
	ck_assert_uint_eq(num_buffers(buf(0)), 2);
	ck_assert(payload_ok(buf(0) + HDR, 1000 - HDR, 4));
	ck_assert(payload_ok(buf(1), 1500 - (1000 - HDR),
			     (uint8_t)(4 + 1000 - HDR)));
	/* The second frame waited for enough space (1530 bytes): it got
	 * chains 2 and 3 together, and used only chain 2. */
	ck_assert_uint_eq(used(0)->ring[2].id, 2);
	ck_assert_uint_eq(used(0)->ring[2].len, HDR + 100);
	ck_assert_uint_eq(num_buffers(buf(2)), 1);
	ck_assert(!virtio_net_rx_polling(net));

	/* Chain 3 was given back: with one more it takes the next frame. */
	post_rx(4, 1000);
	virtio_net_rx_kick(net);
	send_frame(0, 30, 6);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, 4);
	ck_assert_uint_eq(used(0)->ring[3].id, 3);
	ck_assert(!needs_reset());
}
END_TEST

/*
 * With TSO, a frame may take 65562 bytes: husk waits for that much, or
 * for the whole ring, before it reads.
 */
START_TEST(rx_mergeable_gso_waits)
{
	start(F(VIRTIO_NET_F_MRG_RXBUF) | F(VIRTIO_NET_F_GUEST_CSUM) |
	      F(VIRTIO_NET_F_GUEST_TSO4));
	post_rx(0, 1000);
	post_rx(1, 1000);
	send_frame(0, 1500, 1);
	virtio_net_rx(net);
	ck_assert(!virtio_net_rx_polling(net));
	ck_assert_uint_eq(used(0)->idx, 0);

	for (uint16_t i = 2; i < QSIZE; i++)
		post_rx(i, 1000);
	virtio_net_rx_kick(net);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, 2);
	ck_assert_uint_eq(num_buffers(buf(0)), 2);
	ck_assert(payload_ok(buf(1), 1500 - (1000 - HDR),
			     (uint8_t)(1 + 1000 - HDR)));
}
END_TEST

#define GSO_FEATURES                                              \
	(F(VIRTIO_NET_F_MRG_RXBUF) | F(VIRTIO_NET_F_GUEST_CSUM) | \
	 F(VIRTIO_NET_F_GUEST_TSO4))

/*
 * After a small frame, the next is read through husk's own buffer: it
 * needs only the chains it fills, not 64 KiB of them.
 */
START_TEST(rx_gso_small_frames)
{
	start(GSO_FEATURES);
	for (uint16_t i = 0; i < QSIZE; i++)
		post_rx(i, 1000);
	send_frame(0, 100, 1);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, 1);

	/* 15 chains (15000 bytes) are left: enough for these two. */
	send_frame(0, 100, 2);
	send_frame(0, 1500, 3);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, 4);
	ck_assert_uint_eq(used(0)->ring[1].id, 1);
	ck_assert_uint_eq(used(0)->ring[1].len, HDR + 100);
	ck_assert(payload_ok(buf(1) + HDR, 100, 2));
	ck_assert_uint_eq(num_buffers(buf(2)), 2);
	ck_assert_uint_eq(used(0)->ring[2].len, 1000);
	ck_assert_uint_eq(used(0)->ring[3].len, HDR + 1500 - 1000);
	ck_assert(payload_ok(buf(2) + HDR, 1000 - HDR, 3));
	ck_assert(payload_ok(buf(3), 1500 - (1000 - HDR),
			     (uint8_t)(3 + 1000 - HDR)));
	ck_assert(virtio_net_rx_polling(net));
}
END_TEST

/*
 * A frame read into husk's buffer waits there for the guest's buffers,
 * and is dropped, not delivered, once the driver resets the device.
 */
START_TEST(rx_held_frame)
{
	start(GSO_FEATURES);
	for (uint16_t i = 0; i < QSIZE; i++)
		post_rx(i, 1000);
	for (uint8_t i = 0; i < QSIZE; i++)
		send_frame(0, 100, i);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, QSIZE);

	post_rx(0, 1000);
	send_frame(0, 1500, 7);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, QSIZE);
	ck_assert(!virtio_net_rx_polling(net));
	post_rx(1, 1000);
	virtio_net_rx_kick(net);
	ck_assert_uint_eq(used(0)->idx, QSIZE + 2);
	ck_assert_uint_eq(num_buffers(buf(0)), 2);
	ck_assert(payload_ok(buf(0) + HDR, 1000 - HDR, 7));
	ck_assert(payload_ok(buf(1), 1500 - (1000 - HDR),
			     (uint8_t)(7 + 1000 - HDR)));
	ck_assert(virtio_net_rx_polling(net));

	send_frame(0, 1500, 8);
	virtio_net_rx(net);
	ck_assert(!virtio_net_rx_polling(net));
	start(GSO_FEATURES);
	ck_assert_uint_eq(virtio_net_get_stats(net)->rx_dropped_reset, 1);
	post_rx(0, 1000);
	post_rx(1, 1000);
	virtio_net_rx_kick(net);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, 0);
	ck_assert(!needs_reset());
}
END_TEST

/* Offloaded frames reach only a guest that accepted the offload. */
START_TEST(rx_offload_checked)
{
	start(0);
	post_rx(0, 2048);
	post_rx(1, 2048);
	send_frame(VIRTIO_NET_HDR_F_NEEDS_CSUM, 60, 1);
	send_frame(VIRTIO_NET_HDR_F_DATA_VALID, 60, 2);
	virtio_net_rx(net);
	ck_assert_uint_eq(virtio_net_get_stats(net)->rx_offload, 1);
	ck_assert_uint_eq(used(0)->idx, 1);
	ck_assert_uint_eq(used(0)->ring[0].id, 0);
	ck_assert_uint_eq(buf(0)[0], 0); /* DATA_VALID cleared */
	ck_assert(payload_ok(buf(0) + HDR, 60, 2));

	start(F(VIRTIO_NET_F_GUEST_CSUM));
	post_rx(2, 2048);
	send_frame(VIRTIO_NET_HDR_F_NEEDS_CSUM, 60, 3);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, 1);
	ck_assert_uint_eq(buf(2)[0], VIRTIO_NET_HDR_F_NEEDS_CSUM);
}
END_TEST

/* A transmit chain in four pieces leaves as one message. */
START_TEST(tx_gather)
{
	uint8_t f[200], got[300];

	start(0);
	frame(f, 0, 80, 11);
	memcpy(buf(0), f, 5);
	memcpy(buf(1), f + 5, 7);
	memcpy(buf(2), f + 12, 30);
	memcpy(buf(3), f + 42, 50);
	set_desc(1, 0, BUF, 5, VRING_DESC_F_NEXT, 1);
	set_desc(1, 1, BUF + BUF_STEP, 7, VRING_DESC_F_NEXT, 2);
	set_desc(1, 2, BUF + 2 * BUF_STEP, 30, VRING_DESC_F_NEXT, 3);
	set_desc(1, 3, BUF + 3 * BUF_STEP, 50, 0, 0);
	make_avail(1, 0);
	virtio_net_tx_kick(net);
	ck_assert_uint_eq(used(1)->idx, 1);
	ck_assert_uint_eq(used(1)->ring[0].id, 0);
	ck_assert_uint_eq(used(1)->ring[0].len, 0);
	ck_assert_int_eq(recv(host_fd, got, sizeof(got), 0), HDR + 80);
	ck_assert_mem_eq(got, f, HDR + 80);
	ck_assert_uint_eq(virtio_net_get_stats(net)->tx_frames, 1);
	ck_assert_uint_eq(virtio_net_get_stats(net)->tx_bytes, 80);
}
END_TEST

/* Shorter than the header: returned, counted, never written. */
START_TEST(tx_short_chain)
{
	uint8_t got[64];

	start(0);
	set_desc(1, 0, BUF, HDR - 1, 0, 0);
	make_avail(1, 0);
	virtio_net_tx_kick(net);
	ck_assert_uint_eq(used(1)->idx, 1);
	ck_assert_uint_eq(virtio_net_get_stats(net)->tx_short, 1);
	ck_assert_int_eq(recv(host_fd, got, sizeof(got), 0), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert(!needs_reset());
}
END_TEST

/* The tap refusing a frame costs that frame only. */
START_TEST(tx_tap_error)
{
	start(0);
	close(host_fd);
	host_fd = -1;
	for (uint16_t i = 0; i < 2; i++) {
		set_desc(1, i, BUF, 60, 0, 0);
		make_avail(1, i);
	}
	virtio_net_tx_kick(net);
	ck_assert_uint_eq(used(1)->idx, 2);
	ck_assert_uint_eq(virtio_net_get_stats(net)->tx_errors, 2);
	ck_assert_uint_eq(virtio_net_get_stats(net)->tx_frames, 0);
	ck_assert(!needs_reset());
}
END_TEST

START_TEST(tx_malformed_chain)
{
	uint8_t got[64];

	start(0);
	/* A writable buffer before a readable one. */
	set_desc(1, 0, BUF, 20, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	set_desc(1, 1, BUF + 100, 20, 0, 0);
	make_avail(1, 0);
	virtio_net_tx_kick(net);
	ck_assert(needs_reset());
	ck_assert_uint_eq(used(1)->idx, 0);
	ck_assert_int_eq(recv(host_fd, got, sizeof(got), 0), -1);
}
END_TEST

START_TEST(rx_malformed_chain)
{
	start(0);
	/* A buffer outside guest RAM, then a next index out of range. */
	set_desc(0, 0, RAM_SIZE - 8, 64, VRING_DESC_F_WRITE, 0);
	make_avail(0, 0);
	send_frame(0, 40, 1);
	virtio_net_rx(net);
	ck_assert(needs_reset());
	ck_assert(!virtio_net_rx_polling(net));
	ck_assert_uint_eq(used(0)->idx, 0);

	start(0);
	set_desc(0, 0, BUF, 64, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, QSIZE);
	make_avail(0, 0);
	virtio_net_rx(net);
	ck_assert(needs_reset());
	ck_assert_uint_eq(used(0)->idx, 0);

	/* After a reset the frame that waited is delivered. */
	start(0);
	post_rx(1, 256);
	virtio_net_rx(net);
	ck_assert_uint_eq(used(0)->idx, 1);
	ck_assert(payload_ok(buf(1) + HDR, 40, 1));
}
END_TEST

/* The tap's end going away stops the watch instead of spinning. */
START_TEST(rx_tap_gone)
{
	start(0);
	post_rx(0, 256);
	close(host_fd);
	host_fd = -1;
	virtio_net_rx(net);
	ck_assert(!virtio_net_rx_polling(net));
	virtio_net_rx_kick(net);
	ck_assert(!virtio_net_rx_polling(net));
	ck_assert_uint_eq(used(0)->idx, 0);
}
END_TEST

START_TEST(mac_parse)
{
	static const struct {
		const char *s;
		int ok;
	} rows[] = {
		{ "02:00:00:00:00:01", 1 },  { "52:54:00:AB:cd:Ef", 1 },
		{ "00:00:00:00:00:00", 0 },  { "01:00:5e:00:00:01", 0 },
		{ "ff:ff:ff:ff:ff:ff", 0 },  { "02:00:00:00:00", 0 },
		{ "02:00:00:00:00:01:", 0 }, { "02-00-00-00-00-01", 0 },
		{ "2:00:00:00:00:01", 0 },   { "02:00:00:00:00:0g", 0 },
		{ " 02:00:00:00:00:1", 0 },  { "", 0 },
		{ "02:00:00:00:00:011", 0 },
	};
	uint8_t m[6];

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_msg((virtio_net_parse_mac(rows[i].s, m) == 0) ==
				      rows[i].ok,
			      "%s", rows[i].s);
	ck_assert_int_eq(virtio_net_parse_mac("52:54:00:AB:cd:Ef", m), 0);
	ck_assert_mem_eq(m, ((uint8_t[]){ 0x52, 0x54, 0, 0xab, 0xcd, 0xef }),
			 6);
	ck_assert_int_eq(virtio_net_parse_mac("bad", m), -EINVAL);
}
END_TEST

START_TEST(mac_default)
{
	uint8_t a[6], b[6], c[6];

	virtio_net_default_mac("tap0", a);
	virtio_net_default_mac("tap0", b);
	virtio_net_default_mac("tap1", c);
	ck_assert_mem_eq(a, b, 6);
	ck_assert_mem_ne(a, c, 6);
	ck_assert_mem_eq(a, ((uint8_t[]){ 0x02, 0x68, 0x6b }), 3);
}
END_TEST

static Suite *net_suite(void)
{
	Suite *s = suite_create("virtio_net");
	TCase *dev = tcase_create("device");
	TCase *mac_tc = tcase_create("mac");

	tcase_add_checked_fixture(dev, setup, teardown);
	tcase_add_test(dev, config_space);
	tcase_add_test(dev, rx_short_buffer);
	tcase_add_test(dev, rx_long_frame);
	tcase_add_test(dev, rx_chained_buffers);
	tcase_add_test(dev, rx_oversize_dropped);
	tcase_add_test(dev, rx_waits_for_buffers);
	tcase_add_test(dev, rx_before_driver_ok);
	tcase_add_test(dev, rx_mergeable);
	tcase_add_test(dev, rx_mergeable_gso_waits);
	tcase_add_test(dev, rx_gso_small_frames);
	tcase_add_test(dev, rx_held_frame);
	tcase_add_test(dev, rx_offload_checked);
	tcase_add_test(dev, tx_gather);
	tcase_add_test(dev, tx_short_chain);
	tcase_add_test(dev, tx_tap_error);
	tcase_add_test(dev, tx_malformed_chain);
	tcase_add_test(dev, rx_malformed_chain);
	tcase_add_test(dev, rx_tap_gone);
	suite_add_tcase(s, dev);
	tcase_add_test(mac_tc, mac_parse);
	tcase_add_test(mac_tc, mac_default);
	suite_add_tcase(s, mac_tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(net_suite());
	int failed;

	signal(SIGPIPE, SIG_IGN); /* as husk: a closed peer is EPIPE */
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
