syscalls:sys_enter_openat { printf("%s\n", copyinstr(args->filename)); }
