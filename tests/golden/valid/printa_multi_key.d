#pragma D option quiet
syscalls:sys_enter_write { @w[execname, pid, args->fd] = sum(args->count); }
END { printa("%-16s %6d %3d %@12d\n", @w); }
