/*
 * context-switches.d: which processes are switched off the CPU, and is it
 * voluntary (they blocked) or involuntary (they were preempted)?
 *
 * Run:     probity -q -s context-switches.d
 *          (prints the top 10 every 5 seconds, and at Ctrl-C)
 * Options: none.
 * Reading: prev_state 0 (TASK_RUNNING) means the thread was still runnable:
 *          it was preempted.  Anything else means it went to sleep.  Many
 *          involuntary switches point to CPU contention.
 * Kernels: 6.1, 6.12, 6.18 (prev_state's data is Evolving: the bits above
 *          TASK_REPORT_MAX differ between releases, 0 does not).
 */
sched:sched_switch
{
  @switches[args->prev_comm, args->prev_state == 0 ? "involuntary" : "voluntary"] = count();
}

tick-5s, END
{
  trunc(@switches, 10);
  printf("%-16s %-12s %8s\n", "COMM", "KIND", "SWITCHES");
  printa("%-16s %-12s %@8d\n", @switches);
  clear(@switches);
}
