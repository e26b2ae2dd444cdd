irq:irq_handler_entry { self->irq = timestamp; self->name = str(args->name); }
irq:irq_handler_exit /self->irq/
{
	@irq_us[self->name] = sum((timestamp - self->irq) / 1000);
	self->irq = 0;
}
