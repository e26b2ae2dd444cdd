tracepoint:syscalls:sys_enter_futex { @[comm] = count(); }
