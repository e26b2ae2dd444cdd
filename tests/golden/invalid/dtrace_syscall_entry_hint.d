syscall::openat:entry { @[execname] = count(); }
