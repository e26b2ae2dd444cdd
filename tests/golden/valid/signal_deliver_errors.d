signal:signal_deliver /args->sig == 9 || args->sig == 15/
{
	printf("%s (%d) got signal %d\n", execname, pid, args->sig);
}
