/*
 * rtlp_cond.h - the binary form of conditional ACE expressions (MS-DTYP 2.4.4.17), the
 * application data of callback ACEs: byte codes, decoding and validation (cond_binary.c),
 * the SDDL text of an expression (cond_format.c) and its compilation from SDDL text
 * (sddl_cond_parse.c). Rtl owns the format, as it owns SIDs and ACLs; se evaluates it
 * (src/se/cond.h, cond_eval.c). See docs/conditions.md and docs/sddl.md.
 *
 * Nothing here takes or releases references: expressions are read in place.
 */
#ifndef NTSEC_RTLP_COND_H
#define NTSEC_RTLP_COND_H

#include <string.h>
#include "rtlp.h"

/* The first four bytes of a conditional expression: "artx" (MS-DTYP 2.4.4.17.4). */
#define RTLP_COND_SIGNATURE_0 0x61
#define RTLP_COND_SIGNATURE_1 0x72
#define RTLP_COND_SIGNATURE_2 0x74
#define RTLP_COND_SIGNATURE_3 0x78

/* Byte codes (MS-DTYP 2.4.4.17.4 literals, 2.4.4.17.5 attributes, 2.4.4.17.6 relational,
 * 2.4.4.17.7 logical operators). */
#define RTLP_COND_PADDING          0x00
#define RTLP_COND_INT8             0x01
#define RTLP_COND_INT16            0x02
#define RTLP_COND_INT32            0x03
#define RTLP_COND_INT64            0x04
#define RTLP_COND_STRING           0x10
#define RTLP_COND_OCTETS           0x18
#define RTLP_COND_COMPOSITE        0x50
#define RTLP_COND_SID              0x51
#define RTLP_COND_EQ               0x80
#define RTLP_COND_NE               0x81
#define RTLP_COND_LT               0x82
#define RTLP_COND_LE               0x83
#define RTLP_COND_GT               0x84
#define RTLP_COND_GE               0x85
#define RTLP_COND_CONTAINS         0x86
#define RTLP_COND_EXISTS           0x87
#define RTLP_COND_ANY_OF           0x88
#define RTLP_COND_MEMBER_OF        0x89
#define RTLP_COND_DEVICE_MEMBER_OF 0x8a
#define RTLP_COND_MEMBER_OF_ANY    0x8b
#define RTLP_COND_DEVICE_MEMBER_OF_ANY 0x8c
#define RTLP_COND_NOT_EXISTS       0x8d
#define RTLP_COND_NOT_CONTAINS     0x8e
#define RTLP_COND_NOT_ANY_OF       0x8f
#define RTLP_COND_NOT_MEMBER_OF    0x90
#define RTLP_COND_NOT_DEVICE_MEMBER_OF 0x91
#define RTLP_COND_NOT_MEMBER_OF_ANY 0x92
#define RTLP_COND_NOT_DEVICE_MEMBER_OF_ANY 0x93
#define RTLP_COND_AND              0xa0
#define RTLP_COND_OR               0xa1
#define RTLP_COND_NOT              0xa2
#define RTLP_COND_LOCAL_ATTR       0xf8
#define RTLP_COND_USER_ATTR        0xf9
#define RTLP_COND_RESOURCE_ATTR    0xfa
#define RTLP_COND_DEVICE_ATTR      0xfb

/* Integer sign and base bytes (MS-DTYP 2.4.4.17.4). */
#define RTLP_COND_SIGN_PLUS  0x01
#define RTLP_COND_SIGN_MINUS 0x02
#define RTLP_COND_SIGN_NONE  0x03
#define RTLP_COND_BASE_OCTAL 0x01
#define RTLP_COND_BASE_DECIMAL 0x02
#define RTLP_COND_BASE_HEX   0x03

/* Bounds on hostile expressions: the evaluation stack never holds more than this many
 * operands (deeper expressions are invalid), a composite holds at most this many elements. */
#define RTLP_COND_MAX_STACK      256
#define RTLP_COND_MAX_COMPOSITE  1024

/* Classes of byte codes. */
typedef enum _RTLP_COND_CLASS {
    RtlpCondClassInvalid = 0,
    RtlpCondClassLiteral,      /* integers, strings, octets, SIDs, composites */
    RtlpCondClassAttribute,    /* @Local., @User., @Resource., @Device. */
    RtlpCondClassUnary,        /* Exists, Member_of family, ! : pops 1, pushes 1 */
    RtlpCondClassBinary,       /* relational operators, &&, || : pops 2, pushes 1 */
    RtlpCondClassPadding,
} RTLP_COND_CLASS;

