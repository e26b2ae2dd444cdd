syscalls:sys_enter_openat /args->flags & 64/ { @creates[execname] = count(); }
