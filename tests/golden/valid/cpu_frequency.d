power:cpu_frequency { @freq_mhz[args->cpu_id] = lquantize(args->state / 1000, 0, 5000, 250); }
