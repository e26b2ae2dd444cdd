/*
 * syscall-errors.d: which processes get errors from system calls, from
 * which call and with which errno?
 *
 * Run:     probity -q -s syscall-errors.d
 *          (Ctrl-C prints one row per process, syscall number and errno)
 * Options: allow=hot, set by the #pragma below: raw_syscalls:sys_exit fires on
 *          every system call return.  The predicate is handed to the kernel's
 *          event filter, so only failed calls reach probity.
 * Reading: ID is the system call number (ausyscall ID, or
 *          /usr/include/asm/unistd_64.h); ERRNO is the negative errno
 *          (-2 ENOENT, -11 EAGAIN, -13 EACCES, ...).
 * Kernels: 6.1, 6.12, 6.18.
 */
#pragma D option allow=hot

raw_syscalls:sys_exit
/args->ret < 0/
{
  @errors[execname, args->id, args->ret] = count();
}

END
{
  printf("%-16s %5s %6s %8s\n", "COMM", "ID", "ERRNO", "COUNT");
  printa("%-16s %5d %6d %@8d\n", @errors);
}
