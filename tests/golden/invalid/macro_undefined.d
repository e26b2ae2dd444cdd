syscalls:sys_enter_read /pid == $1/ { @ = count(); }
