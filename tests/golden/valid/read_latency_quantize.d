/* read(2) latency by process, DTrace style */
syscalls:::sys_enter_read
{
	self->ts = timestamp;
}
syscalls:::sys_exit_read
/self->ts/
{
	@lat[execname] = quantize(timestamp - self->ts);
	self->ts = 0;
}
