//! option allow=hot
// With hot probes allowed the glob takes futex and sched_yield as well.
tracepoint:syscalls:sys_enter_* { @[comm] = count(); }
