syscalls:sys_enter_read
{
	this->fd = (int)args->fd;
	@fds[this->fd] = count();
	@big[(uint32_t)(args->count >> 10)] = count();
}
