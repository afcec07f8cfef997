#define _GNU_SOURCE
#include "typed.h"

#include "errname.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[AC_KIND_N] = {
    [AC_KIND_BIND] = "bind",       [AC_KIND_LISTEN] = "listen",   [AC_KIND_CONNECT] = "connect",
    [AC_KIND_ACCEPT] = "accept",   [AC_KIND_IO] = "io",           [AC_KIND_STATE] = "state",
    [AC_KIND_FD] = "fd",           [AC_KIND_TIMER] = "timer",     [AC_KIND_COUNT] = "count",
    [AC_KIND_ADDRESS] = "address", [AC_KIND_SOCKOPT] = "sockopt", [AC_KIND_FILE] = "file",
    [AC_KIND_SYSCTL] = "sysctl",   [AC_KIND_PACKET] = "packet",   [AC_KIND_SIGNAL] = "signal",
    [AC_KIND_UID] = "uid",
};

static const char *const role_names[AC_ROLE_N] = {
    [AC_ROLE_SETUP] = "setup", [AC_ROLE_CLAIM] = "claim"};

/* The TCP states of include/net/tcp_states.h as sock_diag reports them, and the two answers a
 * wait for a socket's disappearance gives. */
static const char *const state_names[] = {
    "ESTABLISHED", "SYN_SENT",     "SYN_RECV",       "FIN_WAIT1", "FIN_WAIT2",
    "TIME_WAIT",   "CLOSE",        "CLOSE_WAIT",     "LAST_ACK",  "LISTEN",
    "CLOSING",     "NEW_SYN_RECV", "BOUND_INACTIVE", "UNKNOWN", /* what fixtures/diag.c names a
                                                                   state it does not know: still an
                                                                   observation */
    "absent",      "present",
};

#define COUNT(a) (sizeof(a) / sizeof *(a))

static int index_of(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

const char *ac_kind_name(enum ac_kind kind)
{
    return (unsigned)kind < AC_KIND_N ? kind_names[kind] : NULL;
}

const char *ac_role_name(enum ac_role role)
{
    return (unsigned)role < AC_ROLE_N ? role_names[role] : NULL;
}

int ac_kind_from_name(const char *name)
{
    return index_of(kind_names, AC_KIND_N, name);
}

int ac_role_from_name(const char *name)
{
    return index_of(role_names, AC_ROLE_N, name);
}

json_t *ac_value_errno(int err)
{
    return json_pack("{s:i, s:s}", "errno", err, "name", ac_errname(err));
}

json_t *ac_value_state(const char *state)
{
    return json_pack("{s:s}", "state", state);
}

json_t *ac_value_int(long v)
{
    return json_pack("{s:I}", "int", (json_int_t)v);
}

json_t *ac_value_range_ms(long lo_ms, long hi_ms)
{
    return json_pack("{s:[I, I]}", "range_ms", (json_int_t)lo_ms, (json_int_t)hi_ms);
}

json_t *ac_value_seconds(long ms)
{
    long s = ms >= 0 ? (ms + 500) / 1000 : -((-ms + 500) / 1000); /* to the nearest */
    return json_pack("{s:I}", "seconds", (json_int_t)s);
}

json_t *ac_value_text(const char *text)
{
    return json_pack("{s:s}", "text", text);
}

static const char *const value_types[] = {"errno", "state", "int", "range_ms", "seconds", "text"};

const char *ac_value_type(json_t *v)
{
    if (!json_is_object(v) || json_object_size(v) == 0)
        return NULL;
    for (size_t i = 0; i < COUNT(value_types); i++)
        if (json_object_get(v, value_types[i]))
            return value_types[i];
    return NULL;
}

static bool bad(char *why, size_t len, const char *text)
{
    snprintf(why, len, "%s", text);
    return false;
}

bool ac_value_valid(json_t *v, char *why, size_t len)
{
    const char *type = ac_value_type(v);
    if (!type)
        return bad(why, len, "not a typed value (errno, state, int, range_ms, seconds or text)");
    size_t fields = strcmp(type, "errno") == 0 ? 2 : 1;
    if (json_object_size(v) != fields)
        return bad(why, len, "a typed value with fields of another type");
    json_t *x = json_object_get(v, type);
    if (strcmp(type, "errno") == 0) {
        const char *name = json_string_value(json_object_get(v, "name"));
        if (!json_is_integer(x) || !name)
            return bad(why, len, "an errno value needs an integer \"errno\" and a \"name\"");
        if (ac_errno_from_name(name) != json_integer_value(x))
            return bad(why, len, "an errno value whose name is not its number's");
    } else if (strcmp(type, "state") == 0) {
        if (index_of(state_names, COUNT(state_names), json_string_value(x)) < 0)
            return bad(why, len, "an unknown TCP state");
    } else if (strcmp(type, "range_ms") == 0) {
        if (json_array_size(x) != 2 || !json_is_integer(json_array_get(x, 0)) ||
            !json_is_integer(json_array_get(x, 1)) ||
            json_integer_value(json_array_get(x, 0)) > json_integer_value(json_array_get(x, 1)))
            return bad(why, len, "a range_ms that is not [low, high]");
    } else if (strcmp(type, "text") == 0) {
        if (!json_is_string(x))
            return bad(why, len, "a text value that is not a string");
    } else if (!json_is_integer(x)) {
        return bad(why, len, "an int or seconds value that is not an integer");
    }
    return true;
}

bool ac_check_is_claim(json_t *check)
{
    return ac_role_from_name(json_string_value(json_object_get(check, "role"))) == AC_ROLE_CLAIM;
}

size_t ac_claim_count(json_t *checks)
{
    size_t i, n = 0;
    json_t *c;
    json_array_foreach(checks, i, c)
    {
        n += ac_check_is_claim(c);
    }
    return n;
}

void ac_claim_text(json_t *rec, const char *field, char *out, size_t len)
{
    size_t i, used = 0;
    json_t *c;
    out[0] = '\0';
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (!ac_check_is_claim(c))
            continue;
        const char *step = json_string_value(json_object_get(c, "step"));
        const char *value = json_string_value(json_object_get(c, field));
        int w = snprintf(out + used, len - used, "%s%s → %s", used ? "; " : "", step ? step : "",
                         value ? value : "");
        if (w < 0 || (size_t)w >= len - used)
            break; /* cut short: the output stays a whole string */
        used += (size_t)w;
    }
}

