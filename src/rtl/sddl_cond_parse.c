/*
 * sddl_cond_parse.c - SDDL text of a conditional expression (MS-DTYP 2.5.1.1 cond-expr) to
 * its binary form (MS-DTYP 2.4.4.17.4-.7): RtlpCondCompile, used by the SDDL parser for the
 * seventh field of XA, XD, ZA and XU ACEs.
 *
 * Recursive descent over the grammar below, emitting postfix byte code as it goes. The
 * recursion is bounded by RTLP_COND_MAX_NESTING parentheses (and the tree it builds by
 * RTLP_COND_MAX_HEIGHT levels, so that its canonical text parses back), composites by
 * RTLP_COND_MAX_COMPOSITE elements, the output by its buffer, and the result must pass
 * RtlpCondValidate (at most RTLP_COND_MAX_STACK operands), so hostile text costs time
 * linear in its length and bounded stack. No references change.
 *
 *   expr     = "(" or-expr ")"
 *   or-expr  = and-expr *("||" and-expr)          ; left-associative, lowest
 *   and-expr = factor *("&&" factor)              ; binds tighter than || (Windows)
 *   factor   = "!" ( "(" or-expr ")" / attribute )
 *            / "(" or-expr ")" [relop rhs]         ; the group must be one attribute
 *            / ("Exists" / "Not_Exists") attribute
 *            / member-op operand                   ; Member_of and its seven relatives
 *            / attribute [relop rhs]
 *   relop    = "==" / "!=" / "<" / "<=" / ">" / ">=" / "Contains" / "Any_of"
 *            / "Not_Contains" / "Not_Any_of"
 *   rhs      = literal / composite / attribute
 *   operand  = literal / composite / "(" literal ")"
 *   literal  = integer / "\"" chars "\"" / "#" hex / "SID(" sid ")"
 *   composite= "{" [literal *("," literal)] "}"
 *
 * Windows facts it follows (Samba's Windows-generated corpus, see docs/sddl.md):
 * keywords and prefixes are case-insensitive; a bare name is a local attribute;
 * "Member_of{SID(x)}" compiles to a one-element composite, "Member_of SID(x)" and
 * "Member_of(SID(x))" to a bare SID; integers are int64 with a sign byte (none, + or -)
 * and their base; '#' in an octet string stands for a zero digit ("##1#2#3##" is
 * 01 02 03 00).
 */
#include <string.h>
#include "rtlp_cond.h"


typedef enum _RTLP_COND_KIND {
    RtlpCondKindCondition,
    RtlpCondKindAttribute,
} RTLP_COND_KIND;

typedef struct _RTLP_COND_COMPILER {
    PCSTR P;
    PUCHAR Out;
    ULONG Size, Length;
    ULONG Nesting;
    PCSTR ErrorAt;
    PCSTR Message;
    NTSTATUS Status;
} RTLP_COND_COMPILER;

static BOOLEAN RtlpCondFail(RTLP_COND_COMPILER *C, PCSTR At, PCSTR Message)
{
    if (NT_SUCCESS(C->Status)) {
        C->Status = STATUS_INVALID_PARAMETER;
        C->ErrorAt = At;
        C->Message = Message;
    }
    return FALSE;
}

static BOOLEAN RtlpCondEmit(RTLP_COND_COMPILER *C, const VOID *Bytes, ULONG Length)
{
    if (Length > C->Size - C->Length) {
        if (NT_SUCCESS(C->Status)) {
            C->Status = STATUS_BUFFER_TOO_SMALL;
            C->ErrorAt = C->P;
            C->Message = "conditional expression too large for an ACE";
        }
        return FALSE;
    }
    memcpy(C->Out + C->Length, Bytes, Length);
    C->Length += Length;
    return TRUE;
}

static BOOLEAN RtlpCondEmitByte(RTLP_COND_COMPILER *C, UCHAR Byte)
{
    return RtlpCondEmit(C, &Byte, 1);
}

