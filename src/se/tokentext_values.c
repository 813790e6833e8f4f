/*
 * tokentext_values.c - the value parsers of the token text form (lists, SIDs, numbers,
 * LUIDs, group flags, SID lists), shared by tokentext.c. Each rejection sets the
 * NtsecLastErrorText message naming the offending item and key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "rtl/rtlp.h"
#include "se/tokentext.h"


/* Number of comma-separated entries in Value ("" has none). */
ULONG SeppListCount(PCSTR Value)
{
    if (*Value == '\0')
        return 0;
    ULONG n = 1;
    for (; *Value; Value++)
        if (*Value == ',')
            n++;
    return n;
}

/* Cuts the next comma-separated entry out of *Cursor (in place); NULL at the end. */
PSTR SeppNextEntry(PSTR *Cursor)
{
    PSTR s = *Cursor;
    if (s == NULL)
        return NULL;
    PSTR comma = strchr(s, ',');
    if (comma) {
        *comma = '\0';
        *Cursor = comma + 1;
    } else {
        *Cursor = NULL;
    }
    return s;
}

/* Parses one SID word (S-1-... or alias) of key Key into Sid. */
NTSTATUS SeppParseSid(PCSTR Word, PSID Sid, PCSTR Key)
{
    PCSTR end = NULL;
    NTSTATUS st = *Word ? RtlpStringToSid(Word, &end, Sid, SECURITY_MAX_SID_SIZE) : STATUS_INVALID_SID;
    if (st == STATUS_NONE_MAPPED) {
        SeppSetTextError("domain alias \"%s\" in %s needs a domain SID (NtsecSetDomainSid)", Word, Key);
        return STATUS_INVALID_PARAMETER;
    }
    if (!NT_SUCCESS(st) || end == NULL || *end != '\0') {
        SeppSetTextError("bad SID \"%s\" in %s", Word, Key);
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

BOOLEAN SeppIsIntegritySid(PSID Sid)
{
    static const UCHAR ml[6] = { 0, 0, 0, 0, 0, 16 };
    return memcmp(((PISID)Sid)->IdentifierAuthority.Value, ml, 6) == 0;
}

/* Strict "0x" + 1..8 hex digits, or decimal digits when AllowDecimal. */
BOOLEAN SeppParseUlong(PCSTR Text, BOOLEAN AllowDecimal, PULONG Value)
{
    ULONGLONG v = 0;
    int digits = 0;
    if (Text[0] == '0' && (Text[1] == 'x' || Text[1] == 'X')) {
        for (Text += 2; *Text; Text++, digits++) {
            int d = (*Text >= '0' && *Text <= '9') ? *Text - '0'
                  : (*Text >= 'a' && *Text <= 'f') ? *Text - 'a' + 10
                  : (*Text >= 'A' && *Text <= 'F') ? *Text - 'A' + 10 : -1;
            if (d < 0 || digits >= 8)
                return FALSE;
            v = v * 16 + (ULONG)d;
        }
    } else if (AllowDecimal) {
        for (; *Text; Text++, digits++) {
            if (*Text < '0' || *Text > '9' || digits >= 10)
                return FALSE;
            v = v * 10 + (ULONG)(*Text - '0');
        }
        if (v > 0xFFFFFFFFULL)
            return FALSE;
    }
    if (digits == 0)
        return FALSE;
    *Value = (ULONG)v;
    return TRUE;
}

/* "0xHIGH:0xLOW" */
NTSTATUS SeppParseLuid(PSTR Value, PLUID Luid, PCSTR Key)
{
    PSTR colon = strchr(Value, ':');
    ULONG high, low;
    if (colon != NULL) {
        *colon = '\0';
        BOOLEAN ok = SeppParseUlong(Value, FALSE, &high) && SeppParseUlong(colon + 1, FALSE, &low);
        *colon = ':';
        if (ok) {
            Luid->HighPart = (LONG)high;
            Luid->LowPart = low;
            return STATUS_SUCCESS;
        }
    }
    SeppSetTextError("bad LUID \"%s\" in %s (expected 0xHIGH:0xLOW)", Value, Key);
    return STATUS_INVALID_PARAMETER;
}

/* Group flags: see docs/token-text.md "Group flags". */
NTSTATUS SeppParseGroupFlags(PSTR Flags, PULONG Attributes, PCSTR Key)
{
    if (Flags == NULL) {
        *Attributes = SEPP_GROUP_DEFAULT;
        return STATUS_SUCCESS;
    }
    if (Flags[0] == '0' && (Flags[1] == 'x' || Flags[1] == 'X')) {
        if (!SeppParseUlong(Flags, FALSE, Attributes)) {
            SeppSetTextError("bad attribute value \"%s\" in %s", Flags, Key);
            return STATUS_INVALID_PARAMETER;
        }
        return STATUS_SUCCESS;
    }
    BOOLEAN off = FALSE, enabled = FALSE, deny = FALSE;
    ULONG extra = 0;
    for (PSTR f = Flags, next; f != NULL; f = next) {
        PSTR bar = strchr(f, '|');
        next = bar ? bar + 1 : NULL;
        if (bar)
            *bar = '\0';
        if (strcmp(f, "enabled") == 0)
            enabled = TRUE;
        else if (strcmp(f, "disabled") == 0)
            off = TRUE;
        else if (strcmp(f, "deny-only") == 0)
            off = deny = TRUE;
        else if (strcmp(f, "mandatory") == 0)
            extra |= SE_GROUP_MANDATORY;
        else if (strcmp(f, "owner") == 0)
            extra |= SE_GROUP_OWNER;
        else if (strcmp(f, "logon-id") == 0)
            extra |= SE_GROUP_LOGON_ID;
        else if (strcmp(f, "resource") == 0)
            extra |= SE_GROUP_RESOURCE;
        else {
            SeppSetTextError("unknown group flag \"%s\" in %s", f, Key);
            return STATUS_INVALID_PARAMETER;
        }
    }
    if (enabled && off) {
        SeppSetTextError("group flags \"enabled\" and \"%s\" conflict in %s", deny ? "deny-only" : "disabled", Key);
        return STATUS_INVALID_PARAMETER;
    }
    *Attributes = (off ? 0 : SEPP_GROUP_DEFAULT) | extra | (deny ? SE_GROUP_USE_FOR_DENY_ONLY : 0);
    return STATUS_SUCCESS;
}

/* groups= and restricted=: a comma list of SID[:flags]. */
NTSTATUS SeppParseSidList(PSTR Value, BOOLEAN AllowFlags, PCSTR Key,
                                 PSID_AND_ATTRIBUTES *Array, PULONG Count)
{
    ULONG n = SeppListCount(Value);
    if (n > SEPP_TEXT_MAX_LIST) {
        SeppSetTextError("too many entries in %s (%lu, at most %u)", Key, (unsigned long)n, SEPP_TEXT_MAX_LIST);
        return STATUS_INVALID_PARAMETER;
    }
    *Count = 0;
    if (n == 0)
        return STATUS_SUCCESS;
    PSID_AND_ATTRIBUTES a = ExAllocatePoolWithTag(PagedPool, n * (sizeof(*a) + SECURITY_MAX_SID_SIZE), SEPP_TEXT_TAG);
    if (a == NULL)
        return STATUS_NO_MEMORY;
    *Array = a;
    PUCHAR sids = (PUCHAR)(a + n);
    PSTR cursor = Value;
    for (ULONG i = 0; i < n; i++) {
        PSTR entry = SeppNextEntry(&cursor);
        PSTR colon = strchr(entry, ':');
        if (colon)
            *colon = '\0';
        a[i].Sid = sids + i * SECURITY_MAX_SID_SIZE;
        NTSTATUS st = SeppParseSid(entry, a[i].Sid, Key);
        if (!NT_SUCCESS(st))
            return st;
        if (SeppIsIntegritySid(a[i].Sid)) {
            SeppSetTextError("integrity SID \"%s\" in %s (use integrity=)", entry, Key);
            return STATUS_INVALID_PARAMETER;
        }
        if (colon && !AllowFlags) {
            SeppSetTextError("flags \"%s\" not allowed in %s", colon + 1, Key);
            return STATUS_INVALID_PARAMETER;
        }
        if (AllowFlags) {
            st = SeppParseGroupFlags(colon ? colon + 1 : NULL, &a[i].Attributes, Key);
            if (!NT_SUCCESS(st))
                return st;
        } else {
            a[i].Attributes = SEPP_RESTRICTED_SID_ATTRIBUTES;
        }
        *Count = i + 1;
    }
    return STATUS_SUCCESS;
}

