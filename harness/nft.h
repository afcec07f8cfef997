/* Packet filtering inside the test's own namespace (libnftables), to hold transient TCP states:
 * drop the peer's ACK and a FIN_WAIT1 or LAST_ACK stays put until the rule goes. Every rule lives
 * in the table "afterclose" of the namespace the test unshared; the host's ruleset is never
 * touched because the test never runs in the host's namespace. */
#ifndef AC_NFT_H
#define AC_NFT_H

#include <stddef.h>

/* Runs nft commands (the nft(8) language) against the test's namespace; fails the test with
 * nft's own error text if they do not apply. Example:
 *   ac_nft("add rule inet afterclose out tcp sport 9999 tcp flags & fin == fin drop");
 * The table "afterclose" with chains "in" (input hook) and "out" (output hook) exists after the
 * first call. */
void ac_nft(const char *commands);

/* Removes every rule from the chains, e.g. to let a held state proceed. */
void ac_nft_flush(void);

/* libnftables is opened on first use, so no linker records it: the path it is loaded from
 * (0), for the guests' initramfs and the package's dependencies, or why it cannot be (-1). */
int ac_nft_library_path(char *path, size_t size);

#endif
