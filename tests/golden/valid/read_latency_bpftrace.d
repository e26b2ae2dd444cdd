// bpftrace: read latency histogram keyed by comm
tracepoint:syscalls:sys_enter_read { @start[tid] = nsecs; }
tracepoint:syscalls:sys_exit_read / @start[tid] / {
	@usecs = hist((nsecs - @start[tid]) / 1000);
	delete(@start[tid]);
}
