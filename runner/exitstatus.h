/* The runner's exit statuses, defined once: runner.c exits with them, and ci/lib/common.sh and
 * cmake/AfterCloseExitStatus.cmake read the "#define AC_EXIT_NAME number" lines below to decode
 * them (keep that form). Interrupted by SIGHUP, SIGINT or SIGTERM, the runner dies of the signal
 * instead (runner.c): its caller sees 128 + the signal's number. Broken (LTP's TBROK): a limit, a
 * right or space the test needs was missing, so it says nothing about the kernel; `afterclose
 * run` also exits AC_EXIT_BROKEN when the machine refuses the run a results file or stdout. */
#ifndef AC_EXITSTATUS_H
#define AC_EXITSTATUS_H

#define AC_EXIT_OK       0  /* every test that ran passed (some may have skipped) */
#define AC_EXIT_FAILED   1  /* a test failed, crashed or timed out */
#define AC_EXIT_UNUSABLE 2  /* usage error, or a record could not be written */
#define AC_EXIT_BROKEN   3  /* none failed, but the environment could not set a test up: broken */
#define AC_EXIT_SKIPPED  77 /* every test that ran skipped (ctest's SKIP_RETURN_CODE) */

#endif
