/* docs/generated/close-states.dot: the TCP close state machine (the documented transitions below),
 * with the states and transitions the suite observed drawn bold and counted. Observed means: a
 * passing record has a check of kind "state" whose typed value confirmed the state through
 * sock_diag ("absent": CLOSED), and a transition A -> B that the same socket (the checks' subject)
 * was seen in A and then, at its next state check, in B. A socket seen in A and then absent counts
 * as A -> CLOSED when the diagram has that edge. Some transitions look alike in sock_diag (an RST
 * and the timer both end a TIME_WAIT; a SYN that replaces one leaves a new socket, not the old one
 * in another state): those have a name, and a test proves one by naming it in its definition
 * (describe's "proves", harness/meta.h) and passing. Each bold edge links to its tests. */
#define _GNU_SOURCE
#include "docs.h"

#include <stdlib.h>
#include <string.h>

static const char *const states[] = {"ESTABLISHED", "FIN_WAIT1",  "FIN_WAIT2", "CLOSING",
                                     "TIME_WAIT",   "CLOSE_WAIT", "LAST_ACK",  "CLOSED"};
#define NSTATES (sizeof states / sizeof *states)

/* The close transitions of RFC 9293's state diagram plus Linux's own, in our words; `name`: the
 * transitions proven by the tests that name them, not by a sequence of states. */
static const struct edge {
    const char *from, *to, *why, *name;
} edges[] = {
    {"ESTABLISHED", "FIN_WAIT1", "close(): our FIN sent", NULL},
    {"FIN_WAIT1", "FIN_WAIT2", "our FIN acknowledged", NULL},
    {"FIN_WAIT1", "CLOSING", "peer's FIN first: ACK sent", NULL},
    {"FIN_WAIT1", "TIME_WAIT", "peer's FIN+ACK: ACK sent", NULL},
    {"FIN_WAIT2", "TIME_WAIT", "peer's FIN: ACK sent", NULL},
    {"CLOSING", "TIME_WAIT", "our FIN acknowledged", NULL},
    {"TIME_WAIT", "CLOSED", "timer: 60 s on Linux", NULL},
    {"FIN_WAIT2", "CLOSED", "orphan: tcp_fin_timeout", NULL},
    {"ESTABLISHED", "CLOSE_WAIT", "peer's FIN: ACK sent", NULL},
    {"CLOSE_WAIT", "LAST_ACK", "close(): our FIN sent", NULL},
    {"LAST_ACK", "CLOSED", "our FIN acknowledged\\n(or tcp_orphan_retries)", NULL},
    {"ESTABLISHED", "CLOSED", "close() with SO_LINGER 0:\\nRST, no TIME_WAIT", NULL},
    /* tcp_timewait_state_process(): an RST at rcv_nxt ends it unless tcp_rfc1337=1 */
    {"TIME_WAIT", "CLOSED", "RST at rcv_nxt\\n(tcp_rfc1337=0)", "time_wait_rst"},
    /* ... and an acceptable SYN (TCP_TW_SYN) hands the 4-tuple to the listener */
    {"TIME_WAIT", "ESTABLISHED",
     "SYN after rcv_nxt or with a newer TSval:\\na new connection "
     "on the 4-tuple",
     "time_wait_syn"},
    /* tcp_time_wait(): inet_twsk_alloc() refused (TCPTimeWaitOverflow), tcp_done() */
    {"FIN_WAIT2", "CLOSED", "tcp_max_tw_buckets full:\\nno TIME_WAIT made", "no_time_wait"},
};
#define NEDGES (sizeof edges / sizeof *edges)

bool state_edge_named(const char *name)
{
    for (size_t e = 0; name && e < NEDGES; e++)
        if (edges[e].name && strcmp(edges[e].name, name) == 0)
            return true;
    return false;
}

static int state_index(const char *name)
{
    for (size_t i = 0; i < NSTATES; i++)
        if (strcmp(states[i], name) == 0)
            return (int)i;
    return -1;
}

/* A sequence from -> to, unless the test proves a named edge between the same states: then it
 * is that one (an RST that ended a TIME_WAIT is not its timer). */
static void mark_edge(bool *seen, int from, int to, const char *proves)
{
    for (size_t e = 0; e < NEDGES; e++)
        if (proves && edges[e].name && strcmp(edges[e].name, proves) == 0 &&
            state_index(edges[e].from) == from && state_index(edges[e].to) == to)
            return;
    for (size_t e = 0; e < NEDGES; e++)
        if (!edges[e].name && state_index(edges[e].from) == from && state_index(edges[e].to) == to)
            seen[e] = true;
}

/* The state a check of kind "state" expected, from its typed value: "absent" is CLOSED; -1
 * for a state the diagram does not draw (LISTEN, SYN_SENT ...). */
static int expected_state(json_t *check)
{
    const char *e =
        json_string_value(json_object_get(json_object_get(check, "expected_value"), "state"));
    if (!e)
        return -1;
    return state_index(strcmp(e, "absent") == 0 ? "CLOSED" : e);
}

