/* Text helpers: readable situations, escaping, and keeping run-specific values out. */
#define _GNU_SOURCE
#include "docs.h"
#include "results.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The outcome words of a test name: the result column says them, the situation must not. */
static bool is_outcome(const char *word, size_t n)
{
    return (n == 5 && strncmp(word, "fails", n) == 0) ||
           (n == 8 && strncmp(word, "succeeds", n) == 0);
}

char *humanize(const char *test)
{
    const char *name = strchr(test, '/') ? strchr(test, '/') + 1 : test;
    char *out = calloc(1, strlen(name) + 1);
    size_t o = 0;
    for (const char *w = name; *w;) {
        size_t n = strcspn(w, "_");
        if (!is_outcome(w, n)) {
            if (o)
                out[o++] = ' ';
            memcpy(out + o, w, n);
            o += n;
        }
        w += n + (w[n] == '_');
    }
    return out;
}

/* Linux's default ip_local_port_range starts at 32768: a port at or above it after a colon was
 * picked by the kernel for this run, not by the test. */
char *without_ephemeral(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    for (const char *p = s; *p; p++) {
        fputc(*p, f);
        if (*p != ':')
            continue;
        size_t n = strspn(p + 1, "0123456789");
        if (n == 5 && !isalnum((unsigned char)p[6]) && atoi(p + 1) >= 32768 &&
            atoi(p + 1) <= 65535) {
            fputs("<ephemeral>", f);
            p += n;
        }
    }
    fclose(f);
    return buf;
}

/* Values come from input files: nothing in them may end a table cell or row, open an HTML
 * tag, or reach a terminal as a control sequence (other control characters show as '?'). */
void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        size_t brk = ac_unicode_break(s); /* U+0085, U+2028, U+2029: line breaks to some */
        if (brk) {
            fputc(' ', f);
            s += brk - 1;
        } else if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n')
            fputs("<br>", f);
        else if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '\r' || *s == '\t')
            fputc(' ', f);
        else if ((unsigned char)*s < 0x20 || *s == 0x7f)
            fputc('?', f);
        else
            fputc(*s, f);
    }
}

void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(((unsigned char)*s < 0x20 && *s != '\n') || *s == 0x7f ? '?' : *s, f);
        }
    }
}

const char *topic_title(const struct docs *d, const char *suite)
{
    const char *t = json_string_value(json_object_get(d->topics, suite));
    return t ? t : suite;
}

FILE *open_output(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "afterclose-docs: %s: cannot write\n", path);
    return f;
}
