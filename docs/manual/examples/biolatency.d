/*
 * biolatency.d: how long do disk I/O requests take, from issue to the
 * device to completion?
 *
 * Run:     probity -q -s biolatency.d
 *          (Ctrl-C prints one histogram per device and direction)
 * Options: none: block_rq_issue and block_rq_complete are Stable.
 * Reading: microseconds, power-of-two buckets.  DEV is the kernel dev_t
 *          (major << 20 | minor: 265289728 is 253:0), RWBS starts with R for
 *          reads, W for writes, F for flushes, D for discards.  Requests issued
 *          before the run started are not counted.
 * Kernels: 6.1, 6.12, 6.18.
 */
block:block_rq_issue
{
  issued[args->dev, args->sector] = timestamp;
}

block:block_rq_complete
/issued[args->dev, args->sector]/
{
  @usecs[args->dev, args->rwbs] = quantize((timestamp - issued[args->dev, args->sector]) / 1000);
  issued[args->dev, args->sector] = 0;
}

END
{
  printa("dev %d %s, microseconds:\n%@d\n", @usecs);
}
