/*
 * sidindex.c - the access check's per-token SID index.
 *
 * Initial version: no index (Token->SidIndex stays NULL, lookups scan the arrays).
 * The access-check work replaces this file with a hashed index.
 */
#include "se/sep.h"

NTSTATUS SepSidIndexBuild(PTOKEN Token)
{
    Token->SidIndex = NULL;
    return STATUS_SUCCESS;
}

NTSTATUS SepSidIndexClone(PTOKEN Source, PTOKEN NewToken)
{
    (void)Source;
    NewToken->SidIndex = NULL;
    return STATUS_SUCCESS;
}

VOID SepSidIndexFree(PTOKEN Token)
{
    Token->SidIndex = NULL;
}
