/* Block I/O latency, issue to completion, keyed by dev and sector. */
block:block_rq_issue { start[args->dev, args->sector] = timestamp; }
block:block_rq_complete /start[args->dev, args->sector]/
{
	@ms = lquantize((timestamp - start[args->dev, args->sector]) / 1000000, 0, 100, 5);
	start[args->dev, args->sector] = 0;
}
