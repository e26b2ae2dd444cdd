sched:sched_process_fork
{
	this->name = strjoin(args->parent_comm, "->");
	@[strjoin(this->name, args->child_comm)] = count();
	@lens[strlen(args->child_comm)] = count();
	@prefix[substr(args->parent_comm, 0, 3)] = count();
}
