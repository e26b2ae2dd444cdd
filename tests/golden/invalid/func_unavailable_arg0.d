syscalls:sys_enter_read { @[arg0] = count(); }
