/* tid is the record's common_pid, so the kernel can test it; pid (the tgid) is not recorded. */
syscalls:sys_enter_write /tid == 1234/ { @ = count(); }
