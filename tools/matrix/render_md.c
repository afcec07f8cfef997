/* docs/compat-matrix.md: the columns' facts, then the scenarios where kernels differ,
 * then the ones that behave alike. */
#define _POSIX_C_SOURCE 200809L
#include "matrix.h"

#include <stdio.h>
#include <string.h>

/* Table-safe text: no line breaks, | escaped, long reasons cut. */
static void cell_text(FILE *f, const char *s, size_t max)
{
	size_t n;

	for (n = 0; *s && n < max; s++, n++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	if (*s)
		fputs("…", f);
}

static void put_cell(FILE *f, const struct column *c, const char *test)
{
	json_t *rec = cell_record(c, test);
	const char *v = cell_verdict(c, test);

	fputs(" | ", f);
	if (!rec) {
		/* say why: the column may not have delivered at all */
		fprintf(f, "missing%s%s", column_delivered(c) ? "" : " (", column_delivered(c) ? "" : meta_get(c, "status"));
		if (!column_delivered(c))
			fputc(')', f);
		return;
	}
	fprintf(f, "**%s**", v);
	if (*rec_str(rec, "observed")) {
		fputs(": ", f);
		cell_text(f, rec_str(rec, "observed"), 80);
	}
	if (strcmp(v, "pass") && *rec_str(rec, "reason")) {
		fputs(" — ", f);
		cell_text(f, rec_str(rec, "reason"), 60);
	}
}

static void put_rows(FILE *f, const struct table *t, bool differs)
{
	size_t i, j;

	fputs("| scenario | expected |", f);
	for (j = 0; j < t->ncols; j++)
		fprintf(f, " %s |", t->cols[j].id);
	fputs("\n| --- | --- |", f);
	for (j = 0; j < t->ncols; j++)
		fputs(" --- |", f);
	fputc('\n', f);
	for (i = 0; i < t->nrows; i++) {
		if (t->rows[i].differs != differs)
			continue;
		fputs("| `", f);
		cell_text(f, t->rows[i].test, 200);
		fputs("` | ", f);
		cell_text(f, t->rows[i].expected, 80);
		for (j = 0; j < t->ncols; j++)
			put_cell(f, &t->cols[j], t->rows[i].test);
		fputs(" |\n", f);
	}
}

bool render_md(const struct table *t, const char *path)
{
	size_t i, ndiff = 0;
	FILE *f = fopen(path, "w");

	if (!f) {
		errorf("%s: cannot write", path);
		return false;
	}
	for (i = 0; i < t->nrows; i++)
		ndiff += t->rows[i].differs;

	fputs("# afterclose compatibility matrix\n\n"
	      "Written by `ci/matrix` (see docs/matrix.md); do not edit by hand. Rows are scenarios,\n"
	      "columns kernels. A cell is the verdict and the observed value (errno names, `OK`);\n"
	      "`missing` means the kernel's run produced no record for the scenario (the column's\n"
	      "status says why when the whole run failed).\n\n"
	      "## Kernels\n\n"
	      "| column | release | package | version | accel | status | suite exit | records | seconds |\n"
	      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
	      f);
	for (i = 0; i < t->ncols; i++) {
		const struct column *c = &t->cols[i];

		fprintf(f, "| %s | %s | %s | ", c->id, meta_get(c, "release"), meta_get(c, "package"));
		cell_text(f, meta_get(c, "version"), 80);
		fprintf(f, " | %s | %s%s%s | %s | %zu | %s |\n", meta_get(c, "accel"),
			column_delivered(c) ? "" : "**", meta_get(c, "status"),
			column_delivered(c) ? "" : "**", meta_get(c, "suite_exit"), c->nrecs,
			meta_get(c, "seconds"));
	}
	fprintf(f, "\n## Scenarios where kernels differ (%zu)\n\n", ndiff);
	if (ndiff)
		put_rows(f, t, true);
	else
		fputs("None: every kernel that delivered results behaved the same.\n", f);
	fprintf(f, "\n## Scenarios that behave the same on every kernel (%zu)\n\n", t->nrows - ndiff);
	if (t->nrows - ndiff)
		put_rows(f, t, false);
	else
		fputs("None.\n", f);
	if (fclose(f)) {
		errorf("%s: write failed", path);
		return false;
	}
	return true;
}
