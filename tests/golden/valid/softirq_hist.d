irq:softirq_entry { start_softirq[cpu] = timestamp; }
irq:softirq_exit /start_softirq[cpu]/ { @[args->vec] = hist(timestamp - start_softirq[cpu]); start_softirq[cpu] = 0; }
