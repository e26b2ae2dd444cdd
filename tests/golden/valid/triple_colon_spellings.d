sched:::sched_wakeup { @a = count(); }
tracepoint:sched:sched_wakeup_new { @b = count(); }
t:sched:sched_waking { @c = count(); }
