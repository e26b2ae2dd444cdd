/*
 * exitsnoop.d: which processes exit, and how long did they live?
 *
 * Run:     probity -q -s exitsnoop.d
 *          (one line per process exit; Ctrl-C ends it)
 * Options: none: sched_process_fork and sched_process_exit are Stable and
 *          not hot.
 * Reading: AGE is measured from the fork this run saw, so processes started
 *          before the run show "-".  Only the exit of a process's main thread
 *          (thread id = process id) is printed, not every thread's.  The
 *          clause printing "-" comes first: clauses run in order, and the
 *          other one clears born[].
 * Kernels: 6.1, 6.12, 6.18.  (sched_process_exit's group_dead field, "the
 *          last thread is exiting", would be more exact, but 6.1 and 6.12
 *          do not have it: see the compatibility chapter.)
 */
BEGIN
{
  printf("%-8s %-16s %13s\n", "PID", "COMM", "AGE");
}

sched:sched_process_fork
{
  born[args->child_pid] = timestamp;
}

sched:sched_process_exit
/args->pid == pid && !born[args->pid]/
{
  printf("%-8d %-16s %13s\n", args->pid, args->comm, "-");
}

sched:sched_process_exit
/args->pid == pid && born[args->pid]/
{
  printf("%-8d %-16s %10d ms\n", args->pid, args->comm, (timestamp - born[args->pid]) / 1000000);
  born[args->pid] = 0;
}
