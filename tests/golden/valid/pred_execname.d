syscalls:sys_enter_write /execname == "nginx"/ { @[args->fd] = sum(args->count); }
