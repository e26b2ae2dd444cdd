syscalls:sys_enter_write { @[ustack()] = count(); }