static VOID RtlpCondPut32(PUCHAR P, ULONG V)
{
    P[0] = (UCHAR)V;
    P[1] = (UCHAR)(V >> 8);
    P[2] = (UCHAR)(V >> 16);
    P[3] = (UCHAR)(V >> 24);
}

/* A code and a 4-byte length to be patched: returns the offset of the length. */
static BOOLEAN RtlpCondOpen(RTLP_COND_COMPILER *C, UCHAR Code, PULONG LengthAt)
{
    static const UCHAR zero[4] = { 0, 0, 0, 0 };
    if (!RtlpCondEmitByte(C, Code))
        return FALSE;
    *LengthAt = C->Length;
    return RtlpCondEmit(C, zero, 4);
}

static VOID RtlpCondClose(RTLP_COND_COMPILER *C, ULONG LengthAt)
{
    RtlpCondPut32(C->Out + LengthAt, C->Length - LengthAt - 4);
}

static BOOLEAN RtlpCondIsBlank(char Ch)
{
    return Ch == ' ' || Ch == '\t' || Ch == '\n' || Ch == '\r';
}

static VOID RtlpCondSkip(RTLP_COND_COMPILER *C)
{
    while (RtlpCondIsBlank(*C->P))
        C->P++;
}

static char RtlpCondLower(char Ch)
{
    return (Ch >= 'A' && Ch <= 'Z') ? (char)(Ch - 'A' + 'a') : Ch;
}

/* Whether Text starts with Word, case-insensitively. */
static BOOLEAN RtlpCondStartsWith(PCSTR Text, PCSTR Word)
{
    for (; *Word; Word++, Text++)
        if (RtlpCondLower(*Text) != RtlpCondLower(*Word))
            return FALSE;
    return TRUE;
}

/* Length of the word at P: letters, digits and '_'. */
static ULONG RtlpCondWordLength(PCSTR P)
{
    ULONG n = 0;
    while ((P[n] >= 'a' && P[n] <= 'z') || (P[n] >= 'A' && P[n] <= 'Z') ||
           (P[n] >= '0' && P[n] <= '9') || P[n] == '_')
        n++;
    return n;
}

/* The operator code (0x86-0x93) whose keyword is exactly [Word, Word+Length), or 0. */
static UCHAR RtlpCondKeyword(PCSTR Word, ULONG Length)
{
    for (ULONG code = RTLP_COND_CONTAINS; code <= RTLP_COND_NOT_DEVICE_MEMBER_OF_ANY; code++) {
        PCSTR name = RtlpCondOperatorName((UCHAR)code);
        if (name != NULL && strlen(name) == Length && RtlpCondStartsWith(Word, name))
            return (UCHAR)code;
    }
    return 0;
}

/* RtlpCondIsKeyword - see rtlp_cond.h. */
BOOLEAN RtlpCondIsKeyword(const UCHAR *Name, ULONG Length)
{
    char word[32];
    ULONG n = Length / 2;
    if (n == 0 || n >= sizeof(word))
        return FALSE;
    for (ULONG i = 0; i < n; i++) {
        if (Name[2 * i + 1] != 0 || Name[2 * i] >= 0x80)
            return FALSE;
        word[i] = (char)Name[2 * i];
    }
    return RtlpCondKeyword(word, n) != 0;
}

/*
 * RtlpCondUtf8 - decodes one UTF-8 character at *P (advancing it) into *Code; FALSE for
 * a malformed, overlong or surrogate sequence.
 */
