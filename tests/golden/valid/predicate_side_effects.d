// Predicates may assign, as in DTrace (/i++ == 0/): each is evaluated once
// per firing, and only the conjuncts before the first side effect go to the
// kernel filter (what follows depends on D's left-to-right evaluation).
syscalls:sys_enter_openat /args->flags == 0 && opened++ < 10/ { @first[execname] = count(); }
syscalls:sys_enter_close /(last = args->fd) > 2 && args->fd < 100/ { @fds = count(); }
syscalls:sys_exit_openat /self->calls++ == 0 && args->ret >= 0/ { @once = count(); }
BEGIN /i++ == 0/ { printf("first BEGIN\n"); }
