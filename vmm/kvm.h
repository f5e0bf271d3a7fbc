/* SPDX-License-Identifier: MIT */
/*
 * KVM ioctl wrappers. The checked form reports a failure with the ioctl's
 * name ("husk: KVM_SET_SREGS: Invalid argument") and returns -errno; the
 * raw form only returns -errno, for callers that handle errors themselves.
 */
#ifndef HUSK_KVM_H
#define HUSK_KVM_H

#include <stdint.h>

/* Returns the ioctl's non-negative result, or -errno. */
int kvm_ioctl_raw(int fd, unsigned long req, unsigned long arg);

/* As kvm_ioctl_raw(), and logs "NAME: strerror" on failure. */
int kvm_ioctl_named(int fd, unsigned long req, unsigned long arg,
		    const char *name);

#define kvm_ioctl(fd, req, arg) \
	kvm_ioctl_named(fd, req, (unsigned long)(uintptr_t)(arg), #req)

#endif
