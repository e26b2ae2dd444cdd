//! arg 1234
//! arg 9
/* $1 is a pid and $2 a signal number. */
signal:signal_generate /args->pid == $1 && args->sig == $2/
{
	printf("%s sent signal %d to %d\n", execname, args->sig, args->pid);
}
