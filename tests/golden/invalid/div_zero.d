// Constant divisors of zero are refused when compiling, as DTrace does.
BEGIN
{
	a = 123 / 0;
	b = 123 % (7 - 7);
	c = 5;
	c /= (3 * 0);
	d = 123 / (7 - 6);
	exit(0);
}
