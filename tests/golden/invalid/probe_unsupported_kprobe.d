kprobe:vfs_read { @ = count(); }
