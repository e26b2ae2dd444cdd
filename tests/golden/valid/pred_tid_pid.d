syscalls:sys_enter_read /tid == 1 || pid == 42/ { @ = count(); }