static BOOLEAN RtlpCondUtf8(PCSTR *P, PULONG Code)
{
    const UCHAR *s = (const UCHAR *)*P;
    ULONG c, n, min;
    if (s[0] < 0x80) {
        *Code = s[0];
        *P += 1;
        return TRUE;
    }
    if ((s[0] & 0xE0) == 0xC0) { c = s[0] & 0x1F; n = 1; min = 0x80; }
    else if ((s[0] & 0xF0) == 0xE0) { c = s[0] & 0x0F; n = 2; min = 0x800; }
    else if ((s[0] & 0xF8) == 0xF0) { c = s[0] & 0x07; n = 3; min = 0x10000; }
    else return FALSE;
    for (ULONG i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return FALSE;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return FALSE;
    *Code = c;
    *P += n + 1;
    return TRUE;
}

static BOOLEAN RtlpCondEmitUtf16(RTLP_COND_COMPILER *C, ULONG Code)
{
    UCHAR b[4];
    if (Code >= 0x10000) {
        ULONG v = Code - 0x10000, hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
        b[0] = (UCHAR)hi; b[1] = (UCHAR)(hi >> 8); b[2] = (UCHAR)lo; b[3] = (UCHAR)(lo >> 8);
        return RtlpCondEmit(C, b, 4);
    }
    b[0] = (UCHAR)Code;
    b[1] = (UCHAR)(Code >> 8);
    return RtlpCondEmit(C, b, 2);
}

/*
 * RtlpCondName - an attribute name at C->P emitted as UTF-16LE: characters of the name set
 * (RtlpCondNameChar), non-ASCII UTF-8 in prefixed names, and %xxxx escapes of characters
 * outside the set (an escape of a character that may stand as itself is an error, as on
 * Windows: Samba test_sddl_conditional_ace.c "hex-escapes that should be literals").
 */
static BOOLEAN RtlpCondName(RTLP_COND_COMPILER *C, BOOLEAN Prefixed, PULONG Units)
{
    PCSTR start = C->P;
    *Units = 0;
    for (;;) {
        PCSTR at = C->P;
        ULONG code;
        if (*at == '%') {
            int d[4];
            for (int i = 0; i < 4; i++)
                if ((d[i] = RtlpHexValue(at[1 + i])) < 0)
                    return RtlpCondFail(C, at, "bad %xxxx escape in an attribute name");
            code = (ULONG)((d[0] << 12) | (d[1] << 8) | (d[2] << 4) | d[3]);
            if (RtlpCondNameChar(code, Prefixed))
                return RtlpCondFail(C, at, "a %xxxx escape of a character that stands as itself");
            if (code == 0) /* a resource attribute's name is NUL-terminated */
                return RtlpCondFail(C, at, "a NUL (%0000) in an attribute name");
            C->P += 5;
            if (!RtlpCondEmit(C, (UCHAR[]){ (UCHAR)code, (UCHAR)(code >> 8) }, 2))
                return FALSE;
        } else if (RtlpCondNameChar((UCHAR)*at, Prefixed)) {
            C->P++;
            if (!RtlpCondEmitUtf16(C, (UCHAR)*at))
                return FALSE;
        } else if (Prefixed && (UCHAR)*at >= 0x80) {
            if (!RtlpCondUtf8(&C->P, &code))
                return RtlpCondFail(C, at, "invalid UTF-8 in an attribute name");
            if (!RtlpCondEmitUtf16(C, code))
                return FALSE;
        } else {
            break;
        }
        (*Units)++;
    }
    if (C->P == start)
        return RtlpCondFail(C, start, "expected an attribute name");
    return TRUE;
}

/* The attribute prefix at P ("@USER." etc., any case), its code and length; 0 if none. */
static UCHAR RtlpCondPrefix(PCSTR P, PULONG Length)
{
    static const UCHAR codes[] = { RTLP_COND_USER_ATTR, RTLP_COND_DEVICE_ATTR, RTLP_COND_RESOURCE_ATTR };
    for (ULONG i = 0; i < sizeof(codes); i++) {
        PCSTR name = RtlpCondOperatorName(codes[i]);
        if (RtlpCondStartsWith(P, name)) {
            *Length = (ULONG)strlen(name);
            return codes[i];
        }
    }
    return 0;
}

/*
 * RtlpCondAttribute - an attribute reference at C->P: a prefix and a name, or a bare
 * (local) name that is not a keyword (callers have already taken a digit as the start of
 * a number, so a local name never starts with one).
 */
static BOOLEAN RtlpCondAttribute(RTLP_COND_COMPILER *C)
{
    PCSTR at = C->P;
    ULONG prefix_length = 0, length_at, units;
    UCHAR code = RtlpCondPrefix(at, &prefix_length);
    if (code == 0) {
        ULONG word = RtlpCondWordLength(at);
        if (word > 0 && RtlpCondKeyword(at, word) != 0 && !RtlpCondNameChar((UCHAR)at[word], FALSE) &&
            at[word] != '%')
            return RtlpCondFail(C, at, "an operator where an attribute name is expected");
        code = RTLP_COND_LOCAL_ATTR;
    } else if (at[0] != '@') {
        return RtlpCondFail(C, at, "expected an attribute");
    }
    C->P += prefix_length;
    if (!RtlpCondOpen(C, code, &length_at) || !RtlpCondName(C, code != RTLP_COND_LOCAL_ATTR, &units))
        return FALSE;
    RtlpCondClose(C, length_at);
    return TRUE;
}

/* An integer literal: [+-] then 0x hex, 0 octal or decimal digits; int64 range. */
static BOOLEAN RtlpCondInteger(RTLP_COND_COMPILER *C)
{
    PCSTR at = C->P, p = at;
    UCHAR sign = RTLP_COND_SIGN_NONE, base = RTLP_COND_BASE_DECIMAL;
    ULONG64 value = 0, limit;
    ULONG radix = 10, digits = 0;
    if (*p == '+' || *p == '-') {
        sign = *p == '+' ? RTLP_COND_SIGN_PLUS : RTLP_COND_SIGN_MINUS;
        p++;
    }
    limit = sign == RTLP_COND_SIGN_MINUS ? 0x8000000000000000ull : 0x7FFFFFFFFFFFFFFFull;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        radix = 16;
        base = RTLP_COND_BASE_HEX;
        p += 2;
        /* an unsigned hex literal may use all 64 bits: Windows takes 0xffffffffffffffff and
         * refuses 0x10000000000000000 (Samba libcli/security/tests/data/
         * conditional_aces_windows_only.txt, conditional_aces_should_fail.txt); it is the
         * int64 with that bit pattern */
        if (sign == RTLP_COND_SIGN_NONE)
            limit = ~0ull;
    } else if (p[0] == '0' && p[1] >= '0' && p[1] <= '9') {
        radix = 8;
        base = RTLP_COND_BASE_OCTAL;
        p++;
    }
    for (;; p++, digits++) {
        int d = RtlpHexValue(*p);
        if (d < 0 || (radix != 16 && d > 9))
            break;
        if ((ULONG)d >= radix)
            return RtlpCondFail(C, p, "bad digit in an octal number");
        if (value > (limit - (ULONG)d) / radix)
            return RtlpCondFail(C, at, "integer outside the 64-bit range");
        value = value * radix + (ULONG)d;
    }
    if (digits == 0)
        return RtlpCondFail(C, at, "expected a number");
    if (RtlpCondNameChar((UCHAR)*p, FALSE) || *p == '%')
        return RtlpCondFail(C, p, "a number followed by a name character");
    C->P = p;
    LONGLONG v = sign == RTLP_COND_SIGN_MINUS ? (LONGLONG)(0 - value) : (LONGLONG)value;
    UCHAR bytes[11] = { RTLP_COND_INT64 };
    for (int i = 0; i < 8; i++)
        bytes[1 + i] = (UCHAR)((ULONG64)v >> (8 * i));
    bytes[9] = sign;
    bytes[10] = base;
    return RtlpCondEmit(C, bytes, sizeof(bytes));
}

