#pragma D option allow=sensitive
tracepoint:sched:sched_process_exec { @execs[comm] = count(); }
