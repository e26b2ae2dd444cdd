syscalls:sys_enter_read
{
	self->spec = speculation();
	speculate(self->spec);
	@reads = count();
}
