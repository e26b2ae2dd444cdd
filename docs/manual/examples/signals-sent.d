/*
 * signals-sent.d: who sends which signals to whom, and were they delivered?
 *
 * Run:     probity -q -s signals-sent.d
 *          (Ctrl-C prints the table)
 * Options: none.
 * Reading: SENDER is the task that generated the signal (for SIGCHLD the
 *          exiting child, for SIGSEGV the faulting task itself); RESULT is
 *          0 delivered, 1 ignored, 2 already pending, 3 overflow, 4 lost
 *          info (TRACE_SIGNAL_*).
 * Kernels: 6.1, 6.12, 6.18; signal numbers are those of the architecture.
 */
signal:signal_generate
{
  @sent[execname, pid, args->sig, args->comm, args->pid, args->result] = count();
}

END
{
  printf("%-16s %7s %4s %-16s %7s %6s %6s\n", "SENDER", "PID", "SIG", "TARGET", "TPID", "RESULT", "COUNT");
  printa("%-16s %7d %4d %-16s %7d %6d %@6d\n", @sent);
}
