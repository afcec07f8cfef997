/* A result set (docs/results-format.md): one run of the suite in one file of JSON Lines.
 *
 *   {"schema":3,"run":"R","header":{"kernel":"6.18.0","iface_kind":"veth","selected":["a/b"]}}
 *   {"schema":3,"run":"R","test":"a/b","kernel":"6.18.0",...}   a record per selected test
 *   {"schema":3,"run":"R","seal":{"complete":true,"records":1,"verdicts":{"pass":1}}}
 *
 * The header opens the run before its first test; the seal closes it, written only once every
 * selected test has its record. A set without its seal is a run cut short (| head, SIGKILL, a
 * full disk): every reader refuses it, as it refuses records of another run, kernel or
 * interface kind, and a test recorded twice. */
#ifndef AC_SET_H
#define AC_SET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct ac_set {
    json_t *header;  /* the header line */
    json_t *records; /* the records, in file order */
    json_t *seal;    /* the seal line; NULL while the run is open */
};

/* ac_set_parse's flags. OPEN: a set without its seal is read too (the run's writer reads its
 * run back before it seals it); everything else is checked as for a reader. */
#define AC_SET_OPEN 1

/* Reads a result set. false with "<name>:<line>: <what>" (one line) in err; the set is then
 * empty. ac_set_clear() frees it either way. */
bool ac_set_parse(const char *data, size_t len, const char *name, int flags, struct ac_set *set,
                  char *err, size_t errlen);
/* The same from a regular file (a FIFO or a directory is refused). */
bool ac_set_load(const char *path, int flags, struct ac_set *set, char *err, size_t errlen);
void ac_set_clear(struct ac_set *set);

/* The header's fields: "run", "kernel", "iface_kind" (a string), "selected" (an array). */
json_t *ac_set_header_get(const struct ac_set *set, const char *field);
const char *ac_set_run(const struct ac_set *set);
/* The selected tests that have no record, in the header's order (a new array). */
json_t *ac_set_missing(const struct ac_set *set);
/* "a/b, c/d and 3 more": up to `shown` names of an array of strings, for one-line messages. */
void ac_set_names(json_t *names, size_t shown, char *out, size_t len);

/* The two lines a run's writer adds to its records (new references): the header of run `run`
 * (selected: an array of "suite/test" names) and the seal over `records`, counted by verdict. */
json_t *ac_set_header_line(const char *run, const char *kernel, const char *iface_kind,
                           json_t *selected);
json_t *ac_set_seal_line(const char *run, json_t *records);

/* A run's id as a header must hold it: 1 to 100 of [A-Za-z0-9._:+-]. */
bool ac_set_run_id_valid(const char *run);

#endif
