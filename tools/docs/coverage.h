/* The inventory of the close/bind surface (docs/coverage.json, described in docs/coverage.md):
 * every socket option, sysctl, state transition, timer, IPv6 twin and call behaviour that changes
 * what close(), shutdown(), bind(), listen(), accept() or connect() do, or how long a closed
 * connection's state lasts, each with the tests that pin it or the reason it is out of scope,
 * and the kernel functions that implement them (the input of ci/mutation's generated faults).
 *
 *   {"sources":   [{"id", "title"}],
 *    "items":     [{"id": "<kind>.<name>", "kind", "source", "what",
 *                   "tests": [suite/test, ...] | "out_of_scope": "why"}],
 *    "functions": [{"file", "function", "items": [item id, ...]}]}
 *
 * Read by afterclose-coverage (the check) and afterclose-docs (docs/generated/coverage.md). */
#ifndef AC_COVERAGE_H
#define AC_COVERAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The kinds of item, in the order the generated page lists them. */
extern const char *const coverage_kinds[];
extern const size_t coverage_nkinds;

struct coverage_counts {
    size_t items, tested, out_of_scope, functions;
};

/* A JSON input (the inventory, and every input of afterclose-docs): a regular file only (a FIFO
 * would block), parsed whole, a key twice an error; NULL after one error line "<prog>: ...". */
json_t *docs_load_json(const char *prog, const char *path);

/* Checks an inventory: prints each problem as one line "<prog>: <path>: ..." on stderr and
 * returns how many there were. Problems: a malformed inventory, source, item or function; an
 * item with neither or both of a non-empty "tests" and "out_of_scope"; a test that is not a key
 * of `known` (the suite's test names); a function naming an unknown item; fewer than min_percent
 * of the items with tests; and, when `tree` is a kernel source tree, a function not defined in
 * its file there. *counts is filled from what could be read. */
size_t coverage_check(json_t *inv, json_t *known, const char *prog, const char *path,
                      int min_percent, const char *tree, struct coverage_counts *counts);

/* Names that go into Markdown code spans and HTML anchors unescaped (test, suite, claim and item
 * names, ids, kernel paths): letters, digits and _ . - + / only, not empty. */
bool docs_plain_name(const char *s);

/* The whole-number percentage of n in total, rounded down (0 of 0 is 0). */
int coverage_percent(size_t n, size_t total);

#endif
