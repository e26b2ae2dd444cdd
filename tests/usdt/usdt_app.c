/* The USDT test program: fires probes of provider probity_test with known
 * arguments, a known number of times.
 *
 *   usdt_app [N]   fires each probe N times (default 3), then prints how many
 *                  times the guarded probe's semaphore was seen set.
 *
 * Built with -O2, so that the arguments are registers, a constant and a
 * %rip-relative variable; usdt_guarded.c is built with -O0 (stack operands)
 * and has a semaphore. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>

/* Read through its symbol: the note says "-8@usdt_global_value(%rip)". */
long usdt_global_value = 4242;

int usdt_guarded(int iteration);

static const char* const request_names[] = {"alpha", "beta", "gamma"};

int main(int argc, char** argv) {
  const int count = argc > 1 ? atoi(argv[1]) : 3;
  int semaphore_seen = 0;
  for (int i = 0; i < count; ++i) {
    DTRACE_PROBE3(probity_test, request, i, request_names[i % 3], -5L * i);
    DTRACE_PROBE1(probity_test, global, usdt_global_value);
    DTRACE_PROBE1(probity_test, constant, 42);
    semaphore_seen += usdt_guarded(i);
  }
  printf("semaphore seen %d\n", semaphore_seen);
  return 0;
}
