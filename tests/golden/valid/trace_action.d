signal:signal_generate { trace(args->sig); trace(args->comm); trace(timestamp); }
