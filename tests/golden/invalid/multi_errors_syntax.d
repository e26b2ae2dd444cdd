sched:sched_switch
{
	@a = count(;
	@b = sum(1) +;
}
sched:sched_wakeup { @c = count() }
