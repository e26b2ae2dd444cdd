/* The probe of the USDT test program that has a semaphore: the kernel sets
 * it while a uprobe on the probe is enabled. Built with -O0, so that its
 * arguments are stack operands such as -4@-20(%rbp). */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

__extension__ unsigned short probity_test_guarded__probe_semaphore __attribute__((section(".probes")));

/* 1 when the semaphore was set, as a tracer enabling the probe sets it. */
int usdt_guarded(int iteration) {
  const int enabled = probity_test_guarded__probe_semaphore != 0;
  const signed char low_byte = (signed char)-iteration;
  DTRACE_PROBE2(probity_test, guarded__probe, iteration, low_byte);
  return enabled;
}
