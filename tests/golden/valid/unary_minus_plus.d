syscalls:sys_exit_write /args->ret < 0/ { @err[-args->ret] = count(); @pos[+args->ret] = count(); }
