// SPDX-License-Identifier: MIT
/*
 * The boot section's stopwatch, run inside the nested test host: starts a
 * monitor, passes its console output through, and reports how long after
 * the start a marker text first appeared and the monitor exited.
 *
 * usage: stamp MARKER COMMAND [ARG]...
 * prints on stderr: "stamp: marker_s=S|none exit_s=S status=N"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pid_t start(char **argv, int *out)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	close(fds[1]);
	*out = fds[0];
	return pid;
}

/*
 * Copies the monitor's output to ours and notes when @marker first shows;
 * a window of the last bytes finds it across read boundaries.
 */
static double watch(int fd, const char *marker, double t0)
{
	size_t mlen = strlen(marker), keep;
	char buf[4096], win[8192];
	size_t wlen = 0;
	double seen = -1;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		if (seen >= 0)
			continue;
		keep = wlen < mlen ? wlen : mlen;
		memmove(win, win + wlen - keep, keep);
		memcpy(win + keep, buf, (size_t)n);
		wlen = keep + (size_t)n;
		if (memmem(win, wlen, marker, mlen))
			seen = now_s() - t0;
	}
	return seen;
}

int main(int argc, char **argv)
{
	double t0, seen, end;
	int fd, status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: stamp MARKER COMMAND [ARG]...\n");
		return 2;
	}
	t0 = now_s();
	pid = start(argv + 2, &fd);
	if (pid < 0) {
		perror("stamp");
		return 1;
	}
	seen = watch(fd, argv[1], t0);
	waitpid(pid, &status, 0);
	end = now_s() - t0;
	fflush(stdout);
	if (seen >= 0)
		fprintf(stderr, "stamp: marker_s=%.3f exit_s=%.3f status=%d\n",
			seen, end,
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else
		fprintf(stderr, "stamp: marker_s=none exit_s=%.3f status=%d\n",
			end, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
