syscalls:sys_enter_frobnicate* { @ = count(); }
