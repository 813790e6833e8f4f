/*
 * cond.h - private interface of conditional ACE expressions (MS-DTYP 2.4.4.17): the binary
 * form carried as application data of callback ACEs (src/rtl/cond_binary.c, rtlp_cond.h) and
 * its evaluation with three-valued logic (cond_eval.c). See docs/conditions.md.
 *
 * Nothing here takes or releases references: expressions are read in place from the ACE,
 * the token is borrowed from the caller, who holds its lock shared.
 */
#ifndef NTSEC_COND_H
#define NTSEC_COND_H

#include <string.h>
#include "se/sep.h"
#include "se/accesschk.h" /* SEP_TRACE */
#include "se/aclwalk.h"    /* SepAceSidOffset */
#include "rtl/rtlp_cond.h"

/* se spells the byte code of src/rtl/rtlp_cond.h (which owns the format) with its own
 * prefix; these are the same constants, types and routines. */
#define SEP_COND_SIGNATURE_0 RTLP_COND_SIGNATURE_0
#define SEP_COND_SIGNATURE_1 RTLP_COND_SIGNATURE_1
#define SEP_COND_SIGNATURE_2 RTLP_COND_SIGNATURE_2
#define SEP_COND_SIGNATURE_3 RTLP_COND_SIGNATURE_3
#define SEP_COND_PADDING RTLP_COND_PADDING
#define SEP_COND_INT8 RTLP_COND_INT8
#define SEP_COND_INT16 RTLP_COND_INT16
#define SEP_COND_INT32 RTLP_COND_INT32
#define SEP_COND_INT64 RTLP_COND_INT64
#define SEP_COND_STRING RTLP_COND_STRING
#define SEP_COND_OCTETS RTLP_COND_OCTETS
#define SEP_COND_COMPOSITE RTLP_COND_COMPOSITE
#define SEP_COND_SID RTLP_COND_SID
#define SEP_COND_EQ RTLP_COND_EQ
#define SEP_COND_NE RTLP_COND_NE
#define SEP_COND_LT RTLP_COND_LT
#define SEP_COND_LE RTLP_COND_LE
#define SEP_COND_GT RTLP_COND_GT
#define SEP_COND_GE RTLP_COND_GE
#define SEP_COND_CONTAINS RTLP_COND_CONTAINS
#define SEP_COND_EXISTS RTLP_COND_EXISTS
#define SEP_COND_ANY_OF RTLP_COND_ANY_OF
#define SEP_COND_MEMBER_OF RTLP_COND_MEMBER_OF
#define SEP_COND_DEVICE_MEMBER_OF RTLP_COND_DEVICE_MEMBER_OF
#define SEP_COND_MEMBER_OF_ANY RTLP_COND_MEMBER_OF_ANY
#define SEP_COND_DEVICE_MEMBER_OF_ANY RTLP_COND_DEVICE_MEMBER_OF_ANY
#define SEP_COND_NOT_EXISTS RTLP_COND_NOT_EXISTS
#define SEP_COND_NOT_CONTAINS RTLP_COND_NOT_CONTAINS
#define SEP_COND_NOT_ANY_OF RTLP_COND_NOT_ANY_OF
#define SEP_COND_NOT_MEMBER_OF RTLP_COND_NOT_MEMBER_OF
#define SEP_COND_NOT_DEVICE_MEMBER_OF RTLP_COND_NOT_DEVICE_MEMBER_OF
#define SEP_COND_NOT_MEMBER_OF_ANY RTLP_COND_NOT_MEMBER_OF_ANY
#define SEP_COND_NOT_DEVICE_MEMBER_OF_ANY RTLP_COND_NOT_DEVICE_MEMBER_OF_ANY
#define SEP_COND_AND RTLP_COND_AND
#define SEP_COND_OR RTLP_COND_OR
#define SEP_COND_NOT RTLP_COND_NOT
#define SEP_COND_LOCAL_ATTR RTLP_COND_LOCAL_ATTR
#define SEP_COND_USER_ATTR RTLP_COND_USER_ATTR
#define SEP_COND_RESOURCE_ATTR RTLP_COND_RESOURCE_ATTR
#define SEP_COND_DEVICE_ATTR RTLP_COND_DEVICE_ATTR
#define SEP_COND_SIGN_PLUS RTLP_COND_SIGN_PLUS
#define SEP_COND_SIGN_MINUS RTLP_COND_SIGN_MINUS
#define SEP_COND_SIGN_NONE RTLP_COND_SIGN_NONE
#define SEP_COND_BASE_OCTAL RTLP_COND_BASE_OCTAL
#define SEP_COND_BASE_DECIMAL RTLP_COND_BASE_DECIMAL
#define SEP_COND_BASE_HEX RTLP_COND_BASE_HEX
#define SEP_COND_MAX_STACK RTLP_COND_MAX_STACK
#define SEP_COND_MAX_COMPOSITE RTLP_COND_MAX_COMPOSITE
typedef RTLP_COND_CLASS SEP_COND_CLASS;
#define SepCondClassInvalid RtlpCondClassInvalid
#define SepCondClassLiteral RtlpCondClassLiteral
#define SepCondClassAttribute RtlpCondClassAttribute
#define SepCondClassUnary RtlpCondClassUnary
#define SepCondClassBinary RtlpCondClassBinary
#define SepCondClassPadding RtlpCondClassPadding
typedef RTLP_COND_SID_BUFFER SEP_COND_SID_BUFFER;
typedef RTLP_COND_TOKEN SEP_COND_TOKEN, *PSEP_COND_TOKEN;
#define SepCondClassOf RtlpCondClassOf
#define SepCondOperatorName RtlpCondOperatorName
#define SepCondSidCopy RtlpCondSidCopy
#define SepCondReadToken RtlpCondReadToken
#define SepCondDecode RtlpCondDecode
#define SepCondValidate RtlpCondValidate

