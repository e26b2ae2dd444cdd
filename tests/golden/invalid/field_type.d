irq:irq_handler_entry, syscalls:sys_enter_fgetxattr { @[args->name] = count(); }
