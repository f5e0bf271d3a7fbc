// SPDX-License-Identifier: MIT
// The virtio-net test guest: drives husk's virtio-net device with its own
// two split queues, resolves the host's address with ARP, sends it a UDP
// datagram, then answers ARP and ICMP echo requests (the host pings it)
// until the host sends "quit" to its UDP port or the time runs out.
//
// Command line: net=SLOT mac=MAC ip=A.B.C.D hostip=A.B.C.D port=N
// [serve=SECONDS, default 30] [arpwait=SECONDS, default 5].

#include "guest/lib/apic.h"
#include "guest/lib/guest.h"
#include "guest/lib/io.h"
#include "guest/virtio/vdev.h"

#define F_MAC 5
#define F_STATUS 16
#define NET_ID 1
#define QSIZE 16
#define HDR 12
#define BUF_SIZE 2048

#define ETH_LEN 14
#define ETH_ARP 0x0806
#define ETH_IP 0x0800
#define IP_ICMP 1
#define IP_UDP 17

struct ring {
	unsigned int q;
	volatile struct vdesc *desc;
	volatile uint16_t *avail; /* flags, idx, ring[QSIZE] */
	volatile uint32_t *used; /* flags | idx << 16, then id, len pairs */
	uint16_t avail_idx, used_seen;
	uint64_t bufs;
};

static struct vdev dev;
static struct ring rx, tx;
static uint8_t my_mac[6], host_mac[6];
static uint8_t my_ip[4], host_ip[4];
static uint16_t udp_port;
static unsigned int pings, arps_answered, frames_seen;
static int host_mac_known, quit;

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int parse_ip(const char *key, uint8_t ip[4])
{
	char s[20], *p = s;

	if (cmdline_get(key, s, sizeof(s)))
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned int v = 0, digits = 0;

		while (*p >= '0' && *p <= '9' && digits < 3) {
			v = v * 10 + (unsigned int)(*p++ - '0');
			digits++;
		}
		if (!digits || v > 255 || *p != (i < 3 ? '.' : '\0'))
			return -1;
		ip[i] = (uint8_t)v;
		p++;
	}
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++, s += 3) {
		uint64_t v;
		char b[3] = { s[0], s[1], 0 };
		char hex[5] = { '0', 'x', b[0], b[1], 0 };

		if (!b[0] || !b[1] || parse_u64(hex, &v) || v > 255)
			return -1;
		mac[i] = (uint8_t)v;
		if (i < 5 && s[2] != ':')
			return -1;
	}
	return 0;
}

static void ring_setup(struct ring *r, unsigned int q, uint64_t base,
		       uint64_t bufs)
{
	r->q = q;
	r->desc = (volatile struct vdesc *)base;
	r->avail = (volatile uint16_t *)(base + 0x1000);
	r->used = (volatile uint32_t *)(base + 0x2000);
	r->bufs = bufs;
	r->avail_idx = r->used_seen = 0;
	memset((void *)base, 0, 0x3000);

	vdev_write(&dev, R_QUEUE_SEL, q);
	vdev_write(&dev, R_QUEUE_NUM, QSIZE);
	vdev_write(&dev, R_DESC_LO, (uint32_t)base);
	vdev_write(&dev, R_DESC_HI, 0);
	vdev_write(&dev, R_AVAIL_LO, (uint32_t)(base + 0x1000));
	vdev_write(&dev, R_AVAIL_HI, 0);
	vdev_write(&dev, R_USED_LO, (uint32_t)(base + 0x2000));
	vdev_write(&dev, R_USED_HI, 0);
	vdev_write(&dev, R_QUEUE_READY, 1);
}

static uint8_t *ring_buf(const struct ring *r, uint16_t i)
{
	return (uint8_t *)(r->bufs + (uint64_t)BUF_SIZE * i);
}

static void ring_offer(struct ring *r, uint16_t i, uint32_t len, uint16_t fl)
{
	r->desc[i].addr = (uint64_t)ring_buf(r, i);
	r->desc[i].len = len;
	r->desc[i].flags = fl;
	r->desc[i].next = 0;
	r->avail[2 + r->avail_idx % QSIZE] = i;
	barrier();
	r->avail[1] = ++r->avail_idx;
	barrier();
}

static void ring_notify(const struct ring *r)
{
	vdev_write(&dev, R_QUEUE_NOTIFY, r->q);
}

/* The next used element, or -1; its length into *@len. */
static int ring_used(struct ring *r, uint32_t *len)
{
	uint16_t idx = (uint16_t)(r->used[0] >> 16);
	unsigned int slot = r->used_seen % QSIZE;

	if (idx == r->used_seen)
		return -1;
	barrier();
	*len = r->used[2 + 2 * slot];
	r->used_seen++;
	return (int)r->used[1 + 2 * slot];
}

