timer:timer_expire_entry { @expires[args->function] = count(); }
