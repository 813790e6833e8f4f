/*
 * sidstring.c - the SID string form "S-1-<authority>-<sub>-<sub>..." both ways
 * (MS-DTYP 2.4.2.1), plus the two-letter SDDL aliases on input.
 */
#include <stdio.h>
#include <string.h>
#include "rtlp.h"

static int RtlpIsDigit(char c) { return c >= '0' && c <= '9'; }

/* RtlpHexValue - see rtlp.h. */
int RtlpHexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * RtlpParseNumber - a decimal number, or hex after "0x"/"0X" (at most MaxHexDigits digits),
 * at *Cursor, no larger than Max. Advances *Cursor past it. FALSE on no digits or overflow
 * (the caller reports INVALID_SID).
 */
static BOOLEAN RtlpParseNumber(PCSTR *Cursor, ULONGLONG Max, int MaxHexDigits, ULONGLONG *Value)
{
    PCSTR p = *Cursor;
    ULONGLONG v = 0;
    int digits = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        int h;
        p += 2;
        /* At most a field's width in hex digits, and never a 'D' that opens "D:": Windows
         * reads "O:S-1-2-0x200D:" as S-1-2-512 then "D:" (Samba python/samba/tests/sddl.py,
         * SddlNonCanonical, from Windows runs), and an unpadded authority such as
         * "G:S-1-0xFAFFAFF1FD:" ends before the 'D' the same way. */
        while (digits < MaxHexDigits && (h = RtlpHexValue(*p)) >= 0 &&
               !((*p == 'D' || *p == 'd') && p[1] == ':')) {
            if (v > (Max - (ULONGLONG)h) / 16)
                return FALSE;
            v = v * 16 + (ULONGLONG)h;
            p++;
            digits++;
        }
    } else {
        while (RtlpIsDigit(*p)) {
            ULONGLONG d = (ULONGLONG)(*p - '0');
            if (v > (Max - d) / 10)
                return FALSE;
            v = v * 10 + d;
            p++;
            digits++;
        }
    }
    if (digits == 0)
        return FALSE;
    *Cursor = p;
    *Value = v;
    return TRUE;
}

static BOOLEAN RtlpIsHexPrefix(PCSTR P)
{
    return P[0] == '0' && (P[1] == 'x' || P[1] == 'X');
}

/* A number at P without "0x" whose hex reading differs from its decimal one (two digits or more). */
static BOOLEAN RtlpReadsOtherwiseAsHex(PCSTR P)
{
    return !RtlpIsHexPrefix(P) && P[0] >= '0' && P[0] <= '9' && P[1] >= '0' && P[1] <= '9';
}

/*
 * RtlpStringToSid - see rtlp.h. Accepts "S-1-" + authority (decimal, or "0x" + hex up to
 * 2^48-1) + one to fifteen "-<ULONG>" sub-authorities, or a two-letter alias.
 * @remarks Windows (ConvertStringSidToSid) rejects a revision other than 1, a value that
 * overflows its field, a SID with no sub-authority ("S-1-5") and more than 15
 * sub-authorities; so do we (STATUS_INVALID_SID). It takes "s-" and aliases in either case
 * ("wD") and "0x"/"0X" hex in every number ("S-0x1-0XC-0x1a" is S-1-12-26): Windows-run
 * expectations in Wine's test_ConvertStringSidToSid. After a hex revision Windows' SDDL
 * compiler reads every later number as hex even without "0x" ("S-0x1-0-0-579" is
 * S-1-0-0-1401, "S-0x1-20-0-579" S-1-32-0-1401: Samba python/samba/tests/sddl.py
 * SddlWindowsIsWeird); such a number (one of two digits or more) is refused here rather than
 * read either way, so no string means one SID on Windows and another here.
 */
