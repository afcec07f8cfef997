/* One TCP connection inside the test's namespace, both ends in this process, and the ways to
 * end it that leave the states the scenarios start from. */
#ifndef AC_CONN_H
#define AC_CONN_H

#include "diag.h"
#include "sock.h"

#include <stdbool.h>
#include <stdint.h>

struct ac_conn {
    int listener; /* -1 once closed */
    int server;   /* the accepted end */
    int client;
    struct ac_addr server_end; /* local address of the accepted end */
    struct ac_addr client_end; /* local address of the client */
};

/* Listener on listen_ip:port (with `listener_opts`), a client connecting to connect_ip:port (a
 * local address, e.g. a specific one when the listener is on the wildcard), accept(), and one
 * message ("hello server") from client to server, so the connection carried data. Waits until
 * both ends are ESTABLISHED. */
void ac_conn_open(struct ac_conn *c, const char *listen_ip, const char *connect_ip, uint16_t port,
                  unsigned listener_opts);

/* The server closes first (active close) and the client answers with its own close, so the
 * server's end goes FIN_WAIT1 -> FIN_WAIT2 -> TIME_WAIT and the client's LAST_ACK -> gone.
 * With close_listener the listener is closed as well ("the server was stopped"). Returns the
 * TIME_WAIT socket as sock_diag saw it; the test fails if it does not appear. */
struct ac_sockinfo ac_conn_server_closes_first(struct ac_conn *c, bool close_listener);

/* A match for the server's end of the connection: local server_end, remote client_end. */
struct ac_match ac_conn_server_match(const struct ac_conn *c);

#endif
