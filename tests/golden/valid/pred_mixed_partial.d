/* The field test goes to the kernel; self->ts stays in user space. */
syscalls:sys_exit_read /args->ret > 0 && self->ts/ { @ = quantize(timestamp - self->ts); self->ts = 0; }
syscalls:sys_enter_read { self->ts = timestamp; }
