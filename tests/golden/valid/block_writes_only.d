block:block_rq_issue /args->rwbs == "W"/ { @writes[args->comm] = count(); }
