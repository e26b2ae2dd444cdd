/* runqlat: run-queue latency with a map keyed by pid (bpftrace's runqlat.bt) */
tracepoint:sched:sched_wakeup,
tracepoint:sched:sched_wakeup_new
{
	@qtime[args->pid] = nsecs;
}
tracepoint:sched:sched_switch
/@qtime[args->next_pid]/
{
	@usecs = hist((nsecs - @qtime[args->next_pid]) / 1000);
	delete(@qtime[args->next_pid]);
}
