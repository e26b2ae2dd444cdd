// DTrace's lquantize/llquantize parameter relations.
BEGIN
{
	@a = lquantize(1, 2, 3, 4);
	@b = lquantize(1, 1, 100000, 100000);
	@c = llquantize(1, 10, 2, 6, 80);
	@d = llquantize(1, 10, 0, 6, 20);
	exit(0);
}
