block:block_rq_issue { @bytes[args->rwbs] = llquantize(args->bytes, 10, 0, 6, 10); }
