sched:sched_process_exit /args->group_dead/
{
	printf("%s pid %d exited\n", args->comm, args->pid);
}
