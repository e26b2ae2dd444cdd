syscalls:sys_enter_openat { self->path = args->filename; }
syscalls:sys_exit_openat /self->path/ { printf("%s\n", stringof(*self->path)); }
