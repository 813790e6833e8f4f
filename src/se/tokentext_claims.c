/*
 * tokentext_claims.c - the text form of a token's claims (user-claims=, device-claims=;
 * docs/token-text.md "Claims"): parsing a claim list into a CLAIM_SECURITY_ATTRIBUTES_INFORMATION
 * and printing one back canonically.
 *
 *     user-claims=("dept",TS,0x0,"Sales","HR"),("level",TI,0x0,5)
 *
 * One claim is ("name",TYPE,FLAGS,VALUE[,VALUE...]) with the value-type codes of SDDL
 * resource attributes (MS-DTYP 2.5.1: TI int64, TU uint64, TS string, TD SID, TX octets,
 * TB boolean) plus TF for FQBN values (VERSION:"name"), which SDDL has no word for.
 * The parse result lives in one pool block (SEPP_TEXT_TAG) the caller frees; SepCreateToken
 * copies it. No object references are involved.
 */
#include <stdio.h>
#include <string.h>
#include "rtl/rtlp.h"
#include "se/tokentext.h"

#define SEPP_ALIGN(n) (((n) + 7) & ~(SIZE_T)7)

typedef struct _SEPP_CLAIM_TYPE {
    PCSTR Code;
    USHORT Type;
} SEPP_CLAIM_TYPE;

static const SEPP_CLAIM_TYPE SeppClaimTypes[] = {
    { "TI", CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64 },  { "TU", CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64 },
    { "TS", CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING }, { "TD", CLAIM_SECURITY_ATTRIBUTE_TYPE_SID },
    { "TX", CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING },
    { "TB", CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN }, { "TF", CLAIM_SECURITY_ATTRIBUTE_TYPE_FQBN },
};
#define SEPP_CLAIM_TYPE_COUNT (sizeof(SeppClaimTypes) / sizeof(SeppClaimTypes[0]))

static PCSTR SeppClaimTypeCode(USHORT Type)
{
    for (ULONG i = 0; i < SEPP_CLAIM_TYPE_COUNT; i++)
        if (SeppClaimTypes[i].Type == Type)
            return SeppClaimTypes[i].Code;
    return NULL;
}

/* Bump allocator over one pool block sized from the text (never overflows: see SeppParseClaims). */
typedef struct _SEPP_ARENA {
    PUCHAR Base;
    SIZE_T Used, Size;
} SEPP_ARENA;

static PVOID SeppArenaAlloc(SEPP_ARENA *A, SIZE_T Bytes)
{
    Bytes = SEPP_ALIGN(Bytes);
    if (Bytes > A->Size - A->Used)
        return NULL;
    PVOID p = A->Base + A->Used;
    A->Used += Bytes;
    return p;
}

/* Splits Text at commas outside double quotes and parentheses; *Count fields into Fields[]. */
static ULONG SeppSplitFields(PSTR Text, PSTR *Fields, ULONG Max)
{
    ULONG n = 0;
    int depth = 0;
    BOOLEAN quoted = FALSE;
    PSTR start = Text;
    for (PSTR s = Text;; s++) {
        if (*s == '"')
            quoted = !quoted;
        else if (!quoted && *s == '(')
            depth++;
        else if (!quoted && *s == ')')
            depth--;
        if (*s == '\0' || (*s == ',' && !quoted && depth == 0)) {
            if (n < Max)
                Fields[n] = start;
            n++;
            if (*s == '\0')
                break;
            *s = '\0';
            start = s + 1;
        }
    }
    return n;
}

static PSTR SeppTrim(PSTR S)
{
    while (*S == ' ' || *S == '\t')
        S++;
    SIZE_T n = strlen(S);
    while (n > 0 && (S[n - 1] == ' ' || S[n - 1] == '\t'))
        S[--n] = '\0';
    return S;
}

