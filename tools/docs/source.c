/* Linking a docs row to its test's source: the describe entry's "source" is the file, relative
 * to the checkout, and the line the compiler gave the test's definition (a table row's own
 * line; inputs.c checks the form). */
#define _GNU_SOURCE
#include "docs.h"

#include <stdlib.h>
#include <string.h>

char *test_source_link(json_t *t)
{
    const char *src = json_string_value(json_object_get(t, "source"));
    const char *colon = src ? strrchr(src, ':') : NULL;
    char *out;
    if (!colon || asprintf(&out, "%.*s#L%s", (int)(colon - src), src, colon + 1) < 0)
        return NULL;
    return out;
}
