block:block_rq_issue { @io[args->comm, args->rwbs] = count(); @kb[args->comm] = sum(args->nr_sector / 2); }
tick-1s
{
	printa(@io);
	printa("%-16s %@d KB\n", @kb);
	trunc(@io, 10);
	clear(@kb);
}
