/* The program pb_workload forkexec runs: exits at once (statically linked, so
 * that an exec costs no dynamic loading). Its comm is "pb_exit". */
int main(void) { return 0; }