/* The body of a "..." string (C->P on the opening '"'): any UTF-8 but '"' and NUL, emitted
 * as UTF-16LE; C->P ends after the closing '"'. */
static BOOLEAN RtlpCondStringBody(RTLP_COND_COMPILER *C)
{
    PCSTR at = C->P;
    C->P++;
    while (*C->P != '"') {
        PCSTR ch = C->P;
        ULONG code;
        if (*ch == '\0')
            return RtlpCondFail(C, at, "unterminated string");
        if (!RtlpCondUtf8(&C->P, &code))
            return RtlpCondFail(C, ch, "invalid UTF-8 in a string");
        if (!RtlpCondEmitUtf16(C, code))
            return FALSE;
    }
    C->P++;
    return TRUE;
}

/* A string literal token. */
static BOOLEAN RtlpCondString(RTLP_COND_COMPILER *C)
{
    ULONG length_at;
    if (!RtlpCondOpen(C, RTLP_COND_STRING, &length_at) || !RtlpCondStringBody(C))
        return FALSE;
    RtlpCondClose(C, length_at);
    return TRUE;
}

/* RtlpCondCompileUtf16 - see rtlp_cond.h. */
NTSTATUS RtlpCondCompileUtf16(PCSTR *Text, BOOLEAN String, PUCHAR Out, ULONG OutSize,
                              PULONG Length, PCSTR *ErrorAt, PCSTR *Message)
{
    RTLP_COND_COMPILER c = { .P = *Text, .Out = Out, .Size = OutSize, .Status = STATUS_SUCCESS };
    ULONG units;
    if (String ? (*c.P == '"' ? RtlpCondStringBody(&c) : RtlpCondFail(&c, c.P, "expected '\"'"))
               : RtlpCondName(&c, TRUE, &units)) {
        *Text = c.P;
        *Length = c.Length;
        return STATUS_SUCCESS;
    }
    *ErrorAt = c.ErrorAt;
    *Message = c.Message;
    return c.Status;
}

