//! kernel 6.12.117+deb12-amd64
syscalls:sys_exit_* /args->ret < 0/ { @errors[probename, args->ret] = count(); }
