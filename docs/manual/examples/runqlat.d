/*
 * runqlat.d: how long do runnable threads wait for a CPU?
 *
 * Run:     probity -q -s runqlat.d
 *          (Ctrl-C prints the histogram)
 * Options: none: sched_wakeup, sched_wakeup_new and sched_switch are Stable.
 * Reading: microseconds from the wakeup to the moment the thread is switched
 *          in.  A tail in the milliseconds means CPU saturation (or a
 *          real-time task hogging a CPU).  Threads preempted while running
 *          are not counted: see offcpu-time.d.
 * Kernels: 6.1, 6.12, 6.18.
 */
sched:sched_wakeup, sched:sched_wakeup_new
{
  queued[args->pid] = timestamp;
}

sched:sched_switch
/queued[args->next_pid]/
{
  @usecs = quantize((timestamp - queued[args->next_pid]) / 1000);
  queued[args->next_pid] = 0;
}
