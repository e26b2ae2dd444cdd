sched:sched_switch /self->started/ { @ = quantize(timestamp - self->started); }
