syscalls:sys_exit_read { @result[args->ret < 0 ? "error" : args->ret == 0 ? "eof" : "data"] = count(); }
