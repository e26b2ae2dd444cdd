// signals.bt: who sends which signal to whom
tracepoint:signal:signal_generate
{
	@[args->sig, args->pid, comm] = count();
}
