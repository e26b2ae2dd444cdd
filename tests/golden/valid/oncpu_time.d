/* On-CPU time per command from context switches. */
sched:sched_switch
{
	this->now = timestamp;
	@oncpu[args->prev_comm] = sum(this->now - (oncpu_since[cpu] ? oncpu_since[cpu] : this->now));
	oncpu_since[cpu] = this->now;
}
