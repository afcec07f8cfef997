/* The blog's server in a helper child, and the test's end of the line to it.
 *
 * The seed's experiments are about descriptor numbers, which mean what they mean only in a
 * process whose descriptor table is known. So the server runs in a forked child with a clean
 * table: 0-2 the standard streams, 3 the listener on 192.168.1.100, 4 a level-triggered epoll
 * instance watching it. The child reports "name value" lines through one pipe and waits for
 * one-byte orders on another, so that the test can act between the server's steps (connect
 * clients, read sock_diag); both pipes sit at fixed numbers far above that layout.
 *
 * The child never asserts (an assertion from a process Criterion's runner does not know confuses
 * it) and always _exit()s: a step that fails exits with a status of its own, which
 * ac_seed_finish() turns into a failure. */
#ifndef AC_SEEDSERVER_H
#define AC_SEEDSERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct ac_seed {
    pid_t pid;
    FILE *reports; /* the child's "name value" lines */
    int orders;    /* the write end of the order pipe */
};

/* The server's own steps, run in the child once the layout stands and "listener" and "epoll"
 * have been reported. Never asserts; ends the child with _exit() (returning is _exit(0)).
 * Statuses 3 to 5 are taken: no clean table, no listener, no epoll instance. */
typedef void (*ac_seed_serve)(int listener, int ep);

/* Test side: forks the child, which listens on 192.168.1.100:port with `backlog` and then runs
 * serve; records the layout (the child's "listener" and "epoll" reports, which must be 3 and 4)
 * as setup checks, since every number the test compares later rests on it. */
void ac_seed_start(struct ac_seed *s, uint16_t port, int backlog, ac_seed_serve serve);
/* The child's next report, which must be `name`; fails the test when the child stopped first or
 * reported something else. */
int ac_seed_hear(struct ac_seed *s, const char *name);
/* Sends the one-byte order `byte`; `step` says what it orders in a failure. */
void ac_seed_order(struct ac_seed *s, const char *step, char byte);
/* Waits for the child, fails the test unless it exited with 0, and closes both pipes. */
void ac_seed_finish(struct ac_seed *s);

/* Child side, from serve. */
void ac_seed_say(const char *name, int value);
/* Waits for the test's next order; false when the test closed the pipe instead. */
bool ac_seed_wait_order(void);

#endif
