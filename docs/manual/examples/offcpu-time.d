/*
 * offcpu-time.d: how long do threads spend off the CPU, per process and
 * per reason (blocked or preempted)?
 *
 * Run:     probity -q -s offcpu-time.d
 *          (Ctrl-C prints the totals, largest last)
 * Options: none.
 * Reading: milliseconds between a thread's switch-out and its next
 *          switch-in, summed per command name.  "blocked" time is sleeping
 *          (I/O, locks, waiting for work); "preempted" time is waiting for
 *          a CPU while runnable.
 * Kernels: 6.1, 6.12, 6.18.
 */
sched:sched_switch
/args->prev_pid != 0/
{
  off[args->prev_pid] = timestamp;
  why[args->prev_pid] = args->prev_state == 0 ? "preempted" : "blocked";
}

sched:sched_switch
/off[args->next_pid]/
{
  @ms[args->next_comm, why[args->next_pid]] = sum((timestamp - off[args->next_pid]) / 1000000);
  off[args->next_pid] = 0;
  why[args->next_pid] = "";
}

END
{
  printf("%-16s %-10s %10s\n", "COMM", "REASON", "OFF-CPU ms");
  printa("%-16s %-10s %@10d\n", @ms);
}
