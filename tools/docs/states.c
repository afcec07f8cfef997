/* docs/close-states.dot: the TCP close state machine (the documented transitions below), with
 * the states and transitions the suite observed drawn bold and counted. Observed means: a
 * passing record confirmed the state through sock_diag ("state of X" checks, "X ... gone" for
 * CLOSED), and a transition A -> B that the same socket (the check's subject: see subject_of)
 * was seen in A and then in B, or a check "<A> ... gone" saw a socket in A disappear. A socket
 * seen in A and later gone counts as A -> CLOSED only when that is A's only way out: it may have
 * passed through states nobody looked at. */
#define _GNU_SOURCE
#include "docs.h"

#include <stdlib.h>
#include <string.h>

static const char *const states[] = {"ESTABLISHED", "FIN_WAIT1",  "FIN_WAIT2", "CLOSING",
                                     "TIME_WAIT",   "CLOSE_WAIT", "LAST_ACK",  "CLOSED"};
#define NSTATES (sizeof states / sizeof *states)

/* The close transitions of RFC 9293's state diagram plus Linux's own timers, in our words. */
static const struct edge {
    const char *from, *to, *why;
} edges[] = {
    {"ESTABLISHED", "FIN_WAIT1", "close(): our FIN sent"},
    {"FIN_WAIT1", "FIN_WAIT2", "our FIN acknowledged"},
    {"FIN_WAIT1", "CLOSING", "peer's FIN first: ACK sent"},
    {"FIN_WAIT1", "TIME_WAIT", "peer's FIN+ACK: ACK sent"},
    {"FIN_WAIT2", "TIME_WAIT", "peer's FIN: ACK sent"},
    {"CLOSING", "TIME_WAIT", "our FIN acknowledged"},
    {"TIME_WAIT", "CLOSED", "timer: 60 s on Linux"},
    {"FIN_WAIT2", "CLOSED", "orphan: tcp_fin_timeout"},
    {"ESTABLISHED", "CLOSE_WAIT", "peer's FIN: ACK sent"},
    {"CLOSE_WAIT", "LAST_ACK", "close(): our FIN sent"},
    {"LAST_ACK", "CLOSED", "our FIN acknowledged\\n(or tcp_orphan_retries)"},
    {"ESTABLISHED", "CLOSED", "close() with SO_LINGER 0:\\nRST, no TIME_WAIT"},
};
#define NEDGES (sizeof edges / sizeof *edges)

static int state_index(const char *name)
{
    for (size_t i = 0; i < NSTATES; i++)
        if (strcmp(states[i], name) == 0)
            return (int)i;
    return -1;
}

/* A state named inside a check's step ("orphaned FIN_WAIT2 of the server"), or -1. */
static int state_named_in(const char *step)
{
    for (size_t i = 0; i < NSTATES; i++)
        if (strcmp(states[i], "CLOSED") != 0 && strstr(step, states[i]))
            return (int)i;
    return -1;
}

static void mark_edge(bool *seen, int from, int to)
{
    for (size_t e = 0; e < NEDGES; e++)
        if (state_index(edges[e].from) == from && state_index(edges[e].to) == to)
            seen[e] = true;
}

/* Whether the only way out of state i is to CLOSED (TIME_WAIT, LAST_ACK): only then does
 * "seen in i, later gone" say that this very transition happened. */
static bool only_exit_is_closed(int i)
{
    size_t exits = 0, to_closed = 0;
    for (size_t e = 0; e < NEDGES; e++)
        if (state_index(edges[e].from) == i) {
            exits++;
            to_closed += strcmp(edges[e].to, "CLOSED") == 0;
        }
    return exits == 1 && to_closed == 1;
}

/* The subject of a check: the socket it is about, the words before what happened to it
 * ("server end after its close()", "server end, its FIN lost", "client end once its FIN is
 * acknowledged" -> "server end", "client end"). Caller frees. */
