/*
 * timer-lateness.d: how late do high-resolution timers fire, compared with
 * when they were due?
 *
 * Run:     probity -q -s timer-lateness.d
 *          (Ctrl-C prints the histogram)
 * Options: none: hrtimer_start and hrtimer_expire_entry have Stable names
 *          and Evolving data.
 * Reading: microseconds from a timer's hard expiry time to the moment its
 *          callback starts; every nanosleep(), poll() timeout and
 *          timerfd is an hrtimer.  A tail of milliseconds means interrupts
 *          were disabled for long, or the CPU was busy with a long interrupt.
 *          Timers that fire within their slack (between softexpires and
 *          expires) count as 0.
 * Kernels: 6.1, 6.12, 6.18.
 */
timer:hrtimer_start
{
  due[args->hrtimer] = args->expires;
}

timer:hrtimer_expire_entry
/due[args->hrtimer]/
{
  @late_us = quantize(args->now > due[args->hrtimer] ? (args->now - due[args->hrtimer]) / 1000 : 0);
  @fired[execname] = count();
  due[args->hrtimer] = 0;
}

END
{
  printa("hrtimer lateness, microseconds:\n%@d\n", @late_us);
  trunc(@fired, 5);
  printf("%-16s %8s\n", "INTERRUPTED", "TIMERS");
  printa("%-16s %@8d\n", @fired);
}
