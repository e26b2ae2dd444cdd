/* DTrace's self->ts[fd], adapted mechanically to a global array keyed by tid. */
syscalls:sys_enter_read { ts[tid, args->fd] = timestamp; self->fd = args->fd; }
syscalls:sys_exit_read /ts[tid, self->fd]/
{
	@[self->fd] = quantize(timestamp - ts[tid, self->fd]);
	ts[tid, self->fd] = 0;
}
