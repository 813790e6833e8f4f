/*
 * fuzz_sd_relative - RtlValidRelativeSecurityDescriptor on arbitrary bytes (copied to an
 * exactly-sized heap buffer so ASan sees any read past the end). A descriptor it accepts
 * is converted to SDDL and back, and split to absolute form and rejoined.
 */
#include <stdlib.h>
#include <string.h>
#include "rtlp.h"
#include "ntsec.h"

int LLVMFuzzerTestOneInput(const unsigned char *Data, size_t Size)
{
    PUCHAR bytes;
    PSTR sddl = NULL;
    PSECURITY_DESCRIPTOR back = NULL;
    ULONG back_length;
    if (Size > 0x20000)
        return 0;
    bytes = malloc(Size ? Size : 1);
    memcpy(bytes, Data, Size);
    if (RtlValidRelativeSecurityDescriptor(bytes, (ULONG)Size, 0)) {
        SECURITY_DESCRIPTOR abs;
        ULONG abs_size = sizeof(abs), dsize = 0x10000, ssize = 0x10000, osize = 68, gsize = 68;
        PACL dacl = malloc(dsize), sacl = malloc(ssize);
        ULONG owner[17], group[17];
        NTSTATUS status = NtsecSecurityDescriptorToSddl(bytes, 0xF, &sddl);
        if (NT_SUCCESS(status)) {
            if (!NT_SUCCESS(NtsecSddlToSecurityDescriptor(sddl, &back, &back_length)))
                abort();
        } else if (status != STATUS_NOT_IMPLEMENTED) {
            abort();
        }
        if (NT_SUCCESS(RtlSelfRelativeToAbsoluteSD(bytes, &abs, &abs_size, dacl, &dsize, sacl,
                                                   &ssize, owner, &osize, group, &gsize))) {
            ULONG need = 0;
            if (RtlMakeSelfRelativeSD(&abs, NULL, &need) == STATUS_BUFFER_TOO_SMALL) {
                PVOID rel = malloc(need);
                if (!NT_SUCCESS(RtlMakeSelfRelativeSD(&abs, rel, &need)) ||
                    !RtlValidRelativeSecurityDescriptor(rel, need, 0))
                    abort();
                free(rel);
            }
        }
        free(dacl);
        free(sacl);
    }
    NtsecFree(sddl);
    NtsecFree(back);
    free(bytes);
    return 0;
}
