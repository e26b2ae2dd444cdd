sched:sched_stat_runtime { @ = count(); }
sched:sched_process_exec { @e = count(); }
raw_syscalls:sys_enter { @s = count(); }
