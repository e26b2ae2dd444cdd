irq:softirq_???? { @[probename] = count(); }
