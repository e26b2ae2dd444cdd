/*
 * hardirq-time.d: how much CPU time do interrupt handlers take, per
 * handler?
 *
 * Run:     probity -q -s hardirq-time.d
 *          (Ctrl-C prints the table)
 * Options: none: irq_handler_entry and irq_handler_exit are Stable.
 * Reading: NAME is what the driver registered (virtio0-requests, eth0-TxRx-0,
 *          nvme0q1, ...).  Time is in microseconds, summed over the run, with
 *          the number of interrupts and the longest single handler run.
 *          Interrupts that do their work in a threaded handler or a softirq
 *          show only the hard part here: see softirq-time.d.
 * Kernels: 6.1, 6.12, 6.18.
 */
irq:irq_handler_entry
{
  self->irq_start = timestamp;
  self->irq_name = args->name;
}

irq:irq_handler_exit
/self->irq_start/
{
  this->us = (timestamp - self->irq_start) / 1000;
  @total_us[args->irq, self->irq_name] = sum(this->us);
  @count[args->irq, self->irq_name] = count();
  @max_us[args->irq, self->irq_name] = max(this->us);
  self->irq_start = 0;
  self->irq_name = "";
}

END
{
  printf("%5s %-24s %10s %8s %8s\n", "IRQ", "NAME", "TOTAL us", "COUNT", "MAX us");
  printa("%5d %-24s %@10d %@8d %@8d\n", @total_us, @count, @max_us);
}
