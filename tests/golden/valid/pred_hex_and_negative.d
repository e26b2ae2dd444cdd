block:block_rq_complete /args->error == -5 || args->dev == 0x800000/ { @ = count(); }
