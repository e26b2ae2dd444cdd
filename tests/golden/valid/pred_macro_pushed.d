//! arg 4
syscalls:sys_enter_read /args->fd == $1/ { @ = sum(args->count); }