/*
 * '#' and hex digits, '#' standing for '0'; an odd number of digits has an implied leading
 * '0' - Windows prints "#1#2#3##" as #01020300 (Samba libcli/security/tests/data/
 * conditional_aces_windows_only.txt).
 */
static BOOLEAN RtlpCondOctets(RTLP_COND_COMPILER *C)
{
    ULONG length_at, n = 0;
    if (!RtlpCondOpen(C, RTLP_COND_OCTETS, &length_at))
        return FALSE;
    C->P++;
    while ((C->P[n] == '#' ? 0 : RtlpHexValue(C->P[n])) >= 0)
        n++;
    int high = 0;
    for (ULONG i = n & 1; i < n + (n & 1); i++, C->P++) {
        int d = *C->P == '#' ? 0 : RtlpHexValue(*C->P);
        if (i & 1) {
            if (!RtlpCondEmitByte(C, (UCHAR)(high * 16 + d)))
                return FALSE;
        } else {
            high = d;
        }
    }
    RtlpCondClose(C, length_at);
    return TRUE;
}

/* "SID(" sid ")": the SID string or alias RtlpStringToSid reads. */
static BOOLEAN RtlpCondSid(RTLP_COND_COMPILER *C)
{
    ULONG sid[SECURITY_MAX_SID_SIZE / sizeof(ULONG)];
    PCSTR at = C->P + 4, end;
    ULONG length_at;
    C->P = at;
    RtlpCondSkip(C);
    NTSTATUS status = RtlpStringToSid(C->P, &end, sid, sizeof(sid));
    if (status == STATUS_NONE_MAPPED)
        return RtlpCondFail(C, C->P, "domain SID alias needs a domain SID (NtsecSetDomainSid)");
    if (!NT_SUCCESS(status))
        return RtlpCondFail(C, C->P, "invalid SID in SID(...)");
    C->P = end;
    RtlpCondSkip(C);
    if (*C->P != ')')
        return RtlpCondFail(C, C->P, "expected ')' after the SID");
    C->P++;
    return RtlpCondOpen(C, RTLP_COND_SID, &length_at) &&
           RtlpCondEmit(C, sid, RtlLengthSid(sid)) && (RtlpCondClose(C, length_at), TRUE);
}

