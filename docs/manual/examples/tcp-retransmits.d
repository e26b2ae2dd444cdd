/*
 * tcp-retransmits.d: which connections retransmit, and in which state?
 *
 * Run:     probity -q -s tcp-retransmits.d
 *          (one line per retransmitted segment; a summary at Ctrl-C)
 * Options: none.
 * Reading: state 2 (SYN_SENT) retransmissions are connection attempts
 *          nobody answers (a dropped SYN, a full accept queue, a firewall);
 *          state 1 (ESTABLISHED) ones are packet loss on an open connection.
 *          The event fires in timer (softirq) context, so execname is
 *          whatever task was interrupted, not the connection's owner.
 * Kernels: 6.1, 6.12, 6.18 (IPv4 fields shown; IPv6 ones are saddr_v6 and
 *          daddr_v6).
 */
tcp:tcp_retransmit_skb
/args->family == 2/
{
  printf("retransmit %d.%d.%d.%d:%d -> %d.%d.%d.%d:%d state %d\n",
         args->saddr[0], args->saddr[1], args->saddr[2], args->saddr[3], args->sport,
         args->daddr[0], args->daddr[1], args->daddr[2], args->daddr[3], args->dport, args->state);
  @retransmits[args->dport, args->state] = count();
}

END
{
  printf("%-8s %6s %12s\n", "DPORT", "STATE", "RETRANSMITS");
  printa("%-8d %6d %@12d\n", @retransmits);
}
