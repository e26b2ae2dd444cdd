syscalls:sys_exit_read { @ = quantize(retval); }