/* Whether a literal (not a composite) starts at P. */
static BOOLEAN RtlpCondAtLiteral(PCSTR P)
{
    return *P == '"' || *P == '#' || (*P >= '0' && *P <= '9') ||
           ((*P == '-' || *P == '+') && P[1] >= '0' && P[1] <= '9') ||
           (RtlpCondStartsWith(P, "SID") && P[3] == '(');
}

static BOOLEAN RtlpCondScalar(RTLP_COND_COMPILER *C)
{
    if (*C->P == '"')
        return RtlpCondString(C);
    if (*C->P == '#')
        return RtlpCondOctets(C);
    if (RtlpCondStartsWith(C->P, "SID") && C->P[3] == '(')
        return RtlpCondSid(C);
    if (RtlpCondAtLiteral(C->P))
        return RtlpCondInteger(C);
    return RtlpCondFail(C, C->P, "expected a literal");
}

/* "{" [literal *("," literal)] "}" - literals only, no nested composites. */
static BOOLEAN RtlpCondComposite(RTLP_COND_COMPILER *C)
{
    ULONG length_at, count = 0;
    if (!RtlpCondOpen(C, RTLP_COND_COMPOSITE, &length_at))
        return FALSE;
    C->P++;
    RtlpCondSkip(C);
    if (*C->P != '}') {
        for (;;) {
            if (++count > RTLP_COND_MAX_COMPOSITE)
                return RtlpCondFail(C, C->P, "more than 1024 composite elements");
            if (!RtlpCondScalar(C))
                return FALSE;
            RtlpCondSkip(C);
            if (*C->P == '}')
                break;
            if (*C->P != ',')
                return RtlpCondFail(C, C->P, "expected ',' or '}' in a composite");
            C->P++;
            RtlpCondSkip(C);
        }
    }
    C->P++;
    RtlpCondClose(C, length_at);
    return TRUE;
}

static BOOLEAN RtlpCondValue(RTLP_COND_COMPILER *C)
{
    return *C->P == '{' ? RtlpCondComposite(C) : RtlpCondScalar(C);
}

/* A relational operator at C->P ("==" ... or a keyword followed by a non-word character), or 0. */
static UCHAR RtlpCondRelop(RTLP_COND_COMPILER *C, PULONG Length)
{
    static const struct { char Text[3]; UCHAR Code; } symbols[] = {
        { "==", RTLP_COND_EQ }, { "!=", RTLP_COND_NE }, { "<=", RTLP_COND_LE },
        { ">=", RTLP_COND_GE }, { "<", RTLP_COND_LT }, { ">", RTLP_COND_GT },
    };
    for (ULONG i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
        ULONG n = (ULONG)strlen(symbols[i].Text);
        if (strncmp(C->P, symbols[i].Text, n) == 0) {
            *Length = n;
            return symbols[i].Code;
        }
    }
    ULONG word = RtlpCondWordLength(C->P);
    UCHAR code = RtlpCondKeyword(C->P, word);
    if (code == RTLP_COND_CONTAINS || code == RTLP_COND_ANY_OF || code == RTLP_COND_NOT_CONTAINS ||
        code == RTLP_COND_NOT_ANY_OF) {
        *Length = word;
        return code;
    }
    return 0;
}