/* "text" (UTF-8, no control characters) as a NUL-terminated UTF-16 string in the arena. */
static PWSTR SeppParseQuoted(SEPP_ARENA *A, PCSTR Word)
{
    SIZE_T n = strlen(Word);
    if (n < 2 || Word[0] != '"' || Word[n - 1] != '"')
        return NULL;
    PWSTR out = SeppArenaAlloc(A, n * sizeof(WCHAR)); /* n-2 bytes give at most n-2 units, + NUL */
    if (out == NULL)
        return NULL;
    ULONG k = 0;
    const UCHAR *s = (const UCHAR *)Word + 1, *end = (const UCHAR *)Word + n - 1;
    while (s < end) {
        ULONG c = *s, len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || (SIZE_T)(end - s) < len || c < 0x20 || c == 0x7f || c == '"')
            return NULL;
        c = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
        for (ULONG i = 1; i < len; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return NULL;
            c = (c << 6) | (s[i] & 0x3F);
        }
        static const ULONG min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
        if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return NULL;
        if (c >= 0x10000) {
            c -= 0x10000;
            out[k++] = (WCHAR)(0xD800 | (c >> 10));
            out[k++] = (WCHAR)(0xDC00 | (c & 0x3FF));
        } else {
            out[k++] = (WCHAR)c;
        }
        s += len;
    }
    out[k] = 0;
    return out;
}

/* Strict unsigned 64-bit: decimal digits or 0x + hex digits, no overflow. */
static BOOLEAN SeppParseU64(PCSTR S, ULONG64 *Value)
{
    ULONG64 v = 0;
    ULONG base = 10;
    if (S[0] == '0' && (S[1] == 'x' || S[1] == 'X')) {
        base = 16;
        S += 2;
    }
    if (*S == '\0')
        return FALSE;
    for (; *S; S++) {
        int d = (*S >= '0' && *S <= '9') ? *S - '0'
              : (base == 16 && *S >= 'a' && *S <= 'f') ? *S - 'a' + 10
              : (base == 16 && *S >= 'A' && *S <= 'F') ? *S - 'A' + 10 : -1;
        if (d < 0 || v > (~(ULONG64)0 - (ULONG)d) / base)
            return FALSE;
        v = v * base + (ULONG)d;
    }
    *Value = v;
    return TRUE;
}

static BOOLEAN SeppParseI64(PCSTR S, LONGLONG *Value)
{
    BOOLEAN neg = *S == '-';
    if (*S == '-' || *S == '+')
        S++;
    ULONG64 u;
    if (!SeppParseU64(S, &u) || u > (neg ? (ULONG64)1 << 63 : ((ULONG64)1 << 63) - 1))
        return FALSE;
    *Value = neg ? (LONGLONG)(0 - u) : (LONGLONG)u;
    return TRUE;
}

static int SeppHexDigit(char C)
{
    return (C >= '0' && C <= '9') ? C - '0' : (C >= 'a' && C <= 'f') ? C - 'a' + 10
         : (C >= 'A' && C <= 'F') ? C - 'A' + 10 : -1;
}

/* One value of claim C (index I) from Word; FALSE when it does not parse. */
static BOOLEAN SeppParseClaimValue(SEPP_ARENA *A, PCLAIM_SECURITY_ATTRIBUTE_V1 C, ULONG I, PSTR Word,
                                   PCSTR Key)
{
    switch (C->ValueType) {
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64:
        return SeppParseI64(Word, &C->Values.pInt64[I]);
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64:
        return SeppParseU64(Word, &C->Values.pUint64[I]);
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN:
        C->Values.pUint64[I] = strcmp(Word, "1") == 0 || strcmp(Word, "true") == 0;
        return C->Values.pUint64[I] || strcmp(Word, "0") == 0 || strcmp(Word, "false") == 0;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING:
        return (C->Values.ppString[I] = SeppParseQuoted(A, Word)) != NULL;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_FQBN: {
        PSTR colon = strchr(Word, ':');
        if (colon == NULL)
            return FALSE;
        *colon = '\0';
        return SeppParseU64(Word, &C->Values.pFqbn[I].Version) &&
               (C->Values.pFqbn[I].Name = SeppParseQuoted(A, colon + 1)) != NULL;
    }
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_SID: {
        UCHAR sid[SECURITY_MAX_SID_SIZE];
        if (!NT_SUCCESS(SeppParseSid(Word, sid, Key)))
            return FALSE;
        ULONG len = RtlLengthSid(sid);
        PVOID p = SeppArenaAlloc(A, len);
        if (p == NULL)
            return FALSE;
        memcpy(p, sid, len);
        C->Values.pOctetString[I].pValue = p;
        C->Values.pOctetString[I].ValueLength = len;
        return TRUE;
    }
    default: { /* TX: an even, nonzero number of hex digits */
        SIZE_T n = strlen(Word);
        if (n == 0 || n % 2 != 0)
            return FALSE;
        PUCHAR p = SeppArenaAlloc(A, n / 2);
        if (p == NULL)
            return FALSE;
        for (SIZE_T k = 0; k < n; k += 2) {
            int hi = SeppHexDigit(Word[k]), lo = SeppHexDigit(Word[k + 1]);
            if (hi < 0 || lo < 0)
                return FALSE;
            p[k / 2] = (UCHAR)(hi * 16 + lo);
        }
        C->Values.pOctetString[I].pValue = p;
        C->Values.pOctetString[I].ValueLength = (ULONG)(n / 2);
        return TRUE;
    }
    }
}

