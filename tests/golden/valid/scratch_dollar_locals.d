sched:sched_switch
{
	$delta = args->next_prio - args->prev_prio;
	@prio_delta = lquantize($delta, -20, 20, 1);
}
