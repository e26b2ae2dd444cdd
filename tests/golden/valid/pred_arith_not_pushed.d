block:block_rq_issue /args->nr_sector * 512 > 65536/ { @big[args->comm] = count(); }