/* RtlpCondClassOf - the class of a byte code (RtlpCondClassInvalid for an unknown one). */
extern const UCHAR RtlpCondClassTable[256];
static inline RTLP_COND_CLASS RtlpCondClassOf(UCHAR Code)
{
    return (RTLP_COND_CLASS)RtlpCondClassTable[Code];
}
/* The SDDL spelling Windows prints for an operator or attribute prefix ("==", "Member_of",
 * "Member_of_any", "@USER."; "" for a local attribute), or NULL. */
PCSTR RtlpCondOperatorName(UCHAR Code);

/* An aligned copy of a SID literal (validated: at most SID_MAX_SUB_AUTHORITIES). */
typedef union _RTLP_COND_SID_BUFFER {
    SID Sid;
    UCHAR Bytes[8 + 4 * SID_MAX_SUB_AUTHORITIES];
} RTLP_COND_SID_BUFFER;

static inline PSID RtlpCondSidCopy(RTLP_COND_SID_BUFFER *Buffer, const UCHAR *Data, ULONG Length)
{
    memcpy(Buffer->Bytes, Data, Length < sizeof(Buffer->Bytes) ? Length : sizeof(Buffer->Bytes));
    return &Buffer->Sid;
}

/* One decoded token; Data points into the expression. */
typedef struct _RTLP_COND_TOKEN {
    UCHAR Code;
    ULONG Offset;          /* of the byte code, from the start of the application data */
    ULONG Length;          /* of the whole token, byte code included */
    LONGLONG Int;            /* integer literals */
    UCHAR Sign, Base;      /* integer literals */
    const UCHAR *Data;     /* string/attribute name (UTF-16LE), octets, SID, composite body */
    ULONG DataLength;
} RTLP_COND_TOKEN, *PRTLP_COND_TOKEN;

/*
 * RtlpCondReadToken - decodes the token at Offset of Expr (ExprLength bytes in all) into
 * *Token, reading nothing at or past ExprLength. InComposite: only literals other than
 * composites are allowed (composites do not nest). STATUS_SUCCESS, or
 * STATUS_INVALID_ACE_CONDITION for an unknown byte code, a length leaving the expression, an
 * odd string length, an empty attribute name, an integer outside its width or with a bad
 * sign/base byte, a SID that is not exactly its length, a bad composite element.
 * RtlpCondDecode is the same decoder inline, for the evaluator's loop (src/se/cond_eval.c),
 * which decodes every token of every condition of an access check.
 */
NTSTATUS RtlpCondReadToken(const UCHAR *Expr, ULONG ExprLength, ULONG Offset, BOOLEAN InComposite,
                          PRTLP_COND_TOKEN Token);

/* RtlpCondCompositeValid - the body of a composite (Length bytes): literals other than
 * composites, at most RTLP_COND_MAX_COMPOSITE of them, exactly filling it. */
BOOLEAN RtlpCondCompositeValid(const UCHAR *Body, ULONG Length);

/* The UTF-16LE code unit at P (not aligned): one load on a little-endian host. */
static inline USHORT RtlpCondRead16(const UCHAR *P)
{
    USHORT u;
    memcpy(&u, P, sizeof(u));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    u = __builtin_bswap16(u);
#endif
    return u;
}

static inline ULONG RtlpCondRead32(const UCHAR *P)
{
    return (ULONG)P[0] | ((ULONG)P[1] << 8) | ((ULONG)P[2] << 16) | ((ULONG)P[3] << 24);
}

/* Validates an integer literal's value against its width and its sign and base bytes. */
static inline BOOLEAN RtlpCondIntegerValid(UCHAR Code, LONGLONG Value, UCHAR Sign, UCHAR Base)
{
    if (Sign < RTLP_COND_SIGN_PLUS || Sign > RTLP_COND_SIGN_NONE)
        return FALSE;
    if (Base < RTLP_COND_BASE_OCTAL || Base > RTLP_COND_BASE_HEX)
        return FALSE;
    switch (Code) {
    case RTLP_COND_INT8:
        return Value >= -128 && Value <= 127;
    case RTLP_COND_INT16:
        return Value >= -32768 && Value <= 32767;
    case RTLP_COND_INT32:
        return Value >= -2147483648LL && Value <= 2147483647LL;
    default:
        return TRUE;
    }
}

