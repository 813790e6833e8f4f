/*
 * cond.h - private interface of conditional ACE expressions (MS-DTYP 2.4.4.17): the binary
 * form carried as application data of callback ACEs (cond_binary.c) and its evaluation with
 * three-valued logic (cond_eval.c). See docs/conditions.md.
 *
 * Nothing here takes or releases references: expressions are read in place from the ACE,
 * the token is borrowed from the caller, who holds its lock shared.
 */
#ifndef NTSEC_COND_H
#define NTSEC_COND_H

#include <string.h>
#include "se/sep.h"
#include "se/accesschk.h" /* SEP_TRACE */

/* The first four bytes of a conditional expression: "artx" (MS-DTYP 2.4.4.17.4). */
#define SEP_COND_SIGNATURE_0 0x61
#define SEP_COND_SIGNATURE_1 0x72
#define SEP_COND_SIGNATURE_2 0x74
#define SEP_COND_SIGNATURE_3 0x78

/* Byte codes (MS-DTYP 2.4.4.17.4 literals, 2.4.4.17.5 attributes, 2.4.4.17.6 relational,
 * 2.4.4.17.7 logical operators). */
#define SEP_COND_PADDING          0x00
#define SEP_COND_INT8             0x01
#define SEP_COND_INT16            0x02
#define SEP_COND_INT32            0x03
#define SEP_COND_INT64            0x04
#define SEP_COND_STRING           0x10
#define SEP_COND_OCTETS           0x18
#define SEP_COND_COMPOSITE        0x50
#define SEP_COND_SID              0x51
#define SEP_COND_EQ               0x80
#define SEP_COND_NE               0x81
#define SEP_COND_LT               0x82
#define SEP_COND_LE               0x83
#define SEP_COND_GT               0x84
#define SEP_COND_GE               0x85
#define SEP_COND_CONTAINS         0x86
#define SEP_COND_EXISTS           0x87
#define SEP_COND_ANY_OF           0x88
#define SEP_COND_MEMBER_OF        0x89
#define SEP_COND_DEVICE_MEMBER_OF 0x8a
#define SEP_COND_MEMBER_OF_ANY    0x8b
#define SEP_COND_DEVICE_MEMBER_OF_ANY 0x8c
#define SEP_COND_NOT_EXISTS       0x8d
#define SEP_COND_NOT_CONTAINS     0x8e
#define SEP_COND_NOT_ANY_OF       0x8f
#define SEP_COND_NOT_MEMBER_OF    0x90
#define SEP_COND_NOT_DEVICE_MEMBER_OF 0x91
#define SEP_COND_NOT_MEMBER_OF_ANY 0x92
#define SEP_COND_NOT_DEVICE_MEMBER_OF_ANY 0x93
#define SEP_COND_AND              0xa0
#define SEP_COND_OR               0xa1
#define SEP_COND_NOT              0xa2
#define SEP_COND_LOCAL_ATTR       0xf8
#define SEP_COND_USER_ATTR        0xf9
#define SEP_COND_RESOURCE_ATTR    0xfa
#define SEP_COND_DEVICE_ATTR      0xfb

/* Integer sign and base bytes (MS-DTYP 2.4.4.17.4). */
#define SEP_COND_SIGN_PLUS  0x01
#define SEP_COND_SIGN_MINUS 0x02
#define SEP_COND_SIGN_NONE  0x03
#define SEP_COND_BASE_OCTAL 0x01
#define SEP_COND_BASE_DECIMAL 0x02
#define SEP_COND_BASE_HEX   0x03

/* Bounds on hostile expressions: the evaluation stack never holds more than this many
 * operands (deeper expressions are invalid), a composite holds at most this many elements. */
#define SEP_COND_MAX_STACK      256
#define SEP_COND_MAX_COMPOSITE  1024

typedef enum _SEP_COND_VALUE {
    SepCondFalse = 0,
    SepCondTrue = 1,
    SepCondUnknown = 2,
} SEP_COND_VALUE;

/* Classes of byte codes. */
typedef enum _SEP_COND_CLASS {
    SepCondClassInvalid = 0,
    SepCondClassLiteral,      /* integers, strings, octets, SIDs, composites */
    SepCondClassAttribute,    /* @Local., @User., @Resource., @Device. */
    SepCondClassUnary,        /* Exists, Member_of family, ! : pops 1, pushes 1 */
    SepCondClassBinary,       /* relational operators, &&, || : pops 2, pushes 1 */
    SepCondClassPadding,
} SEP_COND_CLASS;

SEP_COND_CLASS SepCondClassOf(UCHAR Code);
/* The SDDL spelling of an operator or attribute prefix ("==", "Member_of", "@User."), or NULL. */
PCSTR SepCondOperatorName(UCHAR Code);

