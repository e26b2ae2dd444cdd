/*
 * writeback-stalls.d: which processes stall waiting for dirty pages to be
 * written back, and for how long do their fsync() calls block?
 *
 * Run:     probity -q -s writeback-stalls.d
 *          (Ctrl-C prints the tables and the fsync histograms)
 * Options: amin=Unstable, set by the #pragma below: balance_dirty_pages's data
 *          is Unstable: its fields are the internals of the dirty-throttling
 *          control loop (two were renamed after 6.12).  The script reads only
 *          bdi and pause, which all three releases have.
 * Reading: folio_wait_writeback fires each time a task must wait for a page
 *          that is being written to disk (fsync, truncate, rewriting a page
 *          under I/O); balance_dirty_pages fires when the kernel throttles a
 *          writer that dirties pages faster than the disk takes them, with
 *          the pause it imposed (in milliseconds).
 * Kernels: 6.1, 6.12, 6.18.
 */
#pragma D option amin=Unstable

writeback:folio_wait_writeback
{
  @waits[execname, args->name] = count();
}

writeback:balance_dirty_pages
/args->pause > 0/
{
  @throttled[execname, args->bdi] = sum(args->pause);
}

syscalls:sys_enter_fsync, syscalls:sys_enter_fdatasync
{
  self->sync_start = timestamp;
}

syscalls:sys_exit_fsync, syscalls:sys_exit_fdatasync
/self->sync_start/
{
  @fsync_us[execname] = quantize((timestamp - self->sync_start) / 1000);
  self->sync_start = 0;
}

END
{
  printf("%-16s %-10s %8s\n", "COMM", "BDI", "WAITS");
  printa("%-16s %-10s %@8d\n", @waits);
  printf("%-16s %-10s %10s\n", "COMM", "BDI", "PAUSED ms");
  printa("%-16s %-10s %@10d\n", @throttled);
  printa("fsync/fdatasync by %s, microseconds:\n%@d\n", @fsync_us);
}