NTSTATUS RtlpStringToSid(PCSTR Text, PCSTR *End, PSID Sid, ULONG BufferSize)
{
    PCSTR p = Text;
    ULONGLONG authority, value;
    ULONG sub[SID_MAX_SUB_AUTHORITIES + 1];
    ULONG count = 0, i;
    PISID sid = Sid;

    if (End != NULL)
        *End = Text;
    if (Text == NULL || Sid == NULL)
        return STATUS_INVALID_PARAMETER;

    if (!((p[0] == 'S' || p[0] == 's') && p[1] == '-')) {
        NTSTATUS status;
        if (!((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) ||
            !((p[1] >= 'A' && p[1] <= 'Z') || (p[1] >= 'a' && p[1] <= 'z')))
            return STATUS_INVALID_SID;
        status = RtlpAliasToSid(p, Sid, BufferSize);
        if (NT_SUCCESS(status) && End != NULL)
            *End = p + 2;
        return status;
    }
    p += 2;
    BOOLEAN hex_revision = RtlpIsHexPrefix(p);
    if (!RtlpParseNumber(&p, 0xFF, 2, &value) || value != SID_REVISION)
        return STATUS_INVALID_SID;
    if (*p != '-')
        return STATUS_INVALID_SID;
    p++;
    if (hex_revision && RtlpReadsOtherwiseAsHex(p))
        return STATUS_INVALID_SID;
    if (!RtlpParseNumber(&p, 0xFFFFFFFFFFFFull, 12, &authority))
        return STATUS_INVALID_SID;
    while (*p == '-') {
        PCSTR q = p + 1;
        if (hex_revision && RtlpReadsOtherwiseAsHex(q))
            return STATUS_INVALID_SID;
        if (!RtlpParseNumber(&q, 0xFFFFFFFFull, 8, &value))
            return STATUS_INVALID_SID; /* "S-1-5-" or "S-1-5-x" or overflow */
        if (count == SID_MAX_SUB_AUTHORITIES)
            return STATUS_INVALID_SID; /* a sixteenth sub-authority */
        sub[count++] = (ULONG)value;
        p = q;
    }
    if (count == 0)
        return STATUS_INVALID_SID; /* "S-1-5": ConvertStringSidToSid fails with ERROR_INVALID_SID */
    if (RtlLengthRequiredSid(count) > BufferSize)
        return STATUS_BUFFER_TOO_SMALL;
    sid->Revision = SID_REVISION;
    sid->SubAuthorityCount = (UCHAR)count;
    for (i = 0; i < 6; i++)
        sid->IdentifierAuthority.Value[i] = (UCHAR)(authority >> (8 * (5 - i)));
    for (i = 0; i < count; i++)
        sid->SubAuthority[i] = sub[i];
    if (End != NULL)
        *End = p;
    return STATUS_SUCCESS;
}

/*
 * RtlpSidToString - "S-1-..." into the caller's Buffer.
 * @remarks Windows prints the authority in decimal when it is below 2^32 and otherwise as
 * "0x" and upper-case hex without zero padding: S-1-21474836480-32-579 comes back as
 * S-1-0x500000000-32-579 (Samba python/samba/tests/sddl.py, SddlNonCanonical, checked on
 * Windows). MS-DTYP 2.4.2.1's grammar shows 12 hex digits; Windows does not pad. An invalid SID
 * gives STATUS_INVALID_SID; a short buffer STATUS_BUFFER_TOO_SMALL (Buffer then holds "").
 */
NTSTATUS RtlpSidToString(PSID Sid, PSTR Buffer, SIZE_T Size)
{
    PISID sid = Sid;
    char text[16 + 12 + SID_MAX_SUB_AUTHORITIES * 11 + 1];
    const UCHAR *a;
    int n;
    ULONG i;

    if (Buffer == NULL || Size == 0)
        return STATUS_BUFFER_TOO_SMALL;
    Buffer[0] = '\0';
    if (!RtlValidSid(Sid))
        return STATUS_INVALID_SID;
    a = sid->IdentifierAuthority.Value;
    if (a[0] == 0 && a[1] == 0) {
        ULONG auth = ((ULONG)a[2] << 24) | ((ULONG)a[3] << 16) | ((ULONG)a[4] << 8) | a[5];
        n = snprintf(text, sizeof(text), "S-1-%u", auth);
    } else {
        ULONGLONG auth = 0;
        for (i = 0; i < 6; i++)
            auth = (auth << 8) | a[i];
        n = snprintf(text, sizeof(text), "S-1-0x%llX", (unsigned long long)auth);
    }
    for (i = 0; i < sid->SubAuthorityCount; i++)
        n += snprintf(text + n, sizeof(text) - (size_t)n, "-%u", sid->SubAuthority[i]);
    if ((SIZE_T)n + 1 > Size)
        return STATUS_BUFFER_TOO_SMALL;
    memcpy(Buffer, text, (size_t)n + 1);
    return STATUS_SUCCESS;
}
