/*
 * oom-kills.d: which processes does the OOM killer choose, and how big
 * were they?
 *
 * Run:     probity -q -s oom-kills.d
 *          (one line per victim; leave it running)
 * Options: none.
 * Reading: oom:mark_victim fires when a task is chosen, for the global OOM
 *          killer and for a memory cgroup's limit alike.  Sizes are in kB,
 *          as in the kernel log's "Killed process" line; TRIGGER is the task
 *          whose allocation failed (often, but not always, the victim).
 * Kernels: 6.1, 6.12, 6.18.
 */
oom:mark_victim
{
  printf("%Y victim pid %d (%s) uid %d total-vm %dkB anon-rss %dkB file-rss %dkB oom_score_adj %d trigger %s\n",
         walltimestamp, args->pid, args->comm, args->uid, args->total_vm, args->anon_rss, args->file_rss,
         args->oom_score_adj, execname);
}
