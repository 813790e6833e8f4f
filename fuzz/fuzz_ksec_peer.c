/*
 * fuzz_ksec_peer.c - the ksec layer on arbitrary values (docs/sspi.md). The identity of an
 * ntsec-local peer comes only from the kernel's SO_PEERCRED/SO_PEERGROUPS record (the bytes
 * a peer sends are fuzzed by fuzz_ksec_local_message.c), so this target covers what hostile
 * values can still reach there: the peer-token builder with any
 * uid, gid and group list (duplicates, -1, huge counts), and every context routine with any
 * handle value. Each input must give a token or a clean error, SEC_E_INVALID_HANDLE for
 * handles that were never issued, and no leak.
 */
#include <stdint.h>
#include <string.h>
#include "ksec/ksecp.h"

int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size)
{
    if (Size < 9)
        return 0;
    uint32_t uid, gid;
    memcpy(&uid, Data, 4);
    memcpy(&gid, Data + 4, 4);
    SECURITY_IMPERSONATION_LEVEL level = (SECURITY_IMPERSONATION_LEVEL)(Data[8] % 5);
    ULONG count = (ULONG)((Size - 9) / sizeof(gid_t));
    gid_t groups[1024];
    if (count > 1024)
        count = 1024;
    memcpy(groups, Data + 9, count * sizeof(gid_t));
    PTOKEN token = NULL;
    NTSTATUS st = KsecBuildPeerToken(uid, gid, groups, count, level, &token);
    if (NT_SUCCESS(st) != VALID_IMPERSONATION_LEVEL(level))
        __builtin_trap();
    CtxtHandle live = {0, 0};
    if (NT_SUCCESS(st)) {
        if (token->TokenType != TokenImpersonation || token->ImpersonationLevel != level)
            __builtin_trap();
        /* the table consumes the token's reference */
        if (!NT_SUCCESS(KsecInsertContext(&KsecExplicitNoImpPackage, token, level, &live)))
            live.dwLower = live.dwUpper = 0;
    }
    /* Handles made of the input: never issued unless equal to the live one. */
    for (size_t off = 0; off + 2 * sizeof(ULONG_PTR) <= Size && off < 64; off += 4) {
        CtxtHandle h;
        memcpy(&h, Data + off, sizeof(h));
        if (h.dwLower == live.dwLower && h.dwUpper == live.dwUpper)
            continue;
        PVOID t = NULL;
        if (QuerySecurityContextToken(&h, &t) != SEC_E_INVALID_HANDLE || t != NULL ||
            RevertSecurityContext(&h) != SEC_E_INVALID_HANDLE ||
            ImpersonateSecurityContext(&h) != SEC_E_INVALID_HANDLE ||
            DeleteSecurityContext(&h) != SEC_E_INVALID_HANDLE)
            __builtin_trap();
    }
    if (live.dwLower != 0 && DeleteSecurityContext(&live) != SEC_E_OK)
        __builtin_trap();
    return 0;
}
