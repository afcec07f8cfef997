#define _GNU_SOURCE
#include "nft.h"

#include <criterion/criterion.h>
#include <dlfcn.h>
#include <link.h>
#include <nftables/libnftables.h>
#include <stdbool.h>
#include <stdio.h>

/* Opened when a test first filters packets, not linked: libnftables and the five libraries it
 * brings were loaded by every process of every test (and Criterion scans each loaded object for
 * its sections several times), while a few dozen tests use it. The types come from the header. */
#define LIBRARY "libnftables.so.1"

static const char base[] =
    "add table inet afterclose\n"
    "add chain inet afterclose in { type filter hook input priority 0; }\n"
    "add chain inet afterclose out { type filter hook output priority 0; }\n";

static struct {
    void *handle;
    __typeof__(nft_ctx_new) *ctx_new;
    __typeof__(nft_ctx_buffer_error) *buffer_error;
    __typeof__(nft_ctx_buffer_output) *buffer_output;
    __typeof__(nft_run_cmd_from_buffer) *run_cmd_from_buffer;
    __typeof__(nft_ctx_get_error_buffer) *get_error_buffer;
} lib;

/* NULL once the functions are there, else why not. */
static const char *load(void)
{
    if (lib.handle)
        return NULL;
    void *h = dlopen(LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return dlerror();
    const struct {
        void **fn;
        const char *name;
    } want[] = {
        {(void **)&lib.ctx_new, "nft_ctx_new"},
        {(void **)&lib.buffer_error, "nft_ctx_buffer_error"},
        {(void **)&lib.buffer_output, "nft_ctx_buffer_output"},
        {(void **)&lib.run_cmd_from_buffer, "nft_run_cmd_from_buffer"},
        {(void **)&lib.get_error_buffer, "nft_ctx_get_error_buffer"},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        if (!(*want[i].fn = dlsym(h, want[i].name))) {
            const char *why = dlerror();
            dlclose(h);
            return why;
        }
    }
    lib.handle = h;
    return NULL;
}

int ac_nft_library_path(char *path, size_t size)
{
    const char *why = load();
    struct link_map *map = NULL;
    if (why || dlinfo(lib.handle, RTLD_DI_LINKMAP, &map) != 0 || !map) {
        snprintf(path, size, "%s", why ? why : dlerror());
        return -1;
    }
    snprintf(path, size, "%s", map->l_name);
    return 0;
}

static void run(const char *commands)
{
    static struct nft_ctx *ctx;
    if (!ctx) {
        const char *why = load();
        if (why)
            cr_assert_fail("nft: cannot load " LIBRARY " (Debian package libnftables1): %s", why);
        ctx = lib.ctx_new(NFT_CTX_DEFAULT);
        if (!ctx)
            cr_assert_fail("nft: cannot create a libnftables context");
        lib.buffer_error(ctx);
        lib.buffer_output(ctx);
    }
    if (lib.run_cmd_from_buffer(ctx, commands) != 0)
        cr_assert_fail("nft: %s\n%s", commands, lib.get_error_buffer(ctx));
}

void ac_nft(const char *commands)
{
    static bool have_table;
    if (!have_table) {
        run(base);
        have_table = true;
    }
    run(commands);
}

void ac_nft_flush(void)
{
    ac_nft("flush chain inet afterclose in\nflush chain inet afterclose out\n");
}
