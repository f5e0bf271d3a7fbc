/* SPDX-License-Identifier: MIT */
/*
 * Raw mode for the controlling terminal while the guest owns the console,
 * restored on every way out: normal return, exit(), fatal signals.
 */
#ifndef HUSK_TERM_H
#define HUSK_TERM_H

#include <stdbool.h>

/*
 * Puts @fd in raw mode if it is a terminal. Returns 1 if it did, 0 when
 * @fd is no terminal, or -errno.
 */
int term_raw_enter(int fd);

/* Restores the saved mode; async-signal-safe, idempotent. */
void term_restore(void);

#endif
