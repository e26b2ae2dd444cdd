/* Several mistakes: each one is reported, in source order. */
sched:sched_switch
{
	@a[args->prev_cmm] = count();
	printf("%d\n", args->prev_comm);
	@b = sum(nosuchvar);
}
sched:sched_wakeup { @a[args->pid] = count(); }
