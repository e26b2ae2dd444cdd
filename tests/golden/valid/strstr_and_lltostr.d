sched:sched_wakeup /strstr(args->comm, "kworker") != ""/
{
	@[strjoin("cpu", lltostr(args->target_cpu))] = count();
}
