sched:sched_switch
{
	if (args->prev_state == 0) {
		@preempted[args->prev_comm] = count();
	} else if (args->prev_state == 1) {
		@sleeping[args->prev_comm] = count();
	} else {
		@other[args->prev_comm] = count();
	}
}
