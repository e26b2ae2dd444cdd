/*
 * cpu-migrations.d: which threads does the scheduler move between CPUs,
 * and from where to where?
 *
 * Run:     probity -q -s cpu-migrations.d
 * Options: none.
 * Reading: frequent migrations of a latency-sensitive thread cost cache
 *          warmth; pinning it (taskset, cpusets) is the usual fix.
 * Kernels: 6.1, 6.12, 6.18 (comm became a dynamic string in 6.16; the script
 *          reads it by name, so it compiles on all three).
 */
sched:sched_migrate_task
{
  @moves[args->comm, args->orig_cpu, args->dest_cpu] = count();
}

END
{
  printf("%-16s %4s %4s %8s\n", "COMM", "FROM", "TO", "MOVES");
  printa("%-16s %4d %4d %@8d\n", @moves);
}
