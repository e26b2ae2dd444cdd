power:cpu_idle /args->state != 4294967295/ { @[args->cpu_id, args->state] = count(); }
