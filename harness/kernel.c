#include "kernel.h"

#include <stdio.h>
#include <sys/utsname.h>

int ac_kernel_parse(const char *release)
{
    int major, minor;
    if (sscanf(release, "%d.%d", &major, &minor) != 2 || major < 0 || minor < 0 || minor > 999)
        return -1;
    return AC_KV(major, minor);
}

int ac_kernel_version(void)
{
    struct utsname u;
    return uname(&u) == 0 ? ac_kernel_parse(u.release) : -1;
}

int ac_since(int version, int since, int before)
{
    return ac_kernel_version() >= version ? since : before;
}

const char *ac_since_text(int version, const char *since, const char *before)
{
    return ac_kernel_version() >= version ? since : before;
}
