/*
 * bio-by-process.d: which processes issue disk I/O, how many requests and
 * how many bytes?
 *
 * Run:     probity -q -s bio-by-process.d
 *          (prints a table every 5 seconds, and a last one at Ctrl-C)
 * Options: none.
 * Reading: COMM is the task that issued the request to the driver; writes
 *          of dirty pages are usually issued by kworker threads (writeback),
 *          and journal writes by jbd2, not by the process that wrote.
 * Kernels: 6.1, 6.12, 6.18.
 */
block:block_rq_issue
{
  @requests[args->comm, args->rwbs] = count();
  @bytes[args->comm, args->rwbs] = sum(args->bytes);
}

tick-5s, END
{
  printf("%-16s %-6s %8s %12s\n", "COMM", "RWBS", "REQUESTS", "BYTES");
  printa("%-16s %-6s %@8d %@12d\n", @requests, @bytes);
  clear(@requests);
  clear(@bytes);
}
