/* main() for a fuzz target in ordinary builds: runs LLVMFuzzerTestOneInput once per file of the
 * directories (or files) named on the command line, so the seed corpus is a regression test.
 * Exit 0 after at least one input, 2 when there was nothing to read. */
#define _GNU_SOURCE
#include "readall.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 0;
    }
    size_t len = 0;
    char *buf = ac_read_stream(f, &len);
    fclose(f);
    if (!buf) {
        perror(path);
        return 0;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)buf, len);

    free(buf);
    return 1;
}

int main(int argc, char **argv)
{
    int count = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) {
            count += replay_file(argv[i]);
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            count += replay_file(path);
        }
        closedir(d);
    }
    printf("replayed %d inputs\n", count);
    return count > 0 ? 0 : 2;
}