/* What one passing record observed: node_seen[state], edge_seen[edge]. */
static void observe(json_t *rec, const char *proves, bool *node_seen, bool *edge_seen)
{
    json_t *last = json_object(); /* subject -> index of the last state it was seen in */
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (strcmp(check_str(c, "kind"), "state") || !json_is_true(json_object_get(c, "ok")))
            continue;
        const char *subject = check_str(c, "subject");
        int to = expected_state(c);
        if (to < 0) {
            json_object_del(last, subject); /* a state not drawn: no edge through it */
            continue;
        }
        node_seen[to] = true;
        json_t *prev = json_object_get(last, subject);
        if (prev && (int)json_integer_value(prev) != to)
            mark_edge(edge_seen, (int)json_integer_value(prev), to, proves);
        json_object_set_new(last, subject, json_integer(to));
    }
    json_decref(last);
}

/* An edge's attributes: bold with its count and a link to the first of its tests (all of them
 * in the tooltip), or grey and dashed when no passing test showed it. */
static void write_edge(FILE *f, const struct edge *e, json_t *tests)
{
    size_t n = json_array_size(tests), i;
    /* an edge back up (a SYN that replaces a TIME_WAIT) is laid out downwards and drawn
     * reversed, so that it does not pull ESTABLISHED down */
    bool up = strcmp(e->to, "ESTABLISHED") == 0;
    fprintf(f, "  %s -> %s [%slabel=\"%s", up ? e->to : e->from, up ? e->from : e->to,
            up ? "dir=back, " : "", e->why);
    if (n == 0) {
        fputs("\", color=\"#9e9e9e\", fontcolor=\"#757575\", style=dashed", f);
    } else {
        fprintf(f, "\\n(%zu test%s)\", color=\"#2e7d32\", penwidth=2.5", n, n == 1 ? "" : "s");
        /* test names are plain (inputs.c): nothing to escape */
        fprintf(f, ", URL=\"expected-results.md#t-%s\", tooltip=\"",
                json_string_value(json_array_get(tests, 0)));
        json_t *t;
        json_array_foreach(tests, i, t) fprintf(f, "%s%s", i ? "\\n" : "", json_string_value(t));
        fputc('"', f);
    }
    fputs("];\n", f);
}

bool write_states_dot(const struct docs *d, const char *path)
{
    size_t node_tests[NSTATES] = {0};
    json_t *edge_tests[NEDGES];
    for (size_t e = 0; e < NEDGES; e++)
        edge_tests[e] = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(d->tests, i, t)
    {
        bool node_seen[NSTATES] = {0}, edge_seen[NEDGES] = {0}, passed = false;
        const char *test = json_string_value(json_object_get(t, "test"));
        const char *proves = json_string_value(json_object_get(t, "proves"));
        for (size_t s = 0; s < d->nsrc; s++) {
            json_t *rec = source_record(&d->src[s], test);
            if (strcmp(record_verdict(rec), "pass") == 0) {
                observe(rec, proves, node_seen, edge_seen);
                passed = true;
            }
        }
        for (size_t e = 0; e < NEDGES; e++)
            edge_seen[e] |= passed && proves && edges[e].name && !strcmp(edges[e].name, proves);
        for (size_t n = 0; n < NSTATES; n++)
            node_tests[n] += node_seen[n];
        for (size_t e = 0; e < NEDGES; e++)
            if (edge_seen[e])
                json_array_append_new(edge_tests[e], json_string(test));
    }
    FILE *f = open_output(path);
    if (!f) {
        for (size_t e = 0; e < NEDGES; e++)
            json_decref(edge_tests[e]);
        return false;
    }
    fputs("// Generated by afterclose-docs (ci/gen-docs): do not edit.\n"
          "digraph close_states {\n"
          "  graph [fontname=\"Helvetica\", fontsize=12, labelloc=t, nodesep=0.5,\n"
          "         label=\"TCP close states: bold = confirmed by a passing test (count = "
          "tests; each edge links to them),\\ngrey dashed = documented, not observed yet\"];\n"
          "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];\n"
          "  edge [fontname=\"Helvetica\", fontsize=9];\n"
          "  { rank=same; FIN_WAIT1; CLOSE_WAIT; }\n"
          "  { rank=same; FIN_WAIT2; CLOSING; LAST_ACK; }\n",
          f);
    for (size_t n = 0; n < NSTATES; n++) {
        if (node_tests[n])
            fprintf(f,
                    "  %s [label=\"%s\\n%zu test%s\", fillcolor=\"#9fd89a\", color=\"#2e7d32\", "
                    "penwidth=2];\n",
                    states[n], n == NSTATES - 1 ? "CLOSED (gone)" : states[n], node_tests[n],
                    node_tests[n] == 1 ? "" : "s");
        else
            fprintf(f, "  %s [label=\"%s\", fillcolor=\"#eeeeee\", color=\"#9e9e9e\"];\n",
                    states[n], n == NSTATES - 1 ? "CLOSED (gone)" : states[n]);
    }
    for (size_t e = 0; e < NEDGES; e++) {
        write_edge(f, &edges[e], edge_tests[e]);
        json_decref(edge_tests[e]);
    }
    fputs("}\n", f);
    return ac_output_done(f, "afterclose-docs", path);
}
