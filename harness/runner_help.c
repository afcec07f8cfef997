/* The text of afterclose-suite --help. Every option listed here is accepted by the runner
 * (ctest test runner/help_lists_only_accepted_options runs each one); options Criterion has but
 * the runner refuses (--always-succeed, --output=PROVIDER=FILE, a --filter without a pattern)
 * or that open a network port (--debug) are not listed. */
#include "runner_help.h"

void ac_runner_help(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s [OPTIONS]\n"
            "The afterclose scenarios (Criterion tests), each in a network namespace of its own.\n"
            "\n"
            "Options:\n"
            "  --filter=PATTERN        run the tests matching PATTERN (suite/test, globs:\n"
            "                          'timewait/*'); exit 2 if it matches nothing\n"
            "  -jN, -j N, --jobs=N     N tests at once (default: the number of CPUs; under\n"
            "                          ctest -j use -j1)\n"
            "  -l, --list              list the tests and exit\n"
            "  --afterclose-list       the tests as 'suite/test<TAB>labels<TAB>timeout' lines\n"
            "                          (labels: root = needs a network namespace, slow)\n"
            "  --afterclose-describe   the tests and their rules as JSON (for the docs)\n"
            "  -S, --short-filename    base names of source files in failure messages\n"
            "  -f, --fail-fast         stop after the first failure (later tests leave no\n"
            "                          record)\n"
            "  -q, --quiet             no Criterion log output\n"
            "  --verbose[=LEVEL]       more Criterion log output\n"
            "  --color=auto|always|never, --ascii\n"
            "                          Criterion's own output style\n"
            "  --tap=FILE, --xml=FILE, --json=FILE, --output=PROVIDER:FILE\n"
            "                          Criterion's reports (they count filtered-out tests as\n"
            "                          skipped; afterclose ktap/junit write KTAP and JUnit from\n"
            "                          the records instead)\n"
            "  --timeout=SECONDS       one timeout for every test; replaces the tests' own\n"
            "                          (a 60 s TIME_WAIT test needs more): rarely what you want\n"
            "  -h, --help              this text\n"
            "  -v, --version           Criterion's version\n"
            "\n"
            "Environment:\n"
            "  AFTERCLOSE_RESULTS=FILE      append one JSON record per test to FILE\n"
            "                               (docs/results-format.md); checked writable first\n"
            "  AFTERCLOSE_RESULTS_DEFAULT=FILE  the same when AFTERCLOSE_RESULTS is unset (the\n"
            "                               ctest registration sets it)\n"
            "  AFTERCLOSE_IFACE=veth|dummy  the link kind carrying 192.168.1.100 (default: dummy\n"
            "                               where the kernel has it, else veth)\n"
            "  AFTERCLOSE_NO_USERNS=1       not root: do not enter a user namespace (the\n"
            "                               scenarios then skip, with the reason)\n"
            "  TMPDIR                       where the run's scratch directory goes\n"
            "  CRITERION_JOBS=N             the default of --jobs\n"
            "Not root, the runner enters a user namespace of its own before any test starts;\n"
            "where that is refused every scenario skips and says why.\n"
            "\n"
            "Exit status:\n"
            "  0   every test that ran passed (some may have skipped)\n"
            "  1   a test failed, crashed or timed out\n"
            "  2   usage error (unknown option, a filter matching nothing, an unwritable\n"
            "      results file or report), or a record could not be written\n"
            "  77  every test that ran skipped (ctest's SKIP_RETURN_CODE)\n",
            prog);
}
