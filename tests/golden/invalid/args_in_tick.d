tick-1s { @[args->prev_comm] = count(); }
