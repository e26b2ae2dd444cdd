syscalls:sys_enter_openat /args->mode == 0644/ { @[execname] = count(); }