/* After an attribute (already emitted): an optional relational operator and its right-hand side. */
static BOOLEAN RtlpCondRelational(RTLP_COND_COMPILER *C, RTLP_COND_KIND *Kind)
{
    ULONG length;
    PCSTR save = C->P;
    RtlpCondSkip(C);
    UCHAR op = RtlpCondRelop(C, &length);
    if (op == 0) {
        C->P = save;
        *Kind = RtlpCondKindAttribute;
        return TRUE;
    }
    C->P += length;
    RtlpCondSkip(C);
    if (*C->P == '(')
        return RtlpCondFail(C, C->P, "a relational operator takes a literal or an attribute on its right");
    if (*C->P == '{' || RtlpCondAtLiteral(C->P)) {
        if (!RtlpCondValue(C))
            return FALSE;
    } else {
        /* MS-DTYP 2.5.1.1: the right-hand attribute is attr-name2, "@user.", "@device." or
         * "@resource." and a name - never a local attribute (Samba libcli/security/tests/
         * data/conditional_aces_should_fail.txt: "(a == a)" fails) */
        ULONG prefix = 0;
        if (RtlpCondPrefix(C->P, &prefix) == 0 && RtlpCondWordLength(C->P) > 0)
            return RtlpCondFail(C, C->P, "a local attribute cannot be the right-hand side");
        if (!RtlpCondAttribute(C))
            return FALSE;
    }
    *Kind = RtlpCondKindCondition;
    return RtlpCondEmitByte(C, op);
}

static BOOLEAN RtlpCondOr(RTLP_COND_COMPILER *C, RTLP_COND_KIND *Kind);

/* "(" or-expr ")"; its kind is the kind inside. */
static BOOLEAN RtlpCondGroup(RTLP_COND_COMPILER *C, RTLP_COND_KIND *Kind)
{
    PCSTR open = C->P;
    if (++C->Nesting > RTLP_COND_MAX_NESTING)
        return RtlpCondFail(C, open, "conditional expression nested too deeply");
    C->P++;
    RtlpCondSkip(C);
    if (*C->P == ')')
        return RtlpCondFail(C, C->P, "empty parentheses");
    if (!RtlpCondOr(C, Kind))
        return FALSE;
    RtlpCondSkip(C);
    if (*C->P != ')')
        return RtlpCondFail(C, C->P, *C->P ? "expected ')', '&&' or '||'" : "unterminated conditional expression");
    C->P++;
    C->Nesting--;
    return TRUE;
}

/* The operand of a Member_of-family operator: a literal, a composite, or one in parentheses. */
/*
 * The operand of Member_of and its kin: a SID literal or a composite, inside any number of
 * parentheses - Windows takes "(member_of((sid(s-1-1-0))))" as (Member_of SID(WD)) (Samba
 * libcli/security/tests/data/conditional_aces_windows_only.txt). Counted, not recursive.
 */
static BOOLEAN RtlpCondMemberOperand(RTLP_COND_COMPILER *C)
{
    ULONG open = 0;
    RtlpCondSkip(C);
    while (*C->P == '(') {
        C->P++, open++;
        RtlpCondSkip(C);
    }
    if (!RtlpCondValue(C))
        return FALSE;
    for (; open > 0; open--) {
        RtlpCondSkip(C);
        if (*C->P != ')')
            return RtlpCondFail(C, C->P, "expected ')'");
        C->P++;
    }
    return TRUE;
}

