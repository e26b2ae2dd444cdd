syscalls:sys_enter_* { @[probefunc] = count(); }
