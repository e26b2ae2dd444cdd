sched:sched_switch
{
	n += 1; n -= 0; n *= 1; n /= 1; n %= 1000000; n <<= 1; n >>= 1; n &= 0xffff; n |= 1; n ^= 0;
	++n; n--;
	@n = max(n);
}
