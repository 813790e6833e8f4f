/*
 * fuzz_rights - NtsecParseRights on arbitrary text (the ntsec tool's RIGHTS lists come from
 * the command line and @FILEs). Every list it accepts must format (NtsecFormatRights, each
 * object kind) and parse back to the same mask; a refused one names a word inside the text.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *Data, size_t Size)
{
    char *text = FuzzText(Data, Size);
    if (text == NULL)
        return 0;
    size_t length = strlen(text);
    ACCESS_MASK mask = 0xDEADBEEF, again;
    ULONG offset = 0, bad = 0;
    NTSTATUS st = NtsecParseRights(text, &mask, &offset, &bad);
    if (NT_SUCCESS(st)) {
        for (int kind = NtsecObjectGeneric; kind <= NtsecObjectKey; kind++) {
            PSTR formatted = NULL;
            if (!NT_SUCCESS(NtsecFormatRights(mask, (NTSEC_OBJECT_KIND)kind, &formatted)))
                abort();
            if (mask != 0 && (!NT_SUCCESS(NtsecParseRights(formatted, &again, &offset, &bad)) || again != mask))
                abort();
            if (mask == 0 && strcmp(formatted, "none") != 0)
                abort();
            NtsecFree(formatted);
        }
    } else if (st != STATUS_OBJECT_NAME_NOT_FOUND || offset > length || offset + bad > length ||
               mask != 0xDEADBEEF) {
        abort();
    }
    free(text);
    return 0;
}
