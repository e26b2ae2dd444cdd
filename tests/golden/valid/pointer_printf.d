syscalls:sys_enter_openat { printf("%s opens %p\n", execname, args->filename); }
