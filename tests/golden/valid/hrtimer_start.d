timer:hrtimer_start { @[execname] = count(); }
