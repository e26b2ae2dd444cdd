syscalls:sys_enter_[rw]ead { @[probename] = count(); }
