/*
 * syscall-latency.d: how long do one process's system calls take, per
 * system call number?
 *
 * Run:     probity -q -s syscall-latency.d -p PID
 *          probity -q -s syscall-latency.d -c 'tar cf /dev/null /etc'
 * Options: allow=hot, set by the #pragma below:
 *          raw_syscalls:sys_enter/sys_exit fire on every system call; "pid ==
 *          $target" keeps only the target's.
 * Reading: one power-of-two histogram of microseconds per system call number
 *          (ID, as in syscall-errors.d).  exit and exit_group never return,
 *          so they have no row.
 * Kernels: 6.1, 6.12, 6.18.
 */
#pragma D option allow=hot

raw_syscalls:sys_enter
/pid == $target/
{
  self->start = timestamp;
}

raw_syscalls:sys_exit
/self->start/
{
  @us[args->id] = quantize((timestamp - self->start) / 1000);
  self->start = 0;
}

END
{
  printa("syscall %d, microseconds:\n%@d\n", @us);
}
