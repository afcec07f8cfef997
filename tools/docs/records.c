/* Looking results up: which record describes a test, and on which kernels it passed. */
#define _GNU_SOURCE
#include "docs.h"

#include <stdlib.h>
#include <string.h>

json_t *source_record(const struct source *s, const char *test)
{
    return json_object_get(s->recs, test);
}

const char *record_verdict(json_t *rec)
{
    const char *v = json_string_value(json_object_get(rec, "verdict"));
    return v ? v : "missing";
}

json_t *reference_record(const struct docs *d, const char *test)
{
    for (size_t i = 0; i < d->nsrc; i++) {
        json_t *rec = source_record(&d->src[i], test);
        if (rec)
            return rec;
    }
    return NULL;
}

char *passed_on(const struct docs *d, const char *test)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const char *sep = "";
    for (size_t i = 0; i < d->nsrc; i++)
        if (strcmp(record_verdict(source_record(&d->src[i], test)), "pass") == 0) {
            fprintf(f, "%s%s", sep, d->src[i].label);
            sep = ", ";
        }
    fclose(f);
    return buf;
}

const char *check_str(json_t *check, const char *key)
{
    const char *s = json_string_value(json_object_get(check, key));
    return s ? s : "";
}

bool check_is_state(json_t *check)
{
    return ac_kind_from_name(check_str(check, "kind")) == AC_KIND_STATE;
}

json_t *claim_of_kind(json_t *rec, enum ac_kind kind)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (ac_check_is_claim(c) && ac_kind_from_name(check_str(c, "kind")) == (int)kind)
            return c;
    }
    return NULL;
}
