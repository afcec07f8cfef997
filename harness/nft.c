#define _GNU_SOURCE
#include "nft.h"

#include <criterion/criterion.h>
#include <nftables/libnftables.h>
#include <stdbool.h>

static const char base[] =
    "add table inet afterclose\n"
    "add chain inet afterclose in { type filter hook input priority 0; }\n"
    "add chain inet afterclose out { type filter hook output priority 0; }\n";

static void run(const char *commands)
{
    static struct nft_ctx *ctx;
    if (!ctx) {
        ctx = nft_ctx_new(NFT_CTX_DEFAULT);
        if (!ctx)
            cr_assert_fail("nft: cannot create a libnftables context");
        nft_ctx_buffer_error(ctx);
        nft_ctx_buffer_output(ctx);
    }
    if (nft_run_cmd_from_buffer(ctx, commands) != 0)
        cr_assert_fail("nft: %s\n%s", commands, nft_ctx_get_error_buffer(ctx));
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
