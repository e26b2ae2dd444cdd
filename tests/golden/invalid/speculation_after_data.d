syscalls:sys_enter_read
{
	printf("before\n");
	self->spec = speculation();
	speculate(self->spec);
}
