tracepoint:syscalls:sys_enter_openat { printf("%s %d\n", comm, args->flags); }
