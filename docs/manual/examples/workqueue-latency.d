/*
 * workqueue-latency.d: how long does queued kernel work wait before a
 * worker runs it, per workqueue?
 *
 * Run:     probity -q -s workqueue-latency.d
 *          (Ctrl-C prints one histogram per workqueue)
 * Options: amin=Unstable, set by the #pragma below: the work field is a kernel
 *          address, which the catalogue marks as Unstable data (addresses are
 *          no interface).  The script uses it only as a key to pair the
 *          queueing and the execution of the same work item, which holds on
 *          every release.
 * Reading: microseconds from workqueue_queue_work to workqueue_execute_start
 *          of the same work item.  Long waits on a per-CPU workqueue mean
 *          its CPU is busy (the kworker must be scheduled like any thread);
 *          deferred work such as writeback and vmstat updates waits for
 *          its delay first, and is queued when the delay ends.
 * Kernels: 6.1, 6.12, 6.18.
 */
#pragma D option amin=Unstable

workqueue:workqueue_queue_work
{
  queued[args->work] = timestamp;
  queue_name[args->work] = args->workqueue;
}

workqueue:workqueue_execute_start
/queued[args->work]/
{
  @usecs[queue_name[args->work]] = quantize((timestamp - queued[args->work]) / 1000);
  queued[args->work] = 0;
  queue_name[args->work] = "";
}

END
{
  printa("workqueue %s, microseconds:\n%@d\n", @usecs);
}