/* An aligned copy of a SID literal (validated: at most SID_MAX_SUB_AUTHORITIES). */
typedef union _SEP_COND_SID_BUFFER {
    SID Sid;
    UCHAR Bytes[8 + 4 * SID_MAX_SUB_AUTHORITIES];
} SEP_COND_SID_BUFFER;

static inline PSID SepCondSidCopy(SEP_COND_SID_BUFFER *Buffer, const UCHAR *Data, ULONG Length)
{
    memcpy(Buffer->Bytes, Data, Length < sizeof(Buffer->Bytes) ? Length : sizeof(Buffer->Bytes));
    return &Buffer->Sid;
}

/* One decoded token; Data points into the expression. */
typedef struct _SEP_COND_TOKEN {
    UCHAR Code;
    ULONG Offset;          /* of the byte code, from the start of the application data */
    ULONG Length;          /* of the whole token, byte code included */
    LONGLONG Int;            /* integer literals */
    UCHAR Sign, Base;      /* integer literals */
    const UCHAR *Data;     /* string/attribute name (UTF-16LE), octets, SID, composite body */
    ULONG DataLength;
} SEP_COND_TOKEN, *PSEP_COND_TOKEN;

/*
 * SepCondReadToken - decodes the token at Offset of Expr (ExprLength bytes in all) into
 * *Token, reading nothing at or past ExprLength. InComposite: only literals other than
 * composites are allowed (composites do not nest). STATUS_SUCCESS, or
 * STATUS_INVALID_ACE_CONDITION for an unknown byte code, a length leaving the expression, an
 * odd string length, an empty attribute name, an integer outside its width or with a bad
 * sign/base byte, a SID that is not exactly its length, a bad composite element.
 */
NTSTATUS SepCondReadToken(const UCHAR *Expr, ULONG ExprLength, ULONG Offset, BOOLEAN InComposite,
                          PSEP_COND_TOKEN Token);

/*
 * SepCondValidate - validates a whole application-data block: the signature, every token,
 * the stack effect (no operator without its operands, never more than SEP_COND_MAX_STACK
 * operands, exactly one value at the end) and the padding (only zero bytes after the
 * expression). *TokenCount (optional) receives the number of tokens. STATUS_SUCCESS or
 * STATUS_INVALID_ACE_CONDITION. Iterative: no recursion whatever the input.
 */
NTSTATUS SepCondValidate(const UCHAR *Data, ULONG Length, PULONG TokenCount);

/* What a condition is evaluated against. */
typedef struct _SEP_COND_CONTEXT {
    PTOKEN Token;          /* borrowed; caller holds its lock shared */
    BOOLEAN Restricted;    /* the restricted pass: Member_of looks at the restricted SIDs */
    ULONG MatchBit;        /* SEP_MATCH_ALLOW (allow ACE) or SEP_MATCH_DENY (deny ACE) */
} SEP_COND_CONTEXT, *PSEP_COND_CONTEXT;

/*
 * SepCondEvaluate - evaluates the expression in Data (Length bytes, "artx" included) for
 * Context. Returns TRUE/FALSE/UNKNOWN; an invalid expression or an error during evaluation
 * is UNKNOWN (MS-DTYP 2.4.4.17.6: "If any processing rule returns an error, then the entire
 * conditional expression evaluates to UNKNOWN"). *Reason (optional) receives a static text
 * explaining an UNKNOWN from an error, or NULL.
 */
SEP_COND_VALUE SepCondEvaluate(const UCHAR *Data, ULONG Length, const SEP_COND_CONTEXT *Context,
                               PCSTR *Reason);

/* The application data of a (validated) callback ACE: the bytes after its SID, to AceSize. */
VOID SepCondAceData(PACE_HEADER Ace, const UCHAR **Data, PULONG Length);

/* SepCondFormat - appends the SDDL text of the expression (cond_format.c); nothing is
 * appended and STATUS_INVALID_ACE_CONDITION returned when it does not validate. */
NTSTATUS SepCondFormat(const UCHAR *Data, ULONG Length, PSEP_TRACE Out);
/* SepTraceCondition - the text, "<none>" for no data, "<invalid, N bytes>" otherwise. */
VOID SepTraceCondition(PSEP_TRACE Trace, const UCHAR *Data, ULONG Length);

static inline PCSTR SepCondValueName(SEP_COND_VALUE Value)
{
    return Value == SepCondTrue ? "TRUE" : Value == SepCondFalse ? "FALSE" : "UNKNOWN";
}

#endif /* NTSEC_COND_H */
