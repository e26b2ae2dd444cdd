// The ERROR probe in its spellings, with the fault in arg1..arg5 and D's
// DTRACEFLT_* names for the faults.
#pragma D option quiet
BEGIN { myid = id; none = arg0 + arg9; }
tick-1s { n++; printf("%d\n", 100 / (n % 2)); }
ERROR /arg1 == myid/ { printf("a BEGIN clause failed\n"); }
dtrace:::ERROR /arg4 == DTRACEFLT_DIVZERO/ { printf("clause %d of probe %d: divide-by-zero (%d %d %d)\n", arg2, arg1, arg0, arg3, arg5); }
:::ERROR /arg4 == DTRACEFLT_BADINDEX || arg4 == DTRACEFLT_BADADDR/ { exit(1); }
