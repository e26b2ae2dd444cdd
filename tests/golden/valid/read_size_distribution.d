syscalls:sys_enter_read { @size[execname] = quantize(args->count); }
