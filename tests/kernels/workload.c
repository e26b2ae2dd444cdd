/* The child the kernel matrix traces (tests/kernels/checks.sh): a static
 * program whose system calls and signals are known exactly, so that what
 * probity counts can be compared with what happened.
 *
 *   kmatrix-load getppid N           getppid() N times
 *   kmatrix-load signals A B C       SIGUSR1 A times, SIGUSR2 B times and
 *                                    SIGWINCH C times to itself (all caught)
 *   kmatrix-load noise N M           getppid() N times while a child renamed
 *                                    kmatrix-noise calls it M times
 *   kmatrix-load storm N GO DONE     on CPU 0, once file GO exists, getppid()
 *                                    N times, then creates file DONE
 *   kmatrix-load run PROGRAM ARG...  executes PROGRAM with SIGINT and SIGQUIT
 *                                    at their defaults: a shell without job
 *                                    control starts a background command with
 *                                    them ignored, and probity keeps a signal
 *                                    ignored that its starter ignored
 * Exit status 0, or 2 with a message when something failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what) {
  fprintf(stderr, "kmatrix-load: %s: %s\n", what, strerror(errno));
  exit(2);
}

static long count_argument(const char *text) {
  char *end = NULL;
  const long value = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || value < 0) {
    fprintf(stderr, "kmatrix-load: not a count: %s\n", text);
    exit(2);
  }
  return value;
}

/* The raw system call: libc could answer getppid() without entering the kernel. */
static void call_getppid(long times) {
  for (long i = 0; i < times; ++i) syscall(SYS_getppid);
}

static void caught(int signal_number) { (void)signal_number; }

static void send_self(int signal_number, long times) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = caught;
  if (sigaction(signal_number, &action, NULL) != 0) fail("sigaction");
  for (long i = 0; i < times; ++i) {
    if (kill(getpid(), signal_number) != 0) fail("kill");
  }
}

static void with_noise(long calls, long noise_calls) {
  const pid_t noise = fork();
  if (noise < 0) fail("fork");
  if (noise == 0) {
    if (prctl(PR_SET_NAME, "kmatrix-noise") != 0) fail("prctl");
    call_getppid(noise_calls);
    _exit(0);
  }
  call_getppid(calls);
  if (waitpid(noise, NULL, 0) != noise) fail("waitpid");
}

static void storm(long calls, const char *go, const char *done) {
  cpu_set_t cpu0;
  CPU_ZERO(&cpu0);
  CPU_SET(0, &cpu0);
  if (sched_setaffinity(0, sizeof cpu0, &cpu0) != 0) fail("sched_setaffinity");
  const struct timespec pause = {0, 10 * 1000 * 1000};
  while (access(go, F_OK) != 0) nanosleep(&pause, NULL);
  call_getppid(calls);
  const int fd = open(done, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) fail(done);
  close(fd);
}

static void run_with_default_signals(char **argv) {
  signal(SIGINT, SIG_DFL);
  signal(SIGQUIT, SIG_DFL);
  execv(argv[0], argv);
  fail(argv[0]);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "run") == 0 && argc > 2) {
    run_with_default_signals(argv + 2);
  } else if (strcmp(mode, "getppid") == 0 && argc == 3) {
    call_getppid(count_argument(argv[2]));
  } else if (strcmp(mode, "signals") == 0 && argc == 5) {
    send_self(SIGUSR1, count_argument(argv[2]));
    send_self(SIGUSR2, count_argument(argv[3]));
    send_self(SIGWINCH, count_argument(argv[4]));
  } else if (strcmp(mode, "noise") == 0 && argc == 4) {
    with_noise(count_argument(argv[2]), count_argument(argv[3]));
  } else if (strcmp(mode, "storm") == 0 && argc == 5) {
    storm(count_argument(argv[2]), argv[3], argv[4]);
  } else {
    fprintf(stderr,
            "usage: kmatrix-load getppid N | signals USR1 USR2 WINCH | noise N M | storm N GO-FILE DONE-FILE | "
            "run PROGRAM ARG...\n");
    return 2;
  }
  return 0;
}
