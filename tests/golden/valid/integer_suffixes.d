syscalls:sys_enter_read /args->count > 4096UL && args->count < 1048576ull/ { @big = count(); }
