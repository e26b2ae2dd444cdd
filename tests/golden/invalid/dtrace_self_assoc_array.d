/* DTrace allows self->ts[fd]; Probity keys a global array by thread instead. */
syscalls:sys_enter_read { self->ts[args->fd] = timestamp; }
syscalls:sys_exit_read /self->ts[1]/ { @ = count(); }
