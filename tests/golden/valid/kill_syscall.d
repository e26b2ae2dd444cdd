/* kill.d: kill(2) senders and targets */
#pragma D option quiet
syscalls:::sys_enter_kill
{
	self->target = args->pid;
	self->sig = args->sig;
}
syscalls:::sys_exit_kill
/self->sig/
{
	printf("%-16s %6d -> %6d SIG %2d = %d\n", execname, pid, self->target, self->sig, args->ret);
	self->sig = 0;
	self->target = 0;
}
