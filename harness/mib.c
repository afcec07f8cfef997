#define _GNU_SOURCE
#include "mib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long ac_tcpext_counter(const char *name)
{
    FILE *f = fopen("/proc/net/netstat", "re");
    if (!f)
        return -1;
    /* Pairs of lines: "TcpExt: Name1 Name2 ..." then "TcpExt: 0 5 ...". */
    char names[8192], values[8192];
    long found = -1;
    while (found < 0 && fgets(names, sizeof names, f) && fgets(values, sizeof values, f)) {
        if (strncmp(names, "TcpExt:", 7) != 0)
            continue;
        char *sn, *sv;
        char *n = strtok_r(names + 7, " \n", &sn);
        char *v = strtok_r(values + 7, " \n", &sv);
        for (; n && v; n = strtok_r(NULL, " \n", &sn), v = strtok_r(NULL, " \n", &sv))
            if (strcmp(n, name) == 0)
                found = atol(v);
    }
    fclose(f);
    return found;
}