/*
 * RtlpCondDecode - RtlpCondReadToken (see above). @remarks Layouts (MS-DTYP
 * 2.4.4.17.4/.5): integers are the code, an 8-byte little-endian two's-complement value, a
 * sign byte and a base byte; strings, octet strings, SIDs, composites and attribute names
 * are the code, a 4-byte little-endian byte length and that many bytes; operators are the
 * code alone. Every length is checked against what is left before anything it covers is
 * read; a composite's body is checked by RtlpCondCompositeValid, which does not recurse
 * (its elements may not be composites).
 */
static inline __attribute__((always_inline)) NTSTATUS
RtlpCondDecode(const UCHAR *Expr, ULONG ExprLength, ULONG Offset, BOOLEAN InComposite,
               PRTLP_COND_TOKEN Token)
{
    /* Every field written (not a memset): inlined, the stores to fields a caller never
     * reads go away. */
    Token->Code = 0;
    Token->Offset = Offset;
    Token->Length = 1;
    Token->Int = 0;
    Token->Sign = Token->Base = 0;
    Token->Data = NULL;
    Token->DataLength = 0;
    if (Offset >= ExprLength)
        return STATUS_INVALID_ACE_CONDITION;
    const UCHAR *p = Expr + Offset;
    ULONG left = ExprLength - Offset - 1; /* bytes after the code */
    UCHAR code = p[0];
    RTLP_COND_CLASS cls = RtlpCondClassOf(code);
    Token->Code = code;
    if (cls == RtlpCondClassInvalid)
        return STATUS_INVALID_ACE_CONDITION;
    if (InComposite && (cls != RtlpCondClassLiteral || code == RTLP_COND_COMPOSITE))
        return STATUS_INVALID_ACE_CONDITION;
    if (cls == RtlpCondClassUnary || cls == RtlpCondClassBinary || cls == RtlpCondClassPadding)
        return STATUS_SUCCESS;
    if (code >= RTLP_COND_INT8 && code <= RTLP_COND_INT64) {
        if (left < 10)
            return STATUS_INVALID_ACE_CONDITION;
        ULONGLONG v = 0;
        for (int i = 7; i >= 0; i--)
            v = (v << 8) | p[1 + i];
        Token->Int = (LONGLONG)v;
        Token->Sign = p[9];
        Token->Base = p[10];
        Token->Length = 11;
        if (!RtlpCondIntegerValid(code, Token->Int, Token->Sign, Token->Base))
            return STATUS_INVALID_ACE_CONDITION;
        return STATUS_SUCCESS;
    }
    if (left < 4)
        return STATUS_INVALID_ACE_CONDITION;
    ULONG len = RtlpCondRead32(p + 1);
    if (len > left - 4)
        return STATUS_INVALID_ACE_CONDITION;
    Token->Data = p + 5;
    Token->DataLength = len;
    Token->Length = 5 + len;
    switch (code) {
    case RTLP_COND_STRING:
        if (len & 1)
            return STATUS_INVALID_ACE_CONDITION;
        break;
    case RTLP_COND_LOCAL_ATTR: case RTLP_COND_USER_ATTR: case RTLP_COND_RESOURCE_ATTR:
    case RTLP_COND_DEVICE_ATTR:
        if (len == 0 || (len & 1))
            return STATUS_INVALID_ACE_CONDITION;
        break;
    case RTLP_COND_SID:
        /* Read as bytes: a SID inside an expression is not aligned (callers copy it to an
         * aligned RTLP_COND_SID_BUFFER before using it as a SID). */
        if (len < 8 || Token->Data[0] != SID_REVISION ||
            Token->Data[1] > SID_MAX_SUB_AUTHORITIES || len != 8 + 4 * (ULONG)Token->Data[1])
            return STATUS_INVALID_ACE_CONDITION;
        break;
    case RTLP_COND_COMPOSITE:
        if (!RtlpCondCompositeValid(Token->Data, len))
            return STATUS_INVALID_ACE_CONDITION;
        break;
    default: /* octet string: any bytes */
        break;
    }
    return STATUS_SUCCESS;
}

