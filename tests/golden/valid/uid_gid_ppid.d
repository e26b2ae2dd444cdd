syscalls:sys_enter_kill /uid == 0/ { @[ppid, gid, args->sig] = count(); }
