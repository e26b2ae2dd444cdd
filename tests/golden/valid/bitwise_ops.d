block:block_rq_issue { @ioclass[args->ioprio >> 13] = count(); @lvl[args->ioprio & 7] = count(); @x[~args->ioprio & 1 | 2 ^ 3] = count(); }
