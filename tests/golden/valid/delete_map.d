syscalls:sys_enter_write { @pending[tid] = timestamp; }
syscalls:sys_exit_write /@pending[tid]/ { @w = hist(timestamp - @pending[tid]); delete(@pending[tid]); }
