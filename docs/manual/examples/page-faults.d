/*
 * page-faults.d: which processes take the most page faults in user space?
 *
 * Run:     probity -q -s page-faults.d
 *          (prints the top 10 every 5 seconds, and at Ctrl-C)
 * Options: allow=hot, set by the #pragma below: exceptions:page_fault_user
 *          fires on every user page fault (every first touch of a page, copy-
 *          on-write, major faults from disk): easily hundreds of thousands a
 *          second.
 * Reading: a high rate with steady memory use is usually a process that
 *          maps and unmaps memory over and over (a malloc arena trimming,
 *          short-lived processes).  error_code bit 1 is a write, bit 0 a
 *          protection fault on a present page (copy-on-write).
 * Kernels: x86 only: the exceptions provider is x86's.
 */
#pragma D option allow=hot

exceptions:page_fault_user
{
  @faults[execname, pid, args->error_code & 2 ? "write" : "read"] = count();
}

tick-5s, END
{
  trunc(@faults, 10);
  printf("%-16s %8s %-6s %10s\n", "COMM", "PID", "ACCESS", "FAULTS");
  printa("%-16s %8d %-6s %@10d\n", @faults);
  clear(@faults);
}
