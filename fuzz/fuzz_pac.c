/*
 * fuzz_pac.c - the MS-PAC logon-info decoder (src/ksec/pac.c) on arbitrary bytes. Any input
 * gives STATUS_SUCCESS or one of the documented statuses with *Info NULL, never a crash, a
 * leak or a read outside the input (libFuzzer passes an exactly sized buffer). A decoded
 * PAC must be self-consistent: valid SIDs, the counts adding up, the user and primary group
 * inside the logon domain, NUL-terminated names. Seeds: real blobs from Samba's AD DC
 * (fuzz/corpus/fuzz_pac/, tests/ksec/data/README.md) and crafted ones.
 */
#include <stdint.h>
#include <string.h>
#include "ksec/pac.h"

int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size)
{
    PKSEC_PAC_LOGON_INFO info = (PKSEC_PAC_LOGON_INFO)1;
    NTSTATUS st = KsecpParsePacLogonInfo(Data, Size, &info);
    if (!NT_SUCCESS(st)) {
        if (info != NULL || (st != RPC_NT_BAD_STUB_DATA && st != STATUS_INVALID_SID &&
                             st != STATUS_TOO_MANY_CONTEXT_IDS && st != STATUS_INVALID_ACCOUNT_NAME))
            __builtin_trap();
        return 0;
    }
    if (info->GroupCount != info->DomainGroupCount + info->ExtraSidCount + info->ResourceGroupCount ||
        info->GroupCount > KSEC_PAC_MAX_GROUPS || !RtlValidSid(info->UserSid) ||
        !RtlValidSid(info->PrimaryGroupSid) || !RtlValidSid(info->LogonDomainSid) ||
        !RtlEqualPrefixSid(info->UserSid, info->PrimaryGroupSid) ||
        *RtlSubAuthorityCountSid(info->UserSid) != *RtlSubAuthorityCountSid(info->LogonDomainSid) + 1 ||
        *RtlSubAuthoritySid(info->UserSid, *RtlSubAuthorityCountSid(info->LogonDomainSid)) != info->UserId)
        __builtin_trap();
    volatile size_t sink = strlen(info->EffectiveName) + strlen(info->FullName) + strlen(info->LogonServer) +
                           strlen(info->LogonDomainName);
    (void)sink;
    for (ULONG i = 0; i < info->GroupCount; i++) {
        if (!RtlValidSid(info->Groups[i].Sid))
            __builtin_trap();
        if (i < info->DomainGroupCount && !RtlEqualPrefixSid(info->Groups[i].Sid, info->UserSid))
            __builtin_trap();
    }
    KsecpFreePacLogonInfo(info);
    return 0;
}
