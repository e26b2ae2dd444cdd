sched:sched_swich { @ = count(); }
kprobe:do_sys_open { @ = count(); }
raw_syscalls:sys_exit { @ = count(); }
