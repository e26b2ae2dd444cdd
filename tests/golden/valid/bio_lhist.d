tracepoint:block:block_bio_queue { @sectors = lhist(args->nr_sector, 0, 256, 8); }
