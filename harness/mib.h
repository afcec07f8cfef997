/* The namespace's TCP counters, as nstat shows them: /proc/net/netstat ("TcpExt:" lines) is per
 * network namespace, so a test reads what its own sockets caused. */
#ifndef AC_MIB_H
#define AC_MIB_H

/* The TcpExt counter `name` (e.g. "TCPTimeWaitOverflow"), or -1 if it cannot be read. */
long ac_tcpext_counter(const char *name);

#endif
