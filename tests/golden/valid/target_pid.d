syscalls:sys_enter_write /pid == $target/ { @[args->fd] = count(); }
