/* Process lifetime from fork to exit, in ms. */
sched:sched_process_fork { birth[args->child_pid] = timestamp; }
sched:sched_process_exit /birth[args->pid]/
{
	@life_ms[args->comm] = quantize((timestamp - birth[args->pid]) / 1000000);
	birth[args->pid] = 0;
}
