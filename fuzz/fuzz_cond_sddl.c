/*
 * fuzz_cond_sddl - conditional expressions and resource attributes in SDDL text. The input
 * becomes the seventh field of an XA ACE, or, when it starts with '"', the attribute of an
 * RA ACE; anything the parser accepts must be a valid descriptor, print (the printer takes
 * every expression the compiler produces), and its text must parse to the very same bytes
 * and print to the very same text (SDDL -> SD -> SDDL -> SD idempotent). Hostile text must
 * cost bounded stack (nesting is limited, parsing never recurses more than 128 groups
 * deep) and linear time.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"

#define FUZZ_MAX_INPUT 0x4000

int LLVMFuzzerTestOneInput(const unsigned char *Data, size_t Size)
{
    if (Size > FUZZ_MAX_INPUT || memchr(Data, 0, Size) != NULL)
        return 0;
    FuzzSetDomainSidOnce();
    char *text = malloc(Size + 64);
    if (text == NULL)
        return 0;
    BOOLEAN attribute = Size > 0 && Data[0] == '"';
    PCSTR head = attribute ? "S:(RA;;;;;WD;(" : "D:(XA;;FA;;;WD;";
    size_t prefix = strlen(head);
    memcpy(text, head, prefix);
    memcpy(text + prefix, Data, Size);
    memcpy(text + prefix + Size, attribute ? "))" : ")", attribute ? 3 : 2);
    FuzzSddlRoundTrip(text);
    free(text);
    return 0;
}
