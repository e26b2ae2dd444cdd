/*
 * tcp-resets.d: which connections are reset, in either direction?
 *
 * Run:     probity -q -s tcp-resets.d
 *          (one line per reset received; a count of resets sent at Ctrl-C)
 * Options: none.
 * Reading: "received" lines name the local and remote endpoint (IPv4) of a
 *          connection the peer reset: a refused connect() or a peer that
 *          aborted.  Resets sent are counted by the TCP state of the local
 *          socket (0 no socket: a SYN to a closed port; 1 ESTABLISHED,
 *          2 SYN_SENT, ... as in include/net/tcp_states.h).
 * Kernels: 6.1, 6.12, 6.18.  tcp_send_reset's address fields changed shape
 *          after 6.1 (see "probity catalogue diff 6.1 6.18 tcp:tcp_send_reset"),
 *          so this script reads only its state.
 */
tcp:tcp_receive_reset
/args->family == 2/
{
  printf("received reset: %d.%d.%d.%d:%d <- %d.%d.%d.%d:%d (%s)\n",
         args->saddr[0], args->saddr[1], args->saddr[2], args->saddr[3], args->sport,
         args->daddr[0], args->daddr[1], args->daddr[2], args->daddr[3], args->dport, execname);
}

tcp:tcp_send_reset
{
  @sent[execname, args->state] = count();
}

END
{
  printf("%-16s %6s %8s\n", "COMM", "STATE", "SENT");
  printa("%-16s %6d %@8d\n", @sent);
}