static int net_start(void)
{
	uint64_t dma = dev.dma;

	if (vdev_negotiate(&dev, 1ULL << F_MAC | 1ULL << F_STATUS))
		return -1;
	ring_setup(&rx, 0, dma, dma + 0x10000);
	ring_setup(&tx, 1, dma + 0x3000, dma + 0x20000);
	vdev_write(&dev, R_STATUS,
		   S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	if (!(vdev_read(&dev, R_STATUS) & S_DRIVER_OK))
		return -1;
	for (uint16_t i = 0; i < QSIZE; i++)
		ring_offer(&rx, i, BUF_SIZE, D_WRITE);
	ring_notify(&rx);
	return 0;
}

/* Sends the Ethernet frame @f of @len bytes; 0 once husk took it. */
static int net_send(const uint8_t *f, size_t len)
{
	uint16_t i = tx.avail_idx % QSIZE;
	uint64_t end = deadline_ms(1000);
	uint32_t ulen;
	uint8_t *b = ring_buf(&tx, i);

	memset(b, 0, HDR);
	memcpy(b + HDR, f, len);
	ring_offer(&tx, i, (uint32_t)(HDR + len), 0);
	ring_notify(&tx);
	while (ring_used(&tx, &ulen) < 0) {
		if (deadline_passed(end))
			return -1;
		cpu_relax();
	}
	return 0;
}

static void eth_header(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, my_mac, 6);
	put16(f + 12, type);
}

/* An ARP packet of @op (1 request, 2 reply) to @tha / @tpa. */
static int send_arp(uint16_t op, const uint8_t *tha, const uint8_t *tpa)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[60];
	uint8_t *a = f + ETH_LEN;

	memset(f, 0, sizeof(f));
	eth_header(f, op == 1 ? bcast : tha, ETH_ARP);
	put16(a, 1); /* Ethernet */
	put16(a + 2, ETH_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, my_mac, 6);
	memcpy(a + 14, my_ip, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, tpa, 4);
	return net_send(f, sizeof(f));
}

/* Fills the IPv4 header at @ip for @len bytes of @proto payload. */
static void ip_header(uint8_t *ip, const uint8_t *dst, uint8_t proto,
		      size_t len)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + len));
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, my_ip, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, csum(ip, 20));
}

static int send_udp(uint16_t sport, uint16_t dport, const char *msg)
{
	uint8_t f[128];
	size_t n = strlen(msg);
	uint8_t *ip = f + ETH_LEN, *udp = ip + 20;

	eth_header(f, host_mac, ETH_IP);
	ip_header(ip, host_ip, IP_UDP, 8 + n);
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)(8 + n));
	put16(udp + 6, 0); /* no checksum, as IPv4 allows */
	memcpy(udp + 8, msg, n);
	return net_send(f, ETH_LEN + 28 + n);
}

static void on_arp(const uint8_t *f, uint32_t len)
{
	const uint8_t *a = f + ETH_LEN;

	if (len < ETH_LEN + 28 || memcmp(a + 24, my_ip, 4))
		return;
	if (get16(a + 6) == 2 && !memcmp(a + 14, host_ip, 4)) {
		memcpy(host_mac, a + 8, 6);
		host_mac_known = 1;
	} else if (get16(a + 6) == 1) {
		if (!send_arp(2, a + 8, a + 14))
			arps_answered++;
	}
}

/* Turns an echo request around in place and sends it back. */
static void on_icmp(uint8_t *f, uint32_t len)
{
	uint8_t *ip = f + ETH_LEN, *icmp = ip + 20;
	uint32_t ip_len = get16(ip + 2);
	uint8_t src[4];

	if (ip_len < 28 || ETH_LEN + ip_len > len || icmp[0] != 8)
		return;
	memcpy(f, f + 6, 6);
	memcpy(f + 6, my_mac, 6);
	memcpy(src, ip + 12, 4);
	memcpy(ip + 12, my_ip, 4);
	memcpy(ip + 16, src, 4);
	put16(ip + 10, 0);
	put16(ip + 10, csum(ip, 20));
	icmp[0] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 2, csum(icmp, ip_len - 20));
	if (!net_send(f, ETH_LEN + ip_len))
		pings++;
}

static void on_udp(const uint8_t *f, uint32_t len)
{
	const uint8_t *udp = f + ETH_LEN + 20;

	if (len < ETH_LEN + 32 || get16(udp + 2) != udp_port)
		return;
	if (!memcmp(udp + 8, "quit", 4))
		quit = 1;
}

