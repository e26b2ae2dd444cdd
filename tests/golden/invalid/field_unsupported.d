//! option allow=hot
raw_syscalls:sys_enter { @[args->args] = count(); }