/* One claim "(name,TYPE,FLAGS,VALUE...)" into C; Fields is scratch of SEPP_TEXT_MAX_LIST+3. */
static NTSTATUS SeppParseClaim(SEPP_ARENA *A, PSTR Entry, PCLAIM_SECURITY_ATTRIBUTE_V1 C, PSTR *Fields,
                               PCSTR Key)
{
    Entry = SeppTrim(Entry);
    SIZE_T len = strlen(Entry);
    if (len < 2 || Entry[0] != '(' || Entry[len - 1] != ')') {
        SeppSetTextError("claim \"%.64s\" in %s must be (\"name\",TYPE,FLAGS,VALUE...)", Entry, Key);
        return STATUS_INVALID_PARAMETER;
    }
    Entry[len - 1] = '\0';
    ULONG n = SeppSplitFields(Entry + 1, Fields, SEPP_TEXT_MAX_LIST + 3);
    if (n > SEPP_TEXT_MAX_LIST + 3) {
        SeppSetTextError("too many values in a claim in %s (at most %u)", Key, SEPP_TEXT_MAX_LIST);
        return STATUS_INVALID_PARAMETER;
    }
    for (ULONG i = 0; i < n; i++)
        Fields[i] = SeppTrim(Fields[i]);
    if (n < 4) {
        SeppSetTextError("claim %.64s in %s needs a name, a type, flags and at least one value", Fields[0], Key);
        return STATUS_INVALID_PARAMETER;
    }
    C->Name = SeppParseQuoted(A, Fields[0]);
    if (C->Name == NULL || C->Name[0] == 0) {
        SeppSetTextError("bad claim name %.64s in %s (a quoted, non-empty string)", Fields[0], Key);
        return STATUS_INVALID_PARAMETER;
    }
    ULONG t;
    for (t = 0; t < SEPP_CLAIM_TYPE_COUNT; t++)
        if (strcmp(Fields[1], SeppClaimTypes[t].Code) == 0)
            break;
    if (t == SEPP_CLAIM_TYPE_COUNT) {
        SeppSetTextError("unknown claim type \"%.16s\" for %.64s in %s (TI, TU, TS, TD, TX, TB or TF)",
                         Fields[1], Fields[0], Key);
        return STATUS_INVALID_PARAMETER;
    }
    C->ValueType = SeppClaimTypes[t].Type;
    ULONG64 flags;
    if (!SeppParseU64(Fields[2], &flags) || flags > 0xFFFFFFFFu ||
        ((ULONG)flags & 0xFFFF & ~(ULONG)CLAIM_SECURITY_ATTRIBUTE_VALID_FLAGS) != 0) {
        SeppSetTextError("bad claim flags \"%.16s\" for %.64s in %s", Fields[2], Fields[0], Key);
        return STATUS_INVALID_PARAMETER;
    }
    C->Flags = (ULONG)flags;
    C->ValueCount = n - 3;
    SIZE_T element = C->ValueType == CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING ? sizeof(PWSTR)
                   : (C->ValueType == CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64 ||
                      C->ValueType == CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64 ||
                      C->ValueType == CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN) ? sizeof(ULONG64) : 16;
    C->Values.pInt64 = SeppArenaAlloc(A, C->ValueCount * element);
    if (C->Values.pInt64 == NULL)
        return STATUS_NO_MEMORY;
    for (ULONG i = 0; i < C->ValueCount; i++) {
        PCSTR word = Fields[3 + i];
        char copy[80];
        snprintf(copy, sizeof(copy), "%s", word);
        if (!SeppParseClaimValue(A, C, i, Fields[3 + i], Key)) {
            SeppSetTextError("bad %s value %s for claim %.64s in %s", SeppClaimTypes[t].Code, copy, Fields[0], Key);
            return STATUS_INVALID_PARAMETER;
        }
    }
    return STATUS_SUCCESS;
}

