/* SPDX-License-Identifier: MIT */
/*
 * virtio-net on a host tap device: receive queue 0 and transmit queue 1,
 * frames passed with their 12-byte virtio_net_hdr straight between the
 * guest's buffers and the tap, served by the main thread's event loop.
 */
#ifndef HUSK_VIRTIO_NET_H
#define HUSK_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/eventloop.h"
#include "vmm/virtio_mmio.h"

#define VIRTIO_NET_MAC_LEN 6
#define VIRTIO_NET_HDR_LEN 12 /* struct virtio_net_hdr_v1 */

struct virtio_net_options {
	const char *tap; /* interface name, for TUNSETIFF and messages */
	/*
	 * -1: open /dev/net/tun and attach to @tap. Otherwise an open,
	 * non-blocking fd that carries one frame per read and write
	 * (tests: one end of a SOCK_SEQPACKET socketpair); husk closes it.
	 */
	int fd;
	uint8_t mac[VIRTIO_NET_MAC_LEN];
};

/* Counters since start-up; drops never reach the guest or the tap. */
struct virtio_net_stats {
	uint64_t rx_frames, rx_bytes;
	uint64_t rx_oversize; /* larger than the buffers the guest posted */
	uint64_t rx_short; /* shorter than the header */
	uint64_t rx_offload; /* an offload the guest did not accept */
	uint64_t rx_dropped_reset; /* read, then the driver reset the queue */
	uint64_t tx_frames, tx_bytes;
	uint64_t tx_short; /* chain shorter than the header */
	uint64_t tx_errors; /* the tap refused the frame */
};

struct virtio_net;

/*
 * Opens the tap (or takes opt->fd) and sets up the device. Returns 0,
 * -EPERM, -EBUSY, -EINVAL, -ENODEV (logged with the interface name:
 * husk may not attach, the tap is in use, is a tun device, or the kernel
 * has no IFF_VNET_HDR), or another -errno.
 */
int virtio_net_create(struct virtio_net **p,
		      const struct virtio_net_options *opt,
		      const struct virtio_mmio_config *cfg);
struct virtio_mmio *virtio_net_transport(struct virtio_net *n);
/* Serves the queues and the tap from @loop, the main event loop. */
int virtio_net_attach(struct virtio_net *n, struct eventloop *loop);
void virtio_net_destroy(struct virtio_net *n);

/*
 * What the event loop runs: virtio_net_rx() when the tap is readable (it
 * stops watching the tap while the guest has no buffers), the _kick
 * calls on the queues' notifications. Event loop thread only.
 */
int virtio_net_rx(struct virtio_net *n);
int virtio_net_rx_kick(struct virtio_net *n);
int virtio_net_tx_kick(struct virtio_net *n);
/* Whether the event loop currently watches the tap for frames. */
bool virtio_net_rx_polling(const struct virtio_net *n);
const struct virtio_net_stats *virtio_net_get_stats(const struct virtio_net *n);

/*
 * Parses "xx:xx:xx:xx:xx:xx" (hex digits, either case); 0, or -EINVAL
 * for any other shape, a multicast address or all zeroes.
 */
int virtio_net_parse_mac(const char *s, uint8_t mac[VIRTIO_NET_MAC_LEN]);
/*
 * The default address of tap @name: 02:68:6b (locally administered,
 * unicast, "hk") then the low 24 bits of the FNV-1a hash of the name.
 */
void virtio_net_default_mac(const char *name, uint8_t mac[VIRTIO_NET_MAC_LEN]);

#endif