/* SepCondValue - three-valued results. */
typedef enum _SEP_COND_VALUE {
    SepCondFalse = 0,
    SepCondTrue = 1,
    SepCondUnknown = 2,
} SEP_COND_VALUE;

/* What a condition is evaluated against. */
typedef struct _SEP_COND_CONTEXT {
    PTOKEN Token;          /* borrowed; caller holds its lock shared */
    BOOLEAN Restricted;    /* the restricted pass: Member_of looks at the restricted SIDs */
    ULONG MatchBit;        /* SEP_MATCH_ALLOW (allow ACE) or SEP_MATCH_DENY (deny ACE) */
    PACL Sacl;             /* the object's validated SACL (its RA ACEs are @Resource.), or NULL */
} SEP_COND_CONTEXT, *PSEP_COND_CONTEXT;

/* SepCondResourceAttribute - @Resource.<Name> from Sacl's RA ACEs (cond_resource.c):
 * STATUS_SUCCESS with *Claim the attribute as a CLAIM_SECURITY_ATTRIBUTE_V1 inside *Scratch,
 * a pool buffer (SEP_COND_TAG) the caller frees after the evaluation; STATUS_NOT_FOUND
 * (absent: no such attribute, disabled, or no value); STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS SepCondResourceAttribute(PACL Sacl, const UCHAR *Name, ULONG NameLength,
                                  const CLAIM_SECURITY_ATTRIBUTE_V1 **Claim, PVOID *Scratch);

/*
 * SepCondEvaluate - evaluates the expression in Data (Length bytes, "artx" included) for
 * Context. Returns TRUE/FALSE/UNKNOWN; an invalid expression or an error during evaluation
 * is UNKNOWN (MS-DTYP 2.4.4.17.6: "If any processing rule returns an error, then the entire
 * conditional expression evaluates to UNKNOWN"). *Reason (optional) receives a static text
 * explaining an UNKNOWN from an error, or NULL.
 */
SEP_COND_VALUE SepCondEvaluate(const UCHAR *Data, ULONG Length, const SEP_COND_CONTEXT *Context,
                               PCSTR *Reason);

/* The application data of a (validated) callback ACE: the bytes after its SID, to AceSize
 * (*Data NULL and *Length 0 when there are none). Inline: the access check asks it for
 * every callback ACE whose SID matches. */
static inline VOID SepCondAceData(PACE_HEADER Ace, const UCHAR **Data, PULONG Length)
{
    *Data = NULL;
    *Length = 0;
    ULONG off = SepAceSidOffset(Ace); /* SepAceSid, inline */
    if (off == 0)
        return;
    ULONG end = off + SepSidLength((PSID)((PUCHAR)Ace + off));
    if (end >= Ace->AceSize)
        return;
    *Data = (const UCHAR *)Ace + end;
    *Length = Ace->AceSize - end;
}

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