static BOOLEAN RtlpCondFactor(RTLP_COND_COMPILER *C, RTLP_COND_KIND *Kind)
{
    RtlpCondSkip(C);
    PCSTR at = C->P;
    if (*at == '!') {
        C->P++;
        RtlpCondSkip(C);
        if (*C->P == '(') {
            if (!RtlpCondGroup(C, Kind))
                return FALSE;
        } else if (*C->P == '!' || *C->P == '{' || RtlpCondAtLiteral(C->P)) {
            return RtlpCondFail(C, C->P, "'!' takes a parenthesised expression or an attribute");
        } else if (!RtlpCondAttribute(C)) {
            return FALSE;
        }
        *Kind = RtlpCondKindCondition;
        return RtlpCondEmitByte(C, RTLP_COND_NOT);
    }
    if (*at == '(') {
        if (!RtlpCondGroup(C, Kind))
            return FALSE;
        return *Kind == RtlpCondKindAttribute ? RtlpCondRelational(C, Kind) : TRUE;
    }
    if (*at == '{' || RtlpCondAtLiteral(at))
        return RtlpCondFail(C, at, "a literal where a condition or an attribute is expected");
    ULONG word = RtlpCondWordLength(at);
    UCHAR op = RtlpCondKeyword(at, word);
    if (op != 0 && !RtlpCondNameChar((UCHAR)at[word], FALSE) && at[word] != '%') {
        RTLP_COND_CLASS cls = RtlpCondClassOf(op);
        if (cls != RtlpCondClassUnary)
            return RtlpCondFail(C, at, "a relational operator without a left-hand side");
        C->P += word;
        if (op == RTLP_COND_EXISTS || op == RTLP_COND_NOT_EXISTS) {
            RtlpCondSkip(C);
            if (!RtlpCondAttribute(C))
                return FALSE;
        } else if (!RtlpCondMemberOperand(C)) {
            return FALSE;
        }
        *Kind = RtlpCondKindCondition;
        return RtlpCondEmitByte(C, op);
    }
    if (!RtlpCondAttribute(C))
        return FALSE;
    return RtlpCondRelational(C, Kind);
}

static BOOLEAN RtlpCondAnd(RTLP_COND_COMPILER *C, RTLP_COND_KIND *Kind)
{
    if (!RtlpCondFactor(C, Kind))
        return FALSE;
    for (;;) {
        RtlpCondSkip(C);
        if (C->P[0] != '&' || C->P[1] != '&')
            return TRUE;
        C->P += 2;
        if (!RtlpCondFactor(C, Kind) || !RtlpCondEmitByte(C, RTLP_COND_AND))
            return FALSE;
        *Kind = RtlpCondKindCondition;
    }
}

static BOOLEAN RtlpCondOr(RTLP_COND_COMPILER *C, RTLP_COND_KIND *Kind)
{
    if (!RtlpCondAnd(C, Kind))
        return FALSE;
    for (;;) {
        RtlpCondSkip(C);
        if (C->P[0] != '|' || C->P[1] != '|')
            return TRUE;
        C->P += 2;
        if (!RtlpCondAnd(C, Kind) || !RtlpCondEmitByte(C, RTLP_COND_OR))
            return FALSE;
        *Kind = RtlpCondKindCondition;
    }
}

/* RtlpCondCompile - see rtlp_cond.h. */
NTSTATUS RtlpCondCompile(PCSTR Text, PCSTR *End, PUCHAR Out, ULONG OutSize, PULONG OutLength,
                         PCSTR *ErrorAt, PCSTR *Message)
{
    static const UCHAR artx[4] = { RTLP_COND_SIGNATURE_0, RTLP_COND_SIGNATURE_1,
                                   RTLP_COND_SIGNATURE_2, RTLP_COND_SIGNATURE_3 };
    RTLP_COND_COMPILER c = { .P = Text, .Out = Out, .Size = OutSize, .Status = STATUS_SUCCESS };
    RTLP_COND_KIND kind;
    *OutLength = 0;
    *ErrorAt = Text;
    *Message = NULL;
    if (*Text != '(')
        RtlpCondFail(&c, Text, "a conditional expression starts with '('");
    else if (RtlpCondEmit(&c, artx, 4) && RtlpCondGroup(&c, &kind) &&
             RtlpCondValidate(Out, c.Length, NULL) != STATUS_SUCCESS)
        RtlpCondFail(&c, Text, "conditional expression too deep (more than 256 operands pending)");
    else if (NT_SUCCESS(c.Status) && RtlpCondHeight(Out, c.Length) > RTLP_COND_MAX_HEIGHT)
        RtlpCondFail(&c, Text, "conditional expression too deep (its canonical text would nest "
                               "more than 126 parentheses)");
    if (!NT_SUCCESS(c.Status)) {
        *ErrorAt = c.ErrorAt;
        *Message = c.Message;
        return c.Status;
    }
    *End = c.P;
    *OutLength = c.Length;
    return STATUS_SUCCESS;
}
