int64_t total;
self uint64_t started;
this int kb;
sched:sched_switch { total++; self->started = timestamp; }
block:block_rq_issue { this->kb = (int)(args->nr_sector / 2); @[this->kb] = count(); }
END { printf("%d switches\n", total); }
