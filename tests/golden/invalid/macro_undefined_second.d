//! arg 42
syscalls:sys_enter_kill /args->pid == $1 && args->sig == $2/ { @ = count(); }
