/* Speculative tracing: keep the trace of a read only when it fails. */
syscalls:sys_enter_read
{
	self->spec = speculation();
	speculate(self->spec);
	printf("read fd=%d count=%d\n", args->fd, args->count);
}
syscalls:sys_exit_read
/self->spec && args->ret < 0/
{
	commit(self->spec);
	self->spec = 0;
}
syscalls:sys_exit_read
/self->spec/
{
	discard(self->spec);
	self->spec = 0;
}
