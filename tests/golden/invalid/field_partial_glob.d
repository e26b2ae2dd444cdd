syscalls:sys_enter_*read* { @[args->fd] = count(); }
