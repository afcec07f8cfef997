/* The runner's exit statuses, defined once: runner.c exits with them, and ci/lib/common.sh and
 * cmake/AfterCloseExitStatus.cmake read the "#define AC_EXIT_NAME number" lines below to decode
 * them (keep that form). Interrupted by SIGHUP, SIGINT or SIGTERM, the runner dies of the signal
 * instead (runner.c): its caller sees 128 + the signal's number. */
#ifndef AC_EXITSTATUS_H
#define AC_EXITSTATUS_H

#define AC_EXIT_OK       0  /* every test that ran passed (some may have skipped) */
#define AC_EXIT_FAILED   1  /* a test failed, crashed or timed out */
#define AC_EXIT_UNUSABLE 2  /* usage error, or a record could not be written */
#define AC_EXIT_SKIPPED  77 /* every test that ran skipped (ctest's SKIP_RETURN_CODE) */

#endif
