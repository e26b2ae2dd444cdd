/* DTrace's syscall::read:entry spelled with the function part: tracepoints have none. */
syscalls::sys_enter_read:
{
	self->ts = timestamp;
}
