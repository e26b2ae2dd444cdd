syscalls:sys_enter_nanosleep { self->start = timestamp; self->name = execname; }
syscalls:sys_exit_nanosleep /self->start/
{
	@sleep[self->name] = avg(timestamp - self->start);
	self->start = 0;
}
