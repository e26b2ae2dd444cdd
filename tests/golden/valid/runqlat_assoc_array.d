/* The same in DTrace's form: a global associative array. */
sched:::sched_wakeup
{
	start[args->pid] = timestamp;
}
sched:::sched_switch
/start[args->next_pid] != 0/
{
	@["run queue latency (ns)"] = quantize(timestamp - start[args->next_pid]);
	start[args->next_pid] = 0;
}
