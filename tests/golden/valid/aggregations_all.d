syscalls:sys_exit_read /args->ret >= 0/
{
	@count[execname] = count();
	@sum[execname] = sum(args->ret);
	@avg[execname] = avg(args->ret);
	@min[execname] = min(args->ret);
	@max[execname] = max(args->ret);
	@stddev[execname] = stddev(args->ret);
	@q[execname] = quantize(args->ret);
	@l[execname] = lquantize(args->ret, 0, 4096, 256);
	@ll[execname] = llquantize(args->ret, 2, 0, 20, 4);
}
