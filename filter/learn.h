/* SPDX-License-Identifier: MIT */
/*
 * `husk-filter learn`: runs a command and lists, as policy lines ready to
 * paste, the syscalls that its policies would have refused.
 */
#ifndef HUSK_FILTER_LEARN_H
#define HUSK_FILTER_LEARN_H

/*
 * @argv holds the words after "learn". Returns the process exit status:
 * 0 when nothing is missing, 1 when something is, 2 for a usage error or
 * when the command could not be run.
 */
int learn_main(int argc, char **argv);

#endif
