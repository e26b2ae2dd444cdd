/*
 * signals-delivered.d: which processes actually receive signals, and what
 * does their disposition do with them?
 *
 * Run:     probity -q -s signals-delivered.d
 * Options: none.
 * Reading: signal_deliver fires when the receiving thread dequeues the
 *          signal on its way back to user space.  HANDLER is 0 for the
 *          default action (SIG_DFL), 1 for ignore (SIG_IGN), else the address
 *          of the process's handler.
 * Kernels: 6.1, 6.12, 6.18.
 */
signal:signal_deliver
{
  @[execname, args->sig, args->sa_handler == 0 ? "default" : args->sa_handler == 1 ? "ignore" : "handler"] =
      count();
}

END
{
  printf("%-16s %4s %-8s %6s\n", "COMM", "SIG", "ACTION", "COUNT");
  printa("%-16s %4d %-8s %@6d\n", @);
}
