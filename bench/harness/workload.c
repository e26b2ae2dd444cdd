/* Controlled workloads for the tracer-overhead harness (bench/harness/run.py).
 *
 *   pb_workload storm SECONDS [RATE]   getppid() in a loop; RATE calls/s when given (paced)
 *   pb_workload pingpong SECONDS       two processes bouncing one byte over a pair of pipes
 *   pb_workload forkexec SECONDS EXIT  fork + exec EXIT (a program that exits at once), waited for
 *
 * Each workload does its setup, prints "ready <pid>" and waits for a line on
 * stdin before the measured phase, so that the tracer can be started and
 * seen ready in between. At the end it prints one line of key=value pairs:
 *   ops=      operations done (calls, round trips, execs)
 *   events=   events the workload generated for the harness's tracepoint
 *             (storm: getppid calls = raw_syscalls:sys_enter and sys_exit
 *             pairs; pingpong: context switches away from both processes,
 *             from getrusage = sched:sched_switch events with them as prev;
 *             forkexec: execs = sched:sched_process_exec events)
 *   seconds=  wall time of the measured phase
 *   cpu=      CPU seconds (user + system) the workload's processes used in it
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(int who) {
  struct rusage usage;
  getrusage(who, &usage);
  return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
         (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
}

static long context_switches(int who) {
  struct rusage usage;
  getrusage(who, &usage);
  return usage.ru_nvcsw + usage.ru_nivcsw;
}

static void die(const char *what) {
  fprintf(stderr, "pb_workload: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void wait_for_go(void) {
  printf("ready %d\n", (int)getpid());
  fflush(stdout);
  char line[64];
  if (!fgets(line, sizeof line, stdin)) {
    fprintf(stderr, "pb_workload: no go line on stdin\n");
    exit(2);
  }
}

/* The loop reads the clock (vDSO, no system call) once every BATCH calls. */
enum { BATCH = 1000 };

static int storm(double seconds, double rate) {
  prctl(PR_SET_NAME, "pb_storm");
  wait_for_go();
  const double cpu_start = cpu_seconds(RUSAGE_SELF);
  const double start = now();
  const double deadline = start + seconds;
  uint64_t calls = 0;
  for (;;) {
    for (int i = 0; i < BATCH; ++i) {
      syscall(SYS_getppid); /* glibc's getppid() is not cached, but be explicit */
    }
    calls += BATCH;
    const double t = now();
    if (t >= deadline) break;
    if (rate > 0) {
      const double due = start + (double)calls / rate;
      if (due > t) {
        const double wait = due - t;
        struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        nanosleep(&ts, NULL); /* one extra system call per BATCH calls, at most */
      }
    }
  }
  const double elapsed = now() - start;
  const double cpu = cpu_seconds(RUSAGE_SELF) - cpu_start;
  printf("ops=%llu events=%llu seconds=%.6f cpu=%.6f\n", (unsigned long long)calls,
         (unsigned long long)calls, elapsed, cpu);
  return 0;
}

static void write_all(int fd, const void *data, size_t size) {
  if (write(fd, data, size) != (ssize_t)size) die("write");
}

static void read_all(int fd, void *data, size_t size) {
  if (read(fd, data, size) != (ssize_t)size) die("read");
}

static int pingpong(double seconds) {
  int to_child[2], to_parent[2];
  if (pipe(to_child) || pipe(to_parent)) die("pipe");
  const pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    prctl(PR_SET_NAME, "pb_pingpong");
    close(to_child[1]);
    close(to_parent[0]);
    char byte;
    read_all(to_child[0], &byte, 1); /* the first byte starts the measured phase */
    const long switches_start = context_switches(RUSAGE_SELF);
    const double cpu_start = cpu_seconds(RUSAGE_SELF);
    while (byte != 'q') {
      write_all(to_parent[1], &byte, 1);
      read_all(to_child[0], &byte, 1);
    }
    /* report this process's share of the measured phase to the parent */
    struct {
      long switches;
      double cpu;
    } share = {context_switches(RUSAGE_SELF) - switches_start, cpu_seconds(RUSAGE_SELF) - cpu_start};
    write_all(to_parent[1], &share, sizeof share);
    _exit(0);
  }
  prctl(PR_SET_NAME, "pb_pingpong");
  close(to_child[0]);
  close(to_parent[1]);
  wait_for_go();
  const long switches_start = context_switches(RUSAGE_SELF);
  const double cpu_start = cpu_seconds(RUSAGE_SELF);
  const double start = now();
  const double deadline = start + seconds;
  uint64_t round_trips = 0;
  char byte = 'p';
  for (;;) {
    for (int i = 0; i < BATCH / 10; ++i) {
      write_all(to_child[1], &byte, 1);
      read_all(to_parent[0], &byte, 1);
    }
    round_trips += BATCH / 10;
    if (now() >= deadline) break;
  }
  const double elapsed = now() - start;
  byte = 'q';
  write_all(to_child[1], &byte, 1);
  struct {
    long switches;
    double cpu;
  } share;
  read_all(to_parent[0], &share, sizeof share);
  const long switches = context_switches(RUSAGE_SELF) - switches_start + share.switches;
  const double cpu = cpu_seconds(RUSAGE_SELF) - cpu_start + share.cpu;
  waitpid(child, NULL, 0);
  printf("ops=%llu events=%ld seconds=%.6f cpu=%.6f\n", (unsigned long long)round_trips, switches,
         elapsed, cpu);
  return 0;
}

static int forkexec(double seconds, const char *program) {
  prctl(PR_SET_NAME, "pb_forkexec");
  wait_for_go();
  const double cpu_start = cpu_seconds(RUSAGE_SELF) + cpu_seconds(RUSAGE_CHILDREN);
  const double start = now();
  const double deadline = start + seconds;
  uint64_t execs = 0;
  do {
    const pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
      execl(program, program, (char *)NULL);
      _exit(127);
    }
    int status;
    if (waitpid(child, &status, 0) < 0) die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      fprintf(stderr, "pb_workload: %s did not exit 0\n", program);
      return 2;
    }
    ++execs;
  } while (now() < deadline);
  const double elapsed = now() - start;
  const double cpu = cpu_seconds(RUSAGE_SELF) + cpu_seconds(RUSAGE_CHILDREN) - cpu_start;
  printf("ops=%llu events=%llu seconds=%.6f cpu=%.6f\n", (unsigned long long)execs,
         (unsigned long long)execs, elapsed, cpu);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "storm") == 0)
    return storm(atof(argv[2]), argc >= 4 ? atof(argv[3]) : 0);
  if (argc >= 3 && strcmp(argv[1], "pingpong") == 0) return pingpong(atof(argv[2]));
  if (argc >= 4 && strcmp(argv[1], "forkexec") == 0) return forkexec(atof(argv[2]), argv[3]);
  fprintf(stderr,
          "usage: pb_workload storm SECONDS [RATE] | pingpong SECONDS | forkexec SECONDS EXIT\n");
  return 2;
}
