#pragma D option quiet
syscalls:sys_enter_openat { @opens[execname] = count(); }
tick-1s
{
	printf("%Y\n", walltimestamp);
	printa("%-20s %@10d\n", @opens);
	trunc(@opens);
}
