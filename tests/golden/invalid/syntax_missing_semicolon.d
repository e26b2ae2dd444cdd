sched:sched_switch
{
	@a = count()
	@b = count();
}
