#define _GNU_SOURCE
#include "agree.h"

#include "results.h"
#include "typed.h"

#include <stdio.h>
#include <string.h>

static json_int_t integer(json_t *v, const char *key)
{
    return json_integer_value(json_object_get(v, key));
}

int ac_values_agree(json_t *expected, json_t *observed)
{
    const char *te = ac_value_type(expected), *to = ac_value_type(observed);
    if (!te || !to)
        return -1;
    if (!strcmp(te, "range_ms") && !strcmp(to, "seconds")) {
        json_t *r = json_object_get(expected, "range_ms");
        json_int_t lo = json_integer_value(json_array_get(r, 0));
        json_int_t hi = json_integer_value(json_array_get(r, 1));
        json_int_t s = integer(observed, "seconds"), big = (json_int_t)1 << 40;
        if (s < -big || s > big || lo < -big * 1000 || hi > big * 1000)
            return -1; /* far beyond any timer: no arithmetic that could overflow */
        json_int_t ms = s * 1000;
        /* the measured ms lies within ±500 of ms: only a certain answer counts */
        if (ms + 500 < lo || ms - 500 > hi)
            return 0;
        if (ms - 500 >= lo && ms + 500 <= hi)
            return 1;
        return -1;
    }
    if (strcmp(te, to) != 0 || !strcmp(te, "range_ms") || !strcmp(te, "seconds"))
        return -1;
    if (!strcmp(te, "errno")) /* the name is checked against the number already */
        return integer(expected, "errno") == integer(observed, "errno");
    return json_equal(json_object_get(expected, te), json_object_get(observed, te));
}

char *ac_value_show(json_t *v, char *out, size_t len)
{
    const char *type = ac_value_type(v);
    json_t *x = type ? json_object_get(v, type) : NULL;
    if (!type)
        snprintf(out, len, "?");
    else if (!strcmp(type, "errno"))
        ac_printable(json_string_value(json_object_get(v, "name")), out, len);
    else if (!strcmp(type, "state") || !strcmp(type, "text"))
        ac_printable(json_string_value(x), out, len);
    else if (!strcmp(type, "range_ms"))
        snprintf(out, len, "%" JSON_INTEGER_FORMAT "..%" JSON_INTEGER_FORMAT " ms",
                 json_integer_value(json_array_get(x, 0)),
                 json_integer_value(json_array_get(x, 1)));
    else if (!strcmp(type, "seconds"))
        snprintf(out, len, "%" JSON_INTEGER_FORMAT " s", json_integer_value(x));
    else
        snprintf(out, len, "%" JSON_INTEGER_FORMAT, json_integer_value(x));
    return out;
}
