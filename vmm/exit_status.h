/* SPDX-License-Identifier: MIT */
/*
 * The exit statuses of the husk program, documented in the README. Every
 * way husk can end maps to exactly one of them.
 */
#ifndef HUSK_EXIT_STATUS_H
#define HUSK_EXIT_STATUS_H

enum husk_exit_status {
	HUSK_EXIT_POWEROFF = 0, /* the guest powered off */
	HUSK_EXIT_ERROR = 1, /* husk itself failed at run time */
	HUSK_EXIT_USAGE = 2, /* bad command line */
	HUSK_EXIT_BAD_INPUT = 3, /* kernel, initrd or other file unusable */
	HUSK_EXIT_NO_KVM = 4, /* /dev/kvm missing, denied or lacking */
	HUSK_EXIT_REBOOT = 5, /* the guest asked for a reboot */
	/* triple fault, KVM internal error, or an exit husk cannot handle */
	HUSK_EXIT_GUEST_CRASH = 6,
	HUSK_EXIT_SECCOMP = 7, /* a thread broke its seccomp policy */
};

#endif
