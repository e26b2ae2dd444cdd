/*
 * syscalls-by-process.d: which processes make the most system calls?
 *
 * Run:     probity -q -s syscalls-by-process.d
 *          (Ctrl-C ends it and prints the table, busiest last)
 * Options: allow=hot, set by the #pragma below: raw_syscalls:sys_enter fires
 *          on every system call of every process; the catalogue marks it hot,
 *          so the run must accept that cost explicitly.
 * Kernels: 6.1, 6.12, 6.18 (raw_syscalls is Stable/Stable/ISA).
 */
#pragma D option allow=hot

raw_syscalls:sys_enter
{
  @calls[execname, pid] = count();
}

END
{
  printf("%-16s %8s %10s\n", "COMM", "PID", "SYSCALLS");
  printa("%-16s %8d %@10d\n", @calls);
}
