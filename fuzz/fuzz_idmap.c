/*
 * fuzz_idmap.c - the host backend's mapping-file parser on arbitrary bytes
 * (docs/host.md "Mapping"). Any input must give STATUS_SUCCESS or an error with a
 * NUL-terminated message, never a crash, leak or out-of-bounds access; a parsed map must
 * answer look-ups consistently.
 */
#include <stdint.h>
#include <string.h>
#include "host/hostp.h"

int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size)
{
    PHOST_IDMAP map = NULL;
    char error[256];
    NTSTATUS st = HostParseIdMap((const char *)Data, Size, &map, error, sizeof(error));
    if (!NT_SUCCESS(st)) {
        if (map != NULL || memchr(error, '\0', sizeof(error)) == NULL)
            __builtin_trap();
        return 0;
    }
    /* Look up a few SIDs, including ones built from the input's bytes. */
    ULONG words[SECURITY_MAX_SID_SIZE / 4] = {0};
    PISID sid = (PISID)words;
    sid->Revision = 1;
    sid->IdentifierAuthority.Value[5] = 5;
    for (UCHAR count = 0; count <= SID_MAX_SUB_AUTHORITIES; count++) {
        sid->SubAuthorityCount = count;
        if (count > 0)
            sid->SubAuthority[count - 1] = Size > count ? Data[count] * 1000u + 21 : 21;
        ULONG id;
        (void)HostMapSidToId(map, sid, FALSE, &id);
        (void)HostMapSidToId(map, sid, TRUE, &id);
    }
    HostFreeIdMap(map);
    return 0;
}
