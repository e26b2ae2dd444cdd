/*
 * execsnoop.d: which programs are being started, by whom?
 *
 * Run:     probity -q -s execsnoop.d
 *          (one line per successful exec; Ctrl-C ends it)
 * Options: allow=sensitive, set by the #pragma below: sched:sched_process_exec
 *          records the path of the executed file, which the catalogue marks as
 *          sensitive data.
 * Reading: PPID is read from /proc when the record is consumed, so it is 0
 *          for a process that has already exited by then.
 * Kernels: 6.1, 6.12, 6.18.
 */
#pragma D option allow=sensitive

BEGIN
{
  printf("%-8s %-8s %-16s %s\n", "PID", "PPID", "COMM", "PATH");
}

sched:sched_process_exec
{
  printf("%-8d %-8d %-16s %s\n", pid, ppid, execname, args->filename);
}
