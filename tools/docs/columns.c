/* The order the page shows its kernels in: the kernels the matrix booted by release, oldest
 * first (5.10 before 6.1 before 6.12 before 7.x: numbers, not strings), then the host columns
 * (this machine's own runs), by release as well. d->src keeps the order the inputs came in,
 * which decides the record the other docs describe a test by. */
#define _GNU_SOURCE
#include "docs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "6.12.118+deb13-cloud-amd64" -> {6, 12, 118}; missing parts are 0, and a release that does
 * not start with a number sorts first ({-1}). */
static void release_parts(const char *release, long v[3])
{
    v[0] = -1, v[1] = v[2] = 0;
    sscanf(release, "%ld.%ld.%ld", &v[0], &v[1], &v[2]);
}

int release_version(const char *release)
{
    long v[3];
    release_parts(release, v);
    return v[0] < 0 || v[1] < 0 || v[1] > 999 ? -1 : (int)(v[0] * 1000 + v[1]);
}

static const struct docs *sorting; /* qsort() passes no context */

static int by_release(const void *a, const void *b)
{
    const struct source *x = &sorting->src[*(const size_t *)a];
    const struct source *y = &sorting->src[*(const size_t *)b];
    if (x->host != y->host)
        return x->host ? 1 : -1;
    long vx[3], vy[3];
    release_parts(x->release, vx);
    release_parts(y->release, vy);
    for (int i = 0; i < 3; i++)
        if (vx[i] != vy[i])
            return vx[i] < vy[i] ? -1 : 1;
    return strcmp(x->label, y->label);
}

size_t *column_order(const struct docs *d)
{
    size_t *order = calloc(d->nsrc + 1, sizeof *order);
    for (size_t i = 0; i < d->nsrc; i++)
        order[i] = i;
    sorting = d;
    qsort(order, d->nsrc, sizeof *order, by_release);
    sorting = NULL;
    return order;
}
