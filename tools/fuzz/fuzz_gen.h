/* Structure-aware fuzzing of the programs that consume results records (report, matrix merge,
 * docs generator): the fuzzer's bytes drive a small generator of well-formed JSON, so that most
 * inputs get past the parser into the code that formats, indexes and merges records, while
 * field values (control characters, |, <, quotes, UTF-8), types and consistency stay fuzzed.
 * Plus the checks the targets apply to what those programs write. */
#ifndef AC_FUZZ_GEN_H
#define AC_FUZZ_GEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct fz {
    const uint8_t *p;
    size_t n;
    bool wild; /* while generating a record that may have flaws */
};

/* The next byte (255 once the input is used up: what follows is generated without flaws, so
 * a short input still makes a complete, usable set of files). */
unsigned fz_byte(struct fz *in);
/* 0..n-1 */
size_t fz_pick(struct fz *in, size_t n);
/* true with probability about k/256 */
bool fz_chance(struct fz *in, unsigned k);
/* Text of up to `pieces` pieces from an alphabet of what breaks output formats. Caller frees. */
char *fz_text(struct fz *in, size_t pieces);
/* A test name from a pool of 32 ("suite/test"), so that tests repeat across files; any text
 * now and then while generating a wild record. */
const char *fz_test_name(struct fz *in, char *buf, size_t len);
/* Every name of that pool, one a line (a test list as `afterclose-suite --afterclose-list`). */
void fz_write_pool(FILE *f);
/* Any JSON value (for fields given the wrong type). */
json_t *fz_any(struct fz *in, int depth);
/* One results record (docs/results-format.md), usually valid and of `kernel`. */
json_t *fz_record(struct fz *in, const char *kernel);
/* A results file: records, now and then a repeated test, an "interrupted" marker, a line that
 * is not JSON. Caller frees; *len set. */
char *fz_results_file(struct fz *in, const char *kernel, size_t *len);

/* Writes len bytes to path (creating or truncating it); aborts when it cannot. */
void fz_put(const char *path, const void *data, size_t len);
/* The whole file at path (NUL-terminated; caller frees), NULL if it does not exist. */
char *fz_slurp(const char *path, size_t *len);
/* A fresh scratch directory for this process (created once), emptied of what the last input
 * left there. Returns its path. */
const char *fz_scratch(const char *tag);

/* Properties of written output: no control character but '\n' (and '\t' when allow_tab);
 * every Markdown table row has as many unescaped | as its table's header line. */
bool fz_no_control(const char *text, bool allow_tab);
bool fz_md_tables_consistent(const char *text);

#endif
