/*
 * syscalls-of-a-process.d: which system calls does one process make, and
 * how often?
 *
 * Run:     probity -q -x allow=hot -s syscalls-of-a-process.d -p PID
 *          probity -q -x allow=hot -s syscalls-of-a-process.d -c 'ls -l /'
 *          (the run ends when the process exits; Ctrl-C ends it earlier)
 * Options: -x allow=hot   the glob syscalls:sys_enter_* includes hot system
 *                         calls (read, write, futex, ...); without the opt-in
 *                         the glob leaves them out with a warning.
 * Kernels: 6.1, 6.12, 6.18; which system calls exist depends on the
 *          architecture (the syscalls provider is Stable/Stable/ISA).
 */
syscalls:sys_enter_*
/pid == $target/
{
  @[probename] = count();
}
