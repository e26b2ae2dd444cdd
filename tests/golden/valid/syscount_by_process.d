/* syscount: system calls by process (DTrace: syscall:::entry { @[execname] = count(); }) */
syscalls:sys_enter_* { @[execname] = count(); }
