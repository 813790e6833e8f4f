/*
 * fuzz_token_text.c - libFuzzer target for the token text parser: any input must either be
 * refused with STATUS_INVALID_PARAMETER or give a token whose canonical text reparses to a
 * token with the same canonical text (format -> parse -> format is a fixed point).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size)
{
    if (Size > 4096)
        return 0;
    char *text = FuzzText(Data, Size);
    if (text == NULL)
        return 0;
    PACCESS_TOKEN token = NULL;
    NTSTATUS st = NtsecCreateTokenFromText(text, &token);
    free(text);
    if (!NT_SUCCESS(st)) {
        if (token != NULL || (st != STATUS_INVALID_PARAMETER && st != STATUS_NO_MEMORY))
            abort();
        return 0;
    }
    SIZE_T needed = 0;
    if (NtsecFormatToken(token, NULL, 0, &needed) != STATUS_BUFFER_TOO_SMALL)
        abort();
    char *first = malloc(needed), *second = malloc(needed);
    if (NtsecFormatToken(token, first, needed, &needed) != STATUS_SUCCESS)
        abort();
    PACCESS_TOKEN again = NULL;
    if (NtsecCreateTokenFromText(first, &again) != STATUS_SUCCESS)
        abort();
    SIZE_T needed2 = 0;
    if (NtsecFormatToken(again, second, needed, &needed2) != STATUS_SUCCESS || strcmp(first, second) != 0)
        abort();
    free(first);
    free(second);
    ObDereferenceObject(again);
    ObDereferenceObject(token);
    return 0;
}