static char *subject_of(const char *step)
{
    static const char *const cuts[] = {",", " after ", " while ", " once ", " until ", " with "};
    if (strncmp(step, "state of ", 9) == 0)
        step += 9;
    size_t n = strlen(step);
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        const char *at = strstr(step, cuts[i]);
        if (at && (size_t)(at - step) < n)
            n = (size_t)(at - step);
    }
    return strndup(step, n);
}

/* The state a check expected: "FIN_WAIT1, retransmitted" -> FIN_WAIT1; "gone" -> CLOSED. */
static int expected_state(json_t *check)
{
    const char *e = check_str(check, "expected");
    if (strcmp(e, "gone") == 0)
        return state_index("CLOSED");
    char *name = strndup(e, strcspn(e, ", "));
    int i = state_index(name);
    free(name);
    return i;
}

/* What one passing record observed: node_seen[state], edge_seen[edge]. */
static void observe(json_t *rec, bool *node_seen, bool *edge_seen)
{
    json_t *last = json_object(); /* subject -> index of the last state it was seen in */
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (!check_is_state(c) || !json_is_true(json_object_get(c, "ok")))
            continue;
        const char *step = check_str(c, "step");
        bool gone = strcmp(check_str(c, "expected"), "gone") == 0;
        int to = expected_state(c);
        if (to < 0)
            continue;
        node_seen[to] = true;
        char *subject = subject_of(step);
        int from = gone ? state_named_in(step) : -1;
        const char *key;
        json_t *v;
        json_object_foreach(last, key, v)
        {
            int prev = (int)json_integer_value(v);
            if (from < 0 && strcmp(subject, key) == 0 && (!gone || only_exit_is_closed(prev)))
                from = prev;
        }
        if (from >= 0) {
            node_seen[from] = true;
            mark_edge(edge_seen, from, to);
        }
        json_object_set_new(last, subject, json_integer(to));
        free(subject);
    }
    json_decref(last);
}

bool write_states_dot(const struct docs *d, const char *path)
{
    size_t node_tests[NSTATES] = {0}, edge_tests[NEDGES] = {0};
    size_t i;
    json_t *t;
    json_array_foreach(d->tests, i, t)
    {
        bool node_seen[NSTATES] = {0}, edge_seen[NEDGES] = {0};
        const char *test = json_string_value(json_object_get(t, "test"));
        for (size_t s = 0; s < d->nsrc; s++) {
            json_t *rec = source_record(&d->src[s], test);
            if (strcmp(record_verdict(rec), "pass") == 0)
                observe(rec, node_seen, edge_seen);
        }
        for (size_t n = 0; n < NSTATES; n++)
            node_tests[n] += node_seen[n];
        for (size_t e = 0; e < NEDGES; e++)
            edge_tests[e] += edge_seen[e];
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "afterclose-docs: %s: cannot write\n", path);
        return false;
    }
    fputs("// Generated by afterclose-docs (ci/gen-docs): do not edit.\n"
          "digraph close_states {\n"
          "  graph [fontname=\"Helvetica\", fontsize=12, labelloc=t, nodesep=0.5,\n"
          "         label=\"TCP close states: bold = confirmed through sock_diag by a passing "
          "test (count = tests), grey dashed = documented, not observed yet\"];\n"
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
        if (edge_tests[e])
            fprintf(f,
                    "  %s -> %s [label=\"%s\\n(%zu test%s)\", color=\"#2e7d32\", penwidth=2.5];\n",
                    edges[e].from, edges[e].to, edges[e].why, edge_tests[e],
                    edge_tests[e] == 1 ? "" : "s");
        else
            fprintf(f,
                    "  %s -> %s [label=\"%s\", color=\"#9e9e9e\", fontcolor=\"#757575\", "
                    "style=dashed];\n",
                    edges[e].from, edges[e].to, edges[e].why);
    }
    fputs("}\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "afterclose-docs: %s: write error\n", path);
        return false;
    }
    return true;
}
