// SPDX-License-Identifier: MIT
/*
 * KVM ioctl wrappers with errors reported under the ioctl's name.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include "vmm/kvm.h"
#include "vmm/log.h"

int kvm_ioctl_raw(int fd, unsigned long req, unsigned long arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

int kvm_ioctl_named(int fd, unsigned long req, unsigned long arg,
		    const char *name)
{
	int ret = kvm_ioctl_raw(fd, req, arg);

	if (ret < 0)
		log_error_errno(-ret, "%s", name);
	return ret;
}
