signal:signal_generate /args->result != 0/ { @dropped[args->sig, args->result] = count(); }