/*
 * SeppParseClaims - Value (cut in place) as a claim list; *Claims receives a pool block
 * (SEPP_TEXT_TAG, the caller frees it) or stays NULL for an empty list. Errors name the claim
 * and Key. The arena is sized so that it cannot run out: every value takes at most 16 bytes
 * of array plus its data, a string at most 2 bytes per text byte, a SID at most
 * SECURITY_MAX_SID_SIZE per value, each piece 8-byte aligned.
 */
NTSTATUS SeppParseClaims(PSTR Value, PCSTR Key, PCLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims)
{
    *Claims = NULL;
    if (*Value == '\0')
        return STATUS_SUCCESS;
    SIZE_T len = strlen(Value);
    SIZE_T pieces = len + 4; /* upper bound on claims + values + names */
    PSTR *fields = ExAllocatePoolWithTag(PagedPool, (SEPP_TEXT_MAX_LIST + 3) * sizeof(PSTR), SEPP_TEXT_TAG);
    if (fields == NULL)
        return STATUS_NO_MEMORY;
    PSTR copy = Value;
    ULONG count = SeppSplitFields(copy, fields, SEPP_TEXT_MAX_LIST + 3);
    NTSTATUS st = STATUS_SUCCESS;
    if (count > SEPP_TEXT_MAX_LIST) {
        SeppSetTextError("too many claims in %s (%lu, at most %u)", Key, (unsigned long)count, SEPP_TEXT_MAX_LIST);
        st = STATUS_INVALID_PARAMETER;
    }
    SEPP_ARENA arena = { NULL, 0, 0 };
    PSTR *entries = NULL;
    if (NT_SUCCESS(st)) {
        arena.Size = sizeof(CLAIM_SECURITY_ATTRIBUTES_INFORMATION) + count * sizeof(CLAIM_SECURITY_ATTRIBUTE_V1) +
                     pieces * (16 + 8 + SECURITY_MAX_SID_SIZE + 8) + 2 * len + 64;
        arena.Base = ExAllocatePoolWithTag(PagedPool, arena.Size, SEPP_TEXT_TAG);
        entries = ExAllocatePoolWithTag(PagedPool, count * sizeof(PSTR), SEPP_TEXT_TAG);
        if (arena.Base == NULL || entries == NULL)
            st = STATUS_NO_MEMORY;
    }
    if (NT_SUCCESS(st)) {
        memcpy(entries, fields, count * sizeof(PSTR));
        PCLAIM_SECURITY_ATTRIBUTES_INFORMATION info = SeppArenaAlloc(&arena, sizeof(*info));
        info->Version = CLAIM_SECURITY_ATTRIBUTES_INFORMATION_VERSION_V1;
        info->Attribute.pAttributeV1 = SeppArenaAlloc(&arena, count * sizeof(CLAIM_SECURITY_ATTRIBUTE_V1));
        memset(info->Attribute.pAttributeV1, 0, count * sizeof(CLAIM_SECURITY_ATTRIBUTE_V1));
        for (ULONG i = 0; i < count && NT_SUCCESS(st); i++) {
            PCLAIM_SECURITY_ATTRIBUTE_V1 c = &info->Attribute.pAttributeV1[i];
            st = SeppParseClaim(&arena, entries[i], c, fields, Key);
            if (!NT_SUCCESS(st))
                break;
            info->AttributeCount = i + 1;
            if (!NT_SUCCESS(SepClaimsValidate(info))) {
                BOOLEAN dupName = SepFindClaim(&(CLAIM_SECURITY_ATTRIBUTES_INFORMATION){
                                                   .Version = 1, .AttributeCount = i,
                                                   .Attribute.pAttributeV1 = info->Attribute.pAttributeV1 },
                                               (const UCHAR *)c->Name,
                                               SepWideLength(c->Name) * (ULONG)sizeof(WCHAR)) != NULL;
                SeppSetTextError(dupName ? "claim %.64s in %s repeats the name of an earlier claim"
                                         : "claim %.64s in %s has the same value twice",
                                 fields[0], Key);
                st = STATUS_INVALID_PARAMETER;
            }
        }
        if (NT_SUCCESS(st)) {
            *Claims = info;
            arena.Base = NULL; /* now the caller's */
        }
    }
    if (arena.Base)
        ExFreePoolWithTag(arena.Base, SEPP_TEXT_TAG);
    if (entries)
        ExFreePoolWithTag(entries, SEPP_TEXT_TAG);
    ExFreePoolWithTag(fields, SEPP_TEXT_TAG);
    return st;
}

