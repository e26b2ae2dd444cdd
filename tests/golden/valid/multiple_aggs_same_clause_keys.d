syscalls:sys_exit_read /args->ret > 0/ { @bytes[execname, pid] = sum(args->ret); @reads[execname, pid] = count(); }
END { printa("%s %d %@d %@d\n", @bytes, @reads); }