/*
 * RtlpCondValidate - validates a whole application-data block: the signature, every token,
 * the stack effect (no operator without its operands, never more than RTLP_COND_MAX_STACK
 * operands, exactly one value at the end) and the padding (only zero bytes after the
 * expression). *TokenCount (optional) receives the number of tokens. STATUS_SUCCESS or
 * STATUS_INVALID_ACE_CONDITION. Iterative: no recursion whatever the input.
 */
NTSTATUS RtlpCondValidate(const UCHAR *Data, ULONG Length, PULONG TokenCount);

/* A growing NUL-terminated string in pool memory (RTLP_TAG_SDDL); Status records the first
 * failure, after which appending does nothing. Free Data with ExFreePool. */
typedef struct _RTLP_TEXT {
    PSTR Data;
    SIZE_T Length, Capacity;
    NTSTATUS Status;
} RTLP_TEXT;
VOID RtlpAppend(RTLP_TEXT *Text, PCSTR Format, ...) __attribute__((format(printf, 2, 3)));

/*
 * RtlpCondHeight - the height of the expression's tree (an operand alone is 1), or 0 when it
 * does not validate. The canonical text nests one parenthesis per level, and the SDDL
 * compiler takes at most RTLP_COND_MAX_NESTING levels: both refuse taller trees.
 */
ULONG RtlpCondHeight(const UCHAR *Data, ULONG Length);
#define RTLP_COND_MAX_NESTING 128
#define RTLP_COND_MAX_HEIGHT (RTLP_COND_MAX_NESTING - 2)

/* RtlpAppendUtf8 - appends code point C as UTF-8 (sddl_format.c). */
VOID RtlpAppendUtf8(RTLP_TEXT *Text, ULONG C);

/* Pieces shared by the condition printer and the resource-attribute SDDL (cond_format.c):
 * a "..." string literal from UTF-16LE (Strict: refuses '"', NUL, unpaired surrogates); an
 * attribute name with %xxxx escapes for characters outside the name set (Prefixed: the
 * larger set of @USER./@DEVICE./@RESOURCE. names and resource attributes). */
VOID RtlpCondFormatString(RTLP_TEXT *Text, const UCHAR *Data, ULONG Length, BOOLEAN Strict);
VOID RtlpCondFormatName(RTLP_TEXT *Text, const UCHAR *Data, ULONG Length, BOOLEAN Prefixed);
BOOLEAN RtlpCondNameChar(ULONG C, BOOLEAN Prefixed);
/* RtlpCondIsKeyword - whether a UTF-16LE name is an operator word of the SDDL grammar
 * (case-insensitive): such a local attribute would not parse back (sddl_cond_parse.c). */
BOOLEAN RtlpCondIsKeyword(const UCHAR *Name, ULONG Length);

/*
 * RtlpCondFormat - appends the SDDL text of the expression in Data (Length bytes, "artx"
 * included) to Text, in Windows' canonical form (docs/sddl.md "Conditional expressions").
 * Strict: only what RtlpCondCompile takes back, else STATUS_NOT_IMPLEMENTED with the
 * reason in NtsecLastErrorText (a literal where a condition or an attribute must be, a
 * string SDDL cannot spell); not Strict (explain traces): anything that validates.
 * STATUS_INVALID_ACE_CONDITION when the expression does not validate (nothing appended).
 */
NTSTATUS RtlpCondFormat(const UCHAR *Data, ULONG Length, BOOLEAN Strict, RTLP_TEXT *Text);

/*
 * RtlpCondCompile - compiles the conditional expression at Text (which starts with '(')
 * into its binary form ("artx" and the byte code, not padded) in Out (OutSize bytes) and
 * *OutLength; *End receives the character after the closing ')'. Errors: *ErrorAt and
 * *Message (static text) say where and what; STATUS_INVALID_PARAMETER for bad text,
 * STATUS_BUFFER_TOO_SMALL when the code would exceed OutSize.
 */
NTSTATUS RtlpCondCompile(PCSTR Text, PCSTR *End, PUCHAR Out, ULONG OutSize, PULONG OutLength,
                         PCSTR *ErrorAt, PCSTR *Message);

/*
 * RtlpCondCompileUtf16 - UTF-16LE of one piece of text at *Text (advanced past it) into
 * Out: String, the body of a "..." literal (*Text on its '"'); else an attribute name
 * (the prefixed name set, %xxxx escapes). Errors as RtlpCondCompile.
 */