static void on_frame(uint8_t *f, uint32_t len)
{
	const uint8_t *ip = f + ETH_LEN;

	frames_seen++;
	if (len < ETH_LEN)
		return;
	if (get16(f + 12) == ETH_ARP) {
		on_arp(f, len);
		return;
	}
	if (get16(f + 12) != ETH_IP || len < ETH_LEN + 20 || ip[0] != 0x45 ||
	    memcmp(ip + 16, my_ip, 4))
		return;
	if (ip[9] == IP_ICMP)
		on_icmp(f, len);
	else if (ip[9] == IP_UDP)
		on_udp(f, len);
}

/* Handles every frame received so far; gives the buffers back. */
static void net_poll(void)
{
	uint32_t len;
	int id;

	while ((id = ring_used(&rx, &len)) >= 0) {
		if (id < QSIZE && len >= HDR && len <= BUF_SIZE)
			on_frame(ring_buf(&rx, (uint16_t)id) + HDR, len - HDR);
		ring_offer(&rx, (uint16_t)(id % QSIZE), BUF_SIZE, D_WRITE);
		ring_notify(&rx);
	}
}

static void poll_until(int *flag, unsigned int ms)
{
	uint64_t end = deadline_ms(ms);

	while (!*flag && !deadline_passed(end)) {
		net_poll();
		__asm__ volatile("sti; nop; cli" ::: "memory");
	}
}

static int setup_args(void)
{
	char mac[20];
	uint64_t slot, port;

	if (cmdline_get_u64("net", &slot) || slot >= VDEV_MAX ||
	    cmdline_get("mac", mac, sizeof(mac)) || parse_mac(mac, my_mac) ||
	    parse_ip("ip", my_ip) || parse_ip("hostip", host_ip) ||
	    cmdline_get_u64("port", &port) || port > 65535) {
		tap_fail("virtio-net: command line needs net= mac= ip= "
			 "hostip= port=");
		return -1;
	}
	udp_port = (uint16_t)port;
	if (vdev_probe(&dev, (unsigned int)slot) || dev.device_id != NET_ID) {
		tap_fail("virtio-net: no network device at slot %u",
			 (unsigned int)slot);
		return -1;
	}
	tap_ok("virtio-net: device found at slot %u", (unsigned int)slot);
	return 0;
}

static void check_config(void)
{
	uint8_t cfg[8];

	for (unsigned int i = 0; i < 8; i++)
		cfg[i] = (uint8_t)(vdev_read(&dev, R_CONFIG + (i & ~3U)) >>
				   (8 * (i & 3)));
	tap_check(dev.features >> F_MAC & 1 && dev.features >> F_STATUS & 1,
		  "virtio-net: MAC and STATUS offered", "features %#llx",
		  (unsigned long long)dev.features);
	tap_check(!memcmp(cfg, my_mac, 6), "virtio-net: config MAC as given",
		  "%02x:%02x:%02x:%02x:%02x:%02x", cfg[0], cfg[1], cfg[2],
		  cfg[3], cfg[4], cfg[5]);
	tap_check((cfg[6] | cfg[7] << 8) == 1, "virtio-net: link up",
		  "status %#x", cfg[6] | cfg[7] << 8);
}

static void exchange(void)
{
	uint64_t serve = 30, arpwait = 5;
	unsigned int irqs = vdev_irqs[dev.slot];

	tap_check(!send_arp(1, (const uint8_t[6]){ 0 }, host_ip),
		  "virtio-net: ARP request sent", "transmit timed out");
	cmdline_get_u64("arpwait", &arpwait);
	poll_until(&host_mac_known, (unsigned int)arpwait * 1000);
	tap_check(host_mac_known, "virtio-net: ARP reply from the host",
		  "none in %u s (%u frames seen)", (unsigned int)arpwait,
		  frames_seen);
	if (!host_mac_known)
		return;
	tap_check(!send_udp(udp_port, udp_port, "husk-net-hello"),
		  "virtio-net: UDP datagram sent", "transmit timed out");

	cmdline_get_u64("serve", &serve);
	printf("# net ready\n");
	poll_until(&quit, (unsigned int)serve * 1000);
	tap_check(quit, "virtio-net: quit datagram from the host",
		  "none in %u s", (unsigned int)serve);
	tap_check(pings >= 3, "virtio-net: echo requests answered",
		  "%u answered", pings);
	tap_check(vdev_irqs[dev.slot] != irqs,
		  "virtio-net: used buffer interrupts", "none");
	printf("# %u frames, %u pings, %u ARP requests answered\n", frames_seen,
	       pings, arps_answered);
}

void guest_main(void)
{
	pic_mask_all();
	lapic_enable();
	if (setup_args())
		return;
	vdev_route_irq(&dev);
	check_config();
	if (net_start()) {
		tap_fail("virtio-net: driver start refused");
		return;
	}
	tap_ok("virtio-net: driver started");
	exchange();
}
