/* Every printf conversion Probity supports. */
#pragma D option quiet
sched:sched_switch
{
	printf("%d %i %u %x %X %o %c %s %% %5d %-5d %05d %ld %llu %lx\n",
	    args->prev_pid, args->next_pid, args->prev_prio, args->prev_state, args->next_prio,
	    args->prev_prio, 65, args->prev_comm, cpu, tid, pid, timestamp, timestamp, timestamp);
	printf("%p %Y %16s %-16s|\n", args->prev_state, walltimestamp, args->prev_comm, args->next_comm);
}
