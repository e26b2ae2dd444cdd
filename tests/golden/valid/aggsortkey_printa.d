#pragma D option aggsortkey
#pragma D option aggsortrev
syscalls:sys_enter_read { @[args->fd] = count(); }
END { printa("fd %d: %@d\n", @); }
