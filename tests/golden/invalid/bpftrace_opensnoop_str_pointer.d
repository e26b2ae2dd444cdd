// bpftrace's opensnoop reads the path from user memory; a tracepoint records only the pointer.
tracepoint:syscalls:sys_enter_openat { printf("%s %s\n", comm, str(args->filename)); }
