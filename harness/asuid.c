#define _GNU_SOURCE
#include "asuid.h"

#include "check.h"
#include "errname.h"
#include "existing.h"
#include "sock.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* What travels through the pipe: plain ints, the step as a code. */
enum { STEP_NONE, STEP_SETRESUID, STEP_SOCKET, STEP_PARSE };
struct report {
    int step;
    int setup_err;
    int bind_err;
    int listen_err;
};

static const char *step_name(int step)
{
    switch (step) {
    case STEP_SETRESUID:
        return "setresuid";
    case STEP_SOCKET:
        return "socket";
    case STEP_PARSE:
        return "parse address";
    default:
        return NULL;
    }
}

/* The helper child: never asserts, always _exit()s. */
static void child(int out, uid_t uid, const char *ip, uint16_t port, unsigned opts, bool listen)
{
    struct report r = {0};
    struct ac_addr a;
    if (setresuid(uid, uid, uid) != 0) {
        r.step = STEP_SETRESUID;
        r.setup_err = errno;
    } else if (ac_addr_parse(&a, ip, port) != 0) {
        r.step = STEP_PARSE;
        r.setup_err = EINVAL;
    } else {
        int fd = ac_tcp_socket(ac_addr_family(&a), opts);
        if (fd < 0) {
            r.step = STEP_SOCKET;
            r.setup_err = -fd;
        } else {
            r.bind_err = ac_bind(fd, &a);
            if (r.bind_err == 0 && listen)
                r.listen_err = ac_listen(fd, 16);
        }
    }
    _exit(write(out, &r, sizeof r) == (ssize_t)sizeof r ? 0 : 1);
}

int ac_bind_as_uid(uid_t uid, const char *ip, uint16_t port, unsigned opts, bool listen,
                   struct ac_uid_bind *out)
{
    memset(out, 0, sizeof *out);
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return errno;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(p[0]);
        close(p[1]);
        return err;
    }
    if (pid == 0) {
        close(p[0]);
        child(p[1], uid, ip, port, opts, listen);
    }
    close(p[1]);
    struct report r;
    ssize_t n = read(p[0], &r, sizeof r);
    close(p[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (n != (ssize_t)sizeof r)
        return EPIPE;
    out->failed_step = step_name(r.step);
    out->setup_err = r.setup_err;
    out->bind_err = r.bind_err;
    out->listen_err = r.listen_err;
    return 0;
}

void ac_probe_bind_as_uid(enum ac_role role, uid_t uid, const char *ip, uint16_t port,
                          unsigned opts, int expected_bind)
{
    struct ac_addr a;
    ac_setup_ok("parse probe address", ac_addr_parse(&a, ip, port) ? EINVAL : 0);
    struct ac_uid_bind r;
    ac_setup_ok("helper child for another uid", ac_bind_as_uid(uid, ip, port, opts, true, &r));
    if (r.failed_step && strcmp(r.failed_step, "setresuid") == 0 &&
        (r.setup_err == EINVAL || r.setup_err == EPERM))
        cr_skip_test("cannot become uid %u here (setresuid: %s): %s", (unsigned)uid,
                     ac_errname(r.setup_err),
                     r.setup_err == EINVAL ? "the uid is not mapped in this user namespace"
                                           : "no CAP_SETUID");
    if (r.failed_step) {
        char step[64];
        snprintf(step, sizeof step, "helper child as uid %u: %s", (unsigned)uid, r.failed_step);
        ac_setup_ok(step, r.setup_err);
    }
    char what[48], step[200];
    snprintf(what, sizeof what, "as uid %u", (unsigned)uid);
    ac_bind_step_text(step, sizeof step, what, a.text, opts);
    ac_expect_errno(((struct ac_about){AC_KIND_BIND, role, a.text}), step, expected_bind,
                    r.bind_err);
    if (expected_bind == 0) {
        snprintf(step, sizeof step, "as uid %u: listen", (unsigned)uid);
        ac_expect_errno(((struct ac_about){AC_KIND_LISTEN, role, a.text}), step, 0, r.listen_err);
    }
}
