btrfs:btrfs_cow_block { @ = count(); }
