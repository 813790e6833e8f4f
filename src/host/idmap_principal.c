/*
 * idmap_principal.c - "principal" lines of the id-map file (docs/host.md "Mapping"): the
 * token SIDs of a Kerberos principal whose ticket carries no PAC.
 *
 *     principal alice@REALM  S-1-5-21-1-2-3-1104  S-1-5-21-1-2-3-513  S-1-5-21-1-2-3-1106,S-1-5-21-1-2-3-1107
 *               PRINCIPAL    USER-SID             PRIMARY-GROUP-SID   [GROUP-SID,...]
 *
 * The principal is compared exactly (Kerberos names are case-sensitive) and must name its
 * realm. Hostile input like the rest of the file: bounded (255-byte names, 32 groups), every
 * SID parsed strictly, a principal listed twice is an error naming the line, and the user
 * SID may not be S-1-22-1-0 (no principal becomes root through the map).
 */
#include <stdio.h>
#include <string.h>
#include "host/hostp.h"
#include "ex/pooltags.h"

#define HOSTP_MAX_PRINCIPAL_NAME 255
#define HOSTP_MAX_PRINCIPALS 100000U

typedef struct _HOSTP_PRINCIPAL {
    char Name[HOSTP_MAX_PRINCIPAL_NAME + 1];
    HOST_PRINCIPAL_MAPPING Mapping;
} HOSTP_PRINCIPAL;

struct _HOSTP_PRINCIPAL_TABLE {
    ULONG Count, Capacity;
    HOSTP_PRINCIPAL *Entries;
};

static NTSTATUS HostpPrincipalFail(char *ErrorText, size_t ErrorSize, ULONG Line, const char *What,
                                   const char *Word, size_t WordLength)
{
    if (ErrorText != NULL && ErrorSize > 0) {
        int shown = WordLength > 64 ? 64 : (int)WordLength;
        snprintf(ErrorText, ErrorSize, "line %u: %s%s'%.*s'", Line, What, Word ? " " : "", Word ? shown : 0,
                 Word ? Word : "");
    }
    return STATUS_INVALID_PARAMETER;
}

static BOOLEAN HostpPrincipalNameValid(const char *s, size_t n)
{
    if (n == 0 || n > HOSTP_MAX_PRINCIPAL_NAME)
        return FALSE;
    BOOLEAN at = FALSE;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7F || c == ',')
            return FALSE;
        if (c == '@')
            at = i > 0 && i + 1 < n;
    }
    return at;
}

static BOOLEAN HostpIsRootUserSid(const SID *Sid)
{
    return Sid->SubAuthorityCount == 2 && Sid->IdentifierAuthority.Value[5] == 22 &&
           memcmp(Sid->IdentifierAuthority.Value, "\0\0\0\0\0", 5) == 0 && Sid->SubAuthority[0] == 1 &&
           Sid->SubAuthority[1] == 0;
}

/* HostpParsePrincipalLine - hostp.h. *Table is created on first use and owned by the map. */
NTSTATUS HostpParsePrincipalLine(PHOSTP_PRINCIPAL_TABLE *Table, const char *const *Word, const size_t *Length,
                                 int Words, ULONG LineNo, char *ErrorText, size_t ErrorSize)
{
    if (Words != 4 && Words != 5)
        return HostpPrincipalFail(ErrorText, ErrorSize, LineNo,
                                  "expected: principal NAME@REALM USER-SID PRIMARY-GROUP-SID [GROUP-SID,...]", NULL, 0);
    if (!HostpPrincipalNameValid(Word[1], Length[1]))
        return HostpPrincipalFail(ErrorText, ErrorSize, LineNo, "bad principal (NAME@REALM)", Word[1], Length[1]);
    HOSTP_PRINCIPAL entry;
    memset(&entry, 0, sizeof(entry));
    memcpy(entry.Name, Word[1], Length[1]);
    if (!HostpParseSidText(Word[2], Length[2], (PSID)entry.Mapping.User))
        return HostpPrincipalFail(ErrorText, ErrorSize, LineNo, "bad SID", Word[2], Length[2]);
    if (HostpIsRootUserSid((const SID *)entry.Mapping.User))
        return HostpPrincipalFail(ErrorText, ErrorSize, LineNo, "maps to root (id 0)", Word[2], Length[2]);
    if (!HostpParseSidText(Word[3], Length[3], (PSID)entry.Mapping.PrimaryGroup))
        return HostpPrincipalFail(ErrorText, ErrorSize, LineNo, "bad SID", Word[3], Length[3]);
    if (Words == 5) {
        const char *s = Word[4];
        size_t n = Length[4], start = 0;
        for (size_t pos = 0; pos <= n; pos++) {
            if (pos < n && s[pos] != ',')
                continue;
            if (entry.Mapping.GroupCount == HOST_MAX_PRINCIPAL_GROUPS)
                return HostpPrincipalFail(ErrorText, ErrorSize, LineNo, "more than 32 groups", s, n);
            if (!HostpParseSidText(s + start, pos - start, (PSID)entry.Mapping.Groups[entry.Mapping.GroupCount]))
                return HostpPrincipalFail(ErrorText, ErrorSize, LineNo, "bad group SID", s + start, pos - start);
            entry.Mapping.GroupCount++;
            start = pos + 1;
        }
    }
    PHOSTP_PRINCIPAL_TABLE table = *Table;
    if (table == NULL) {
        table = ExAllocatePoolWithTag(PagedPool, sizeof(*table), HOSTP_PRINCIPAL_TAG);
        if (table == NULL)
            return STATUS_NO_MEMORY;
        memset(table, 0, sizeof(*table));
        *Table = table;
    }
    for (ULONG i = 0; i < table->Count; i++)
        if (strcmp(table->Entries[i].Name, entry.Name) == 0)
            return HostpPrincipalFail(ErrorText, ErrorSize, LineNo, "principal mapped twice", Word[1], Length[1]);
    if (table->Count == table->Capacity) {
        if (table->Count >= HOSTP_MAX_PRINCIPALS)
            return STATUS_NO_MEMORY;
        ULONG capacity = table->Capacity ? table->Capacity * 2 : 8;
        HOSTP_PRINCIPAL *bigger =
            ExAllocatePoolWithTag(PagedPool, (SIZE_T)capacity * sizeof(HOSTP_PRINCIPAL), HOSTP_PRINCIPAL_TAG);
        if (bigger == NULL)
            return STATUS_NO_MEMORY;
        if (table->Entries != NULL) {
            memcpy(bigger, table->Entries, (SIZE_T)table->Count * sizeof(HOSTP_PRINCIPAL));
            ExFreePool(table->Entries);
        }
        table->Entries = bigger;
        table->Capacity = capacity;
    }
    table->Entries[table->Count++] = entry;
    return STATUS_SUCCESS;
}

VOID HostpFreePrincipals(PHOSTP_PRINCIPAL_TABLE Table)
{
    if (Table == NULL)
        return;
    if (Table->Entries != NULL)
        ExFreePool(Table->Entries);
    ExFreePool(Table);
}

/* HostpFindPrincipal - hostp.h: copies the entry for Principal (exact match) into Mapping. */
BOOLEAN HostpFindPrincipal(PHOSTP_PRINCIPAL_TABLE Table, PCSTR Principal, PHOST_PRINCIPAL_MAPPING Mapping)
{
    if (Table == NULL)
        return FALSE;
    for (ULONG i = 0; i < Table->Count; i++) {
        if (strcmp(Table->Entries[i].Name, Principal) == 0) {
            *Mapping = Table->Entries[i].Mapping;
            return TRUE;
        }
    }
    return FALSE;
}
