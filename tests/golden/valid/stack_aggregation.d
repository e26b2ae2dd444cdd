block:block_rq_issue /args->nr_sector > 1024/ { trace(args->comm); stack(); }