/* A UTF-16 string as "UTF-8"; FALSE when it has no text form (a quote, a control
 * character, an unpaired surrogate). */
static BOOLEAN SeppPutQuoted(SEPP_WRITER *W, const WCHAR *S)
{
    SeppPut(W, "\"");
    for (; *S; S++) {
        ULONG c = *S;
        if (c >= 0xD800 && c <= 0xDBFF && S[1] >= 0xDC00 && S[1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (S[1] - 0xDC00);
            S++;
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            return FALSE;
        }
        if (c < 0x20 || c == 0x7f || c == '"')
            return FALSE;
        if (c < 0x80)
            SeppPut(W, "%c", (int)c);
        else if (c < 0x800)
            SeppPut(W, "%c%c", (int)(0xC0 | (c >> 6)), (int)(0x80 | (c & 0x3F)));
        else if (c < 0x10000)
            SeppPut(W, "%c%c%c", (int)(0xE0 | (c >> 12)), (int)(0x80 | ((c >> 6) & 0x3F)), (int)(0x80 | (c & 0x3F)));
        else
            SeppPut(W, "%c%c%c%c", (int)(0xF0 | (c >> 18)), (int)(0x80 | ((c >> 12) & 0x3F)),
                    (int)(0x80 | ((c >> 6) & 0x3F)), (int)(0x80 | (c & 0x3F)));
    }
    SeppPut(W, "\"");
    return TRUE;
}

/*
 * SeppPutClaims - " Key=(...),(...)" for Claims (nothing when there are none). Returns
 * STATUS_NOT_SUPPORTED (NtsecLastErrorText says which claim) for a string with no text form.
 */
NTSTATUS SeppPutClaims(SEPP_WRITER *W, PCSTR Key, const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *Claims)
{
    if (Claims == NULL || Claims->AttributeCount == 0)
        return STATUS_SUCCESS;
    for (ULONG i = 0; i < Claims->AttributeCount; i++) {
        const CLAIM_SECURITY_ATTRIBUTE_V1 *c = &Claims->Attribute.pAttributeV1[i];
        SeppPut(W, i == 0 ? " %s=(" : ",(", Key);
        BOOLEAN ok = SeppPutQuoted(W, c->Name);
        SeppPut(W, ",%s,0x%x", SeppClaimTypeCode(c->ValueType), (unsigned)c->Flags);
        for (ULONG v = 0; v < c->ValueCount && ok; v++) {
            SeppPut(W, ",");
            switch (c->ValueType) {
            case CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64:
                SeppPut(W, "%lld", (long long)c->Values.pInt64[v]);
                break;
            case CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64:
            case CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN:
                SeppPut(W, "%llu", (unsigned long long)c->Values.pUint64[v]);
                break;
            case CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING:
                ok = SeppPutQuoted(W, c->Values.ppString[v]);
                break;
            case CLAIM_SECURITY_ATTRIBUTE_TYPE_FQBN:
                SeppPut(W, "%llu:", (unsigned long long)c->Values.pFqbn[v].Version);
                ok = SeppPutQuoted(W, c->Values.pFqbn[v].Name);
                break;
            case CLAIM_SECURITY_ATTRIBUTE_TYPE_SID:
                ok = NT_SUCCESS(SeppPutSid(W, c->Values.pOctetString[v].pValue, TRUE));
                break;
            default:
                for (ULONG k = 0; k < c->Values.pOctetString[v].ValueLength; k++)
                    SeppPut(W, "%02x", ((const UCHAR *)c->Values.pOctetString[v].pValue)[k]);
                break;
            }
        }
        if (!ok) {
            SeppSetTextError("claim %lu of %s has a string with no text form", (unsigned long)i + 1, Key);
            return STATUS_NOT_SUPPORTED;
        }
        SeppPut(W, ")");
    }
    return STATUS_SUCCESS;
}
