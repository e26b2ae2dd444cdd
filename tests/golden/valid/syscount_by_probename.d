#!/usr/sbin/dtrace -s
/* System calls by name, the classic one-liner, on tracepoints. */
#pragma D option quiet
syscalls:::sys_enter_*
{
	@num[probename] = count();
}
dtrace:::END
{
	printa("%-32s %@8d\n", @num);
}
