#include <stdio.h>
#include "ntsec_test.h"

PACCESS_TOKEN TestToken(PCSTR Text)
{
    PACCESS_TOKEN token = NULL;
    NTSTATUS status = NtsecCreateTokenFromText(Text, &token);
    if (status != STATUS_SUCCESS) {
        fprintf(stderr, "TestToken: 0x%08X for '%s': %s\n", (unsigned)status, Text,
                NtsecLastErrorText());
        fail_msg("token text did not parse: %s", Text);
    }
    return token;
}
