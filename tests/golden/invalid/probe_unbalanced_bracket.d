syscalls:sys_enter_[rw* { @ = count(); }