NTSTATUS RtlpCondCompileUtf16(PCSTR *Text, BOOLEAN String, PUCHAR Out, ULONG OutSize,
                              PULONG Length, PCSTR *ErrorAt, PCSTR *Message);

/* RtlpIsAuditAceType - a system-audit ACE type (AU, OU, XU and the callback object form).
 * Windows' SDDL compiler refuses one in a DACL (sddl_parse.c RtlpIsAuditAce), so the printer
 * does not print one there (sddl_format.c: it would not parse back). */
static inline BOOLEAN RtlpIsAuditAceType(UCHAR Type)
{
    return Type == SYSTEM_AUDIT_ACE_TYPE || Type == SYSTEM_AUDIT_OBJECT_ACE_TYPE ||
           Type == SYSTEM_AUDIT_CALLBACK_ACE_TYPE || Type == SYSTEM_AUDIT_CALLBACK_OBJECT_ACE_TYPE;
}

/* RtlpSddlAceFromText - the bytes of the one ACE whose SDDL text is exactly Text
 * ("(type;...)" and nothing after it), into Out; the printer's proof that what it printed
 * parses back to the very same bytes (sddl_parse.c). */
NTSTATUS RtlpSddlAceFromText(PCSTR Text, PUCHAR Out, ULONG OutSize, PULONG Length);

/* ---- Resource attributes (SYSTEM_RESOURCE_ATTRIBUTE_ACE data, sddl_resattr.c) ---- */

/* Value types of CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1 (MS-DTYP 2.4.10.1) and their SDDL
 * names (MS-DTYP 2.5.1.1 attribute-data). */
#define RTLP_CLAIM_INT64        0x01 /* TI */
#define RTLP_CLAIM_UINT64       0x02 /* TU */
#define RTLP_CLAIM_STRING       0x03 /* TS */
#define RTLP_CLAIM_SID          0x05 /* TD */
#define RTLP_CLAIM_BOOLEAN      0x06 /* TB */
#define RTLP_CLAIM_OCTET_STRING 0x10 /* TX */

/*
 * RtlpResourceAttributeCompile - the attribute of an RA ACE, ("name",TYPE,flags,value,...)
 * at Text, as CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1 into Out (OutSize bytes), *OutLength
 * bytes; *End after the closing ')'. Errors as RtlpCondCompile.
 */
NTSTATUS RtlpResourceAttributeCompile(PCSTR Text, PCSTR *End, PUCHAR Out, ULONG OutSize,
                                      PULONG OutLength, PCSTR *ErrorAt, PCSTR *Message);

/* One value of a resource attribute, read from hostile bytes (RtlpResourceAttributeRead). */
typedef struct _RTLP_CLAIM_VALUE {
    ULONG64 Integer;       /* INT64, UINT64, BOOLEAN */
    const UCHAR *Data;     /* STRING: UTF-16LE without the NUL; OCTET_STRING, SID: the bytes */
    ULONG Length;          /* bytes at Data */
} RTLP_CLAIM_VALUE;

typedef struct _RTLP_CLAIM {
    const UCHAR *Name;     /* UTF-16LE without the NUL */
    ULONG NameLength;      /* bytes */
    USHORT ValueType;
    ULONG Flags;
    ULONG ValueCount;
    const UCHAR *Base;     /* the claim, for RtlpResourceAttributeValue */
    ULONG Size;
} RTLP_CLAIM;

/*
 * RtlpResourceAttributeRead - decodes the CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1 in
 * Data[0..Length) into *Claim, checking every offset, length, NUL terminator and SID
 * against Length and every value against its type: STATUS_SUCCESS or
 * STATUS_INVALID_PARAMETER. RtlpResourceAttributeValue then reads value Index (< count).
 */
NTSTATUS RtlpResourceAttributeRead(const UCHAR *Data, ULONG Length, RTLP_CLAIM *Claim);
VOID RtlpResourceAttributeValue(const RTLP_CLAIM *Claim, ULONG Index, RTLP_CLAIM_VALUE *Value);

/* RtlpResourceAttributeFormat - appends ("name",TYPE,0xflags,value,...) for the attribute
 * data of an RA ACE; STATUS_INVALID_PARAMETER (nothing appended) when it does not decode. */
NTSTATUS RtlpResourceAttributeFormat(const UCHAR *Data, ULONG Length, RTLP_TEXT *Text);

#endif /* NTSEC_RTLP_COND_H */