json_t *ac_first_failed(json_t *rec)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (json_is_false(json_object_get(c, "ok")))
            return c;
    }
    return NULL;
}

static bool is_duration(json_t *check)
{
    return json_object_get(json_object_get(check, "observed_value"), "seconds") != NULL;
}

/* How one pair of checks differs, NONE when they agree. */
static enum ac_diff check_diff(json_t *x, json_t *y)
{
    bool claim = ac_check_is_claim(x);
    if (json_is_true(json_object_get(x, "ok")) != json_is_true(json_object_get(y, "ok")))
        return claim ? AC_DIFF_CLAIM : AC_DIFF_SETUP;
    if (!json_equal(json_object_get(x, "expected_value"), json_object_get(y, "expected_value")) ||
        !json_equal(json_object_get(x, "observed_value"), json_object_get(y, "observed_value"))) {
        /* both within the same stated range: timer jitter, not a behaviour; a range that
         * differs by kernel (a `.changed` rule) is a behaviour */
        if (is_duration(x) && is_duration(y) && json_is_true(json_object_get(x, "ok")) &&
            json_equal(json_object_get(x, "expected_value"), json_object_get(y, "expected_value")))
            return AC_DIFF_TIMING;
        return claim ? AC_DIFF_CLAIM : AC_DIFF_SETUP;
    }
    return AC_DIFF_NONE;
}

static bool unobserved(const char *verdict)
{
    return !strcmp(verdict, "skip") || !strcmp(verdict, "broken");
}

/* The pair's difference, handed to fn when there is one. */
static enum ac_diff visit(ac_check_diff_fn *fn, void *ctx, size_t i, json_t *x, json_t *y,
                          enum ac_diff d)
{
    if (fn && d != AC_DIFF_NONE)
        fn(ctx, i, x, y, d);
    return d;
}

enum ac_diff ac_records_diff_each(json_t *a, json_t *b, ac_check_diff_fn *fn, void *ctx)
{
    const char *va = json_string_value(json_object_get(a, "verdict"));
    const char *vb = json_string_value(json_object_get(b, "verdict"));
    enum ac_diff by_verdict = AC_DIFF_NONE;
    if (!va || !vb || strcmp(va, vb) != 0) {
        /* a skip is a claim that could not be observed there (a sysctl the kernel does not
         * have, a link type it cannot create), and so is a broken test (that machine's limits
         * or rights): not a kernel that answered otherwise */
        by_verdict = va && vb && (unobserved(va) || unobserved(vb)) ? AC_DIFF_SETUP : AC_DIFF_CLAIM;
        if (!fn)
            return by_verdict;
    }
    json_t *ca = json_object_get(a, "checks"), *cb = json_object_get(b, "checks");
    enum ac_diff worst = AC_DIFF_NONE;
    size_t n =
        json_array_size(ca) < json_array_size(cb) ? json_array_size(ca) : json_array_size(cb);
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(ca, i), *y = json_array_get(cb, i);
        enum ac_diff d;
        if (!json_equal(json_object_get(x, "kind"), json_object_get(y, "kind")) ||
            !json_equal(json_object_get(x, "role"), json_object_get(y, "role")) ||
            !json_equal(json_object_get(x, "subject"), json_object_get(y, "subject")))
            d = AC_DIFF_CLAIM; /* not the same scenario's steps: treat as a change of the claim */
        else
            d = check_diff(x, y);
        if (visit(fn, ctx, i, x, y, d) > worst)
            worst = d;
    }
    /* one kernel recorded more checks (a test stopped early, or a check only some kernels
     * make): a claim difference when a claim is among the extra checks */
    bool a_longer = json_array_size(ca) > n;
    json_t *longer = a_longer ? ca : cb;
    for (size_t i = n; i < json_array_size(longer); i++) {
        json_t *c = json_array_get(longer, i);
        enum ac_diff d = ac_check_is_claim(c) ? AC_DIFF_CLAIM : AC_DIFF_SETUP;
        if (visit(fn, ctx, i, a_longer ? c : NULL, a_longer ? NULL : c, d) > worst)
            worst = d;
    }
    return by_verdict != AC_DIFF_NONE ? by_verdict : worst;
}

enum ac_diff ac_records_diff(json_t *a, json_t *b)
{
    return ac_records_diff_each(a, b, NULL, NULL);
}

const char *ac_diff_name(enum ac_diff d)
{
    static const char *const names[] = {"same", "timing", "setup", "claim"};
    return (unsigned)d < COUNT(names) ? names[d] : NULL;
}
