/*
 * softirq-time.d: how long do softirq handlers run, per kind?
 *
 * Run:     probity -q -s softirq-time.d
 *          (Ctrl-C prints one histogram per softirq vector)
 * Options: none.
 * Reading: vectors are 0 HI, 1 TIMER, 2 NET_TX, 3 NET_RX, 4 BLOCK,
 *          5 IRQ_POLL, 6 TASKLET, 7 SCHED, 8 HRTIMER, 9 RCU.  Microseconds
 *          per run; NET_RX in the milliseconds means a packet flood or a slow
 *          network path, RCU there means a large batch of freed objects.
 * Kernels: 6.1, 6.12, 6.18.
 */
irq:softirq_entry
{
  started[cpu, args->vec] = timestamp;
}

irq:softirq_exit
/started[cpu, args->vec]/
{
  @usecs[args->vec] = quantize((timestamp - started[cpu, args->vec]) / 1000);
  started[cpu, args->vec] = 0;
}

END
{
  printa("softirq vector %d, microseconds:\n%@d\n", @usecs);
}
