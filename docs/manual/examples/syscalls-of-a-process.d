/*
 * syscalls-of-a-process.d: which system calls does one process make, and
 * how often?
 *
 * Run:     probity -q -s syscalls-of-a-process.d -p PID
 *          probity -q -s syscalls-of-a-process.d -c 'ls -l /'
 *          (the run ends when the process exits; Ctrl-C ends it earlier)
 * Options: allow=hot, set by the #pragma below: the glob syscalls:sys_enter_*
 *          includes hot system calls (read, write, futex, ...); without the
 *          opt-in the glob leaves them out with a warning.
 * Kernels: 6.1, 6.12, 6.18; which system calls exist depends on the
 *          architecture (the syscalls provider is Stable/Stable/ISA).
 */
#pragma D option allow=hot

syscalls:sys_enter_*
/pid == $target/
{
  @[probename] = count();
}
