block:block_rq_complete /args->error != 0/
{
	printf("dev %d:%d sector %d error %d\n", args->dev >> 20, args->dev & 0xfffff, args->sector, args->error);
}
