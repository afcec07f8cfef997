/* Stand-ins for the three libgit2 functions that Criterion's static archive refers to
 * (cmake/AfterCloseCriterion.cmake). Criterion starts and stops libgit2 around a run and asks it
 * for a diff only when a new-style assertion (criterion/new/assert.h) compares two strings;
 * afterclose's checks do not use those, so nothing here is ever asked for a diff. Should one be
 * asked for, it fails the way libgit2 fails (a negative error code), and Criterion prints the two
 * values without a diff. */
int git_libgit2_init(void);
int git_libgit2_shutdown(void);
int git_diff_buffers(void);

int git_libgit2_init(void)
{
    return 1; /* the number of initialisations, as libgit2 counts them */
}

int git_libgit2_shutdown(void)
{
    return 0;
}

int git_diff_buffers(void)
{
    return -1; /* GIT_ERROR */
}
