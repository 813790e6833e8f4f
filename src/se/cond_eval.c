/*
 * cond_eval.c - evaluation of binary conditional expressions (MS-DTYP 2.4.4.17.6/.7 and the
 * EvaluateAceCondition stack machine of 2.5.3.1.5) with three-valued logic.
 *
 * The expression is read in place, once, left to right, decoded by the inline decoder of
 * rtlp_cond.h (RtlpCondDecode, the rules of RtlpCondReadToken) while it is evaluated;
 * operands are 32-byte records (a byte code, a pointer into the expression, a length, an
 * integer or a claim) on a fixed stack of SEP_COND_MAX_STACK entries on the C stack, never
 * cleared: a pushed literal or attribute is written whole, an operator's result in the
 * fields read of a result; the depth is checked before every push and pop.
 * Composites are flat: iterating one never recurses. No references change; the token is
 * read under the caller's shared lock.
 */
#include <string.h>
#include "se/cond.h"
#include "se/accesschk.h"
#include "se/sidindex.h"

typedef enum _SEP_COND_KIND {
    SepCondKindResult = 0,  /* the TRUE/FALSE/UNKNOWN result of an operator */
    SepCondKindNull,        /* an attribute the context does not have */
    SepCondKindLiteral,     /* Token holds a literal (composite included) */
} SEP_COND_KIND;

typedef struct _SEP_COND_OPERAND {
    UCHAR Kind;             /* SEP_COND_KIND */
    UCHAR Result;           /* SEP_COND_VALUE of a SepCondKindResult */
    BOOLEAN IsAttribute;
    UCHAR Code;             /* a literal's byte code; an attribute's, COMPOSITE when its claim is multivalued */
    ULONG DataLength;
    const UCHAR *Data;      /* a literal's bytes (string, octets, SID, composite body) or an attribute's name */
    LONGLONG Int;           /* an integer literal */
    const CLAIM_SECURITY_ATTRIBUTE_V1 *Claim; /* the claim an attribute names, or NULL */
} SEP_COND_OPERAND, *PSEP_COND_OPERAND;

/* One scalar value: a literal, or a claim value seen as one. */
typedef struct _SEP_COND_ELEMENT {
    UCHAR Code;             /* a literal byte code (INT64 for every claim integer), 0 for none */
    BOOLEAN Unsigned;       /* a UINT64 or BOOLEAN claim value: Int holds the bits */
    BOOLEAN CaseSensitive;  /* CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE */
    ULONG DataLength;
    const UCHAR *Data;
    LONGLONG Int;
} SEP_COND_ELEMENT, *PSEP_COND_ELEMENT;

/* Error of a processing rule: the whole expression is UNKNOWN (MS-DTYP 2.4.4.17.6). */
#define SEP_COND_MAX_SCRATCH 64

typedef struct _SEP_COND_STATE {
    const SEP_COND_CONTEXT *Context;
    PCSTR Error;
    PVOID Scratch[SEP_COND_MAX_SCRATCH]; /* pool buffers of @Resource. attributes */
    ULONG ScratchCount;
} SEP_COND_STATE;

static SEP_COND_VALUE SepCondNot(SEP_COND_VALUE V)
{
    return V == SepCondTrue ? SepCondFalse : V == SepCondFalse ? SepCondTrue : SepCondUnknown;
}

/* The Index-th element of an operand seen as a set (a scalar is a set of one). FALSE when
 * there are no more. Composite bodies were validated: every element decodes. */
typedef struct _SEP_COND_ITER {
    const SEP_COND_OPERAND *Set;
    ULONG Offset;           /* into a composite literal's body */
    ULONG Index;            /* into a claim's values */
    BOOLEAN Done;
} SEP_COND_ITER;

static VOID SepCondIterInit(SEP_COND_ITER *It, const SEP_COND_OPERAND *Set)
{
    It->Set = Set;
    It->Offset = 0;
    It->Index = 0;
    It->Done = FALSE;
}

/*
 * SepCondClaimValue - value Index of claim C as a literal: INT64 an integer; UINT64 and
 * BOOLEAN (0/1, winnt.h) unsigned integers; STRING a string; SID and OCTET_STRING their
 * bytes. FQBN values have no literal form in MS-DTYP 2.4.4.17.4: Code 0, which no operator
 * accepts (a type error, so UNKNOWN).
 */
static inline VOID SepCondClaimValue(const CLAIM_SECURITY_ATTRIBUTE_V1 *C, ULONG Index, PSEP_COND_ELEMENT E)
{
    E->Code = 0;
    E->Unsigned = FALSE;
    E->CaseSensitive = (C->Flags & CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE) != 0;
    E->Data = NULL;
    E->DataLength = 0;
    E->Int = 0;
    switch (C->ValueType) {
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_INT64:
        E->Code = SEP_COND_INT64;
        E->Int = C->Values.pInt64[Index];
        break;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_UINT64:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_BOOLEAN:
        E->Code = SEP_COND_INT64;
        E->Int = (LONGLONG)C->Values.pUint64[Index];
        E->Unsigned = TRUE;
        break;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING:
        E->Code = SEP_COND_STRING;
        E->Data = (const UCHAR *)C->Values.ppString[Index];
        E->DataLength = SepWideLength(C->Values.ppString[Index]) * (ULONG)sizeof(WCHAR);
        break;
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_SID:
    case CLAIM_SECURITY_ATTRIBUTE_TYPE_OCTET_STRING:
        E->Code = C->ValueType == CLAIM_SECURITY_ATTRIBUTE_TYPE_SID ? SEP_COND_SID : SEP_COND_OCTETS;
        E->Data = C->Values.pOctetString[Index].pValue;
        E->DataLength = C->Values.pOctetString[Index].ValueLength;
        break;
    default:
        break;
    }
}

/* A literal token as an element. */
static inline VOID SepCondLiteralElement(UCHAR Code, const UCHAR *Data, ULONG DataLength, LONGLONG Int,
                                         PSEP_COND_ELEMENT E)
{
    E->Code = Code;
    E->Unsigned = FALSE;
    E->CaseSensitive = FALSE;
    E->Data = Data;
    E->DataLength = DataLength;
    E->Int = Int;
}

static inline BOOLEAN SepCondIterNext(SEP_COND_ITER *It, PSEP_COND_ELEMENT Element)
{
    if (It->Done)
        return FALSE;
    const SEP_COND_OPERAND *set = It->Set;
    if (set->Claim != NULL) {
        if (It->Index >= set->Claim->ValueCount) {
            It->Done = TRUE;
            return FALSE;
        }
        SepCondClaimValue(set->Claim, It->Index++, Element);
        return TRUE;
    }
    if (set->Code != SEP_COND_COMPOSITE) {
        SepCondLiteralElement(set->Code, set->Data, set->DataLength, set->Int, Element);
        It->Done = TRUE;
        return TRUE;
    }
    SEP_COND_TOKEN t;
    if (It->Offset >= set->DataLength ||
        SepCondDecode(set->Data, set->DataLength, It->Offset, TRUE, &t) != STATUS_SUCCESS) {
        It->Done = TRUE;
        return FALSE;
    }
    It->Offset += t.Length;
    SepCondLiteralElement(t.Code, t.Data, t.DataLength, t.Int, Element);
    return TRUE;
}

/* The one element of an operand that is not multivalued (SepCondIsMulti FALSE): a literal
 * other than a composite, or a claim's value; FALSE for a claim without values. */
static inline __attribute__((always_inline)) BOOLEAN SepCondScalar(const SEP_COND_OPERAND *X,
                                                                   PSEP_COND_ELEMENT E)
{
    if (X->Claim != NULL) {
        if (X->Claim->ValueCount == 0)
            return FALSE;
        SepCondClaimValue(X->Claim, 0, E);
        return TRUE;
    }
    SepCondLiteralElement(X->Code, X->Data, X->DataLength, X->Int, E);
    return TRUE;
}

/* A composite literal or a multivalued claim. */
static BOOLEAN SepCondIsMulti(const SEP_COND_OPERAND *X)
{
    return X->Claim != NULL ? X->Claim->ValueCount > 1 : X->Code == SEP_COND_COMPOSITE;
}

static BOOLEAN SepCondIsInteger(UCHAR Code)
{
    return Code >= SEP_COND_INT8 && Code <= SEP_COND_INT64;
}

static USHORT SepCondFold(USHORT C)
{
    return (C >= 'a' && C <= 'z') ? (USHORT)(C - 'a' + 'A') : C;
}

/* Integers by value: a signed and an unsigned one compare as mathematical integers. */
static int SepCondCompareIntegers(const SEP_COND_ELEMENT *A, const SEP_COND_ELEMENT *B)
{
    if (A->Unsigned == B->Unsigned) {
        if (A->Unsigned) {
            ULONGLONG a = (ULONGLONG)A->Int, b = (ULONGLONG)B->Int;
            return (a > b) - (a < b);
        }
        return (A->Int > B->Int) - (A->Int < B->Int);
    }
    if (A->Unsigned)
        return B->Int < 0 ? 1 : ((ULONGLONG)A->Int > (ULONGLONG)B->Int) - ((ULONGLONG)A->Int < (ULONGLONG)B->Int);
    return -SepCondCompareIntegers(B, A);
}

/*
 * SepCondCompareScalars - compares two scalar values. Returns FALSE (an error) for types
 * that cannot be compared; *Cmp < 0, 0, > 0; *Ordered FALSE when only equality is defined
 * (SIDs, octet strings). Integers compare by value whatever their width or signedness;
 * strings compare case-insensitively (ASCII letters folded) unless a claim operand carries
 * CLAIM_SECURITY_ATTRIBUTE_VALUE_CASE_SENSITIVE (winnt.h; Samba test_run_conditional_ace.c
 * test_different_case_with_case_sensitive_flag).
 */
static BOOLEAN SepCondCompareScalars(const SEP_COND_ELEMENT *EA, const SEP_COND_ELEMENT *EB, int *Cmp,
                                     BOOLEAN *Ordered)
{
    const SEP_COND_ELEMENT *A = EA, *B = EB;
    *Ordered = TRUE;
    if (SepCondIsInteger(A->Code) && SepCondIsInteger(B->Code)) {
        *Cmp = SepCondCompareIntegers(EA, EB);
        return TRUE;
    }
    if (A->Code != B->Code)
        return FALSE;
    BOOLEAN fold = !EA->CaseSensitive && !EB->CaseSensitive;
    switch (A->Code) {
    case SEP_COND_STRING: {
        ULONG na = A->DataLength / 2, nb = B->DataLength / 2;
        if (na == nb && memcmp(A->Data, B->Data, 2 * (SIZE_T)na) == 0) {
            *Cmp = 0; /* the same code units: equal folded or not */
            return TRUE;
        }
        for (ULONG i = 0; i < na && i < nb; i++) {
            USHORT ca = (USHORT)(A->Data[2 * i] | (A->Data[2 * i + 1] << 8));
            USHORT cb = (USHORT)(B->Data[2 * i] | (B->Data[2 * i + 1] << 8));
            if (fold) {
                ca = SepCondFold(ca);
                cb = SepCondFold(cb);
            }
            if (ca != cb) {
                *Cmp = ca < cb ? -1 : 1;
                return TRUE;
            }
        }
        *Cmp = (na > nb) - (na < nb);
        return TRUE;
    }
    case SEP_COND_SID:
    case SEP_COND_OCTETS:
        *Ordered = FALSE;
        if (A->DataLength != B->DataLength)
            *Cmp = 1;
        else
            *Cmp = memcmp(A->Data, B->Data, A->DataLength) != 0;
        return TRUE;
    default:
        return FALSE;
    }
}

/* TRUE/FALSE: Element is in Set; UNKNOWN with State->Error on a type error. */
static SEP_COND_VALUE SepCondInSet(SEP_COND_STATE *State, const SEP_COND_ELEMENT *Element,
                                   const SEP_COND_OPERAND *Set)
{
    SEP_COND_ITER it;
    SEP_COND_ELEMENT e;
    SepCondIterInit(&it, Set);
    while (SepCondIterNext(&it, &e)) {
        int cmp;
        BOOLEAN ordered;
        if (!SepCondCompareScalars(Element, &e, &cmp, &ordered)) {
            State->Error = "operands of different types";
            return SepCondUnknown;
        }
        if (cmp == 0)
            return SepCondTrue;
    }
    return SepCondFalse;
}

/* Every element of Sub is in Set (All), or some element is (!All). */
static SEP_COND_VALUE SepCondSubset(SEP_COND_STATE *State, const SEP_COND_OPERAND *Sub,
                                    const SEP_COND_OPERAND *Set, BOOLEAN All)
{
    SEP_COND_ITER it;
    SEP_COND_ELEMENT e;
    SepCondIterInit(&it, Sub);
    while (SepCondIterNext(&it, &e)) {
        SEP_COND_VALUE in = SepCondInSet(State, &e, Set);
        if (State->Error)
            return SepCondUnknown;
        if (All && in == SepCondFalse)
            return SepCondFalse;
        if (!All && in == SepCondTrue)
            return SepCondTrue;
    }
    return All ? SepCondTrue : SepCondFalse;
}

/*
 * SepCondSameClaimString - Claim is an attribute with one string value and Lit a string
 * literal holding the very same code units: equal whatever the case flag (what
 * SepCondCompareScalars says of them), found without measuring the claim's string first.
 * FALSE says nothing (the full comparison decides).
 */
static inline BOOLEAN SepCondSameClaimString(const SEP_COND_OPERAND *Claim, const SEP_COND_OPERAND *Lit)
{
    const CLAIM_SECURITY_ATTRIBUTE_V1 *c = Claim->Claim;
    if (c == NULL || c->ValueCount != 1 || c->ValueType != CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING ||
        Lit->Claim != NULL || Lit->Code != SEP_COND_STRING)
        return FALSE;
    const WCHAR *v = c->Values.ppString[0];
    ULONG n = Lit->DataLength / 2;
    for (ULONG k = 0; k < n; k++) {
        WCHAR u = RtlpCondRead16(Lit->Data + 2 * k);
        if (v[k] != u || u == 0) /* v's NUL ends the walk */
            return FALSE;
    }
    return v[n] == 0;
}

/*
 * SepCondRelational - the binary relational operators (MS-DTYP 2.4.4.17.6). An absent
 * attribute on either side is UNKNOWN; a result (TRUE/FALSE) as an operand is an error.
 * ==/!= compare sets (a scalar is a set of one; two sets are equal when each holds every
 * element of the other); <, <=, >, >= on a multivalued operand are UNKNOWN; Contains is TRUE
 * when the left set holds every right element, Any_of when the right set holds some left
 * element; the Not_ forms negate (UNKNOWN stays UNKNOWN).
 */
static SEP_COND_VALUE SepCondRelational(SEP_COND_STATE *State, UCHAR Op, const SEP_COND_OPERAND *L,
                                        const SEP_COND_OPERAND *R)
{
    if (L->Kind == SepCondKindResult || R->Kind == SepCondKindResult) {
        State->Error = "a relational operator applied to a TRUE/FALSE result";
        return SepCondUnknown;
    }
    if (L->Kind == SepCondKindNull || R->Kind == SepCondKindNull)
        return SepCondUnknown;
    const SEP_COND_OPERAND *a = L, *b = R;
    BOOLEAN multi = SepCondIsMulti(L) || SepCondIsMulti(R);
    SEP_COND_VALUE v;
    switch (Op) {
    case SEP_COND_EQ:
    case SEP_COND_NE:
        if (!multi) {
            /* Two sets of one: equal iff the one comparison says so (it is symmetric in
             * its verdict and in its type errors), so compare once, not both ways. */
            if (SepCondSameClaimString(a, b) || SepCondSameClaimString(b, a))
                return Op == SEP_COND_EQ ? SepCondTrue : SepCondFalse;
            SEP_COND_ELEMENT ea, eb;
            if (SepCondScalar(a, &ea) && SepCondScalar(b, &eb)) {
                int cmp;
                BOOLEAN ordered;
                if (!SepCondCompareScalars(&ea, &eb, &cmp, &ordered)) {
                    State->Error = "operands of different types";
                    return SepCondUnknown;
                }
                return (cmp == 0) == (Op == SEP_COND_EQ) ? SepCondTrue : SepCondFalse;
            }
        }
        v = SepCondSubset(State, a, b, TRUE);
        if (v == SepCondTrue && !State->Error)
            v = SepCondSubset(State, b, a, TRUE);
        if (State->Error)
            return SepCondUnknown;
        return Op == SEP_COND_EQ ? v : SepCondNot(v);
    case SEP_COND_CONTAINS:
    case SEP_COND_NOT_CONTAINS:
        v = SepCondSubset(State, b, a, TRUE);
        if (State->Error)
            return SepCondUnknown;
        return Op == SEP_COND_CONTAINS ? v : SepCondNot(v);
    case SEP_COND_ANY_OF:
    case SEP_COND_NOT_ANY_OF:
        v = SepCondSubset(State, a, b, FALSE);
        if (State->Error)
            return SepCondUnknown;
        return Op == SEP_COND_ANY_OF ? v : SepCondNot(v);
    default: {
        if (multi)
            return SepCondUnknown; /* MS-DTYP 2.4.4.17.6: multivalued operands fail as UNKNOWN */
        int cmp;
        BOOLEAN ordered;
        SEP_COND_ELEMENT ea, eb;
        if (!SepCondScalar(a, &ea) || !SepCondScalar(b, &eb) ||
            !SepCondCompareScalars(&ea, &eb, &cmp, &ordered)) {
            State->Error = "operands of different types";
            return SepCondUnknown;
        }
        if (!ordered) {
            State->Error = "<, <=, > or >= on SIDs or octet strings";
            return SepCondUnknown;
        }
        BOOLEAN r = Op == SEP_COND_LT ? cmp < 0 : Op == SEP_COND_LE ? cmp <= 0
                  : Op == SEP_COND_GT ? cmp > 0 : cmp >= 0;
        return r ? SepCondTrue : SepCondFalse;
    }
    }
}

/*
 * SepCondMemberOf - Member_of and its device/any/negated forms (MS-DTYP 2.4.4.17.6): the
 * operand MUST be a SID literal or a composite of SID literals (else an error). Member_of:
 * TRUE iff the token's SIDs[] hold every SID of the operand; Member_of_Any: iff they hold
 * one. A SID counts when it matches as the ACE's own SID would in this pass (enabled for an
 * allow ACE, enabled or deny-only for a deny ACE; the restricted SIDs in the restricted pass).
 * The Device_ forms look at the token's device groups (DeviceSIDs[], MS-DTYP 2.5.2) by the
 * same attribute rule; in the restricted pass they see no device groups (ntsec tokens carry
 * no restricted device groups, TokenRestrictedDeviceGroups is empty), so they fail closed.
 */
static SEP_COND_VALUE SepCondMemberOf(SEP_COND_STATE *State, UCHAR Op, const SEP_COND_OPERAND *X)
{
    if (X->Kind != SepCondKindLiteral || X->IsAttribute ||
        (X->Code != SEP_COND_SID && X->Code != SEP_COND_COMPOSITE)) {
        State->Error = "Member_of needs a SID or a composite of SIDs";
        return SepCondUnknown;
    }
    BOOLEAN device = Op == SEP_COND_DEVICE_MEMBER_OF || Op == SEP_COND_DEVICE_MEMBER_OF_ANY ||
                     Op == SEP_COND_NOT_DEVICE_MEMBER_OF || Op == SEP_COND_NOT_DEVICE_MEMBER_OF_ANY;
    BOOLEAN any = Op == SEP_COND_MEMBER_OF_ANY || Op == SEP_COND_DEVICE_MEMBER_OF_ANY ||
                  Op == SEP_COND_NOT_MEMBER_OF_ANY || Op == SEP_COND_NOT_DEVICE_MEMBER_OF_ANY;
    BOOLEAN negate = Op >= SEP_COND_NOT_MEMBER_OF;
    const SEP_COND_CONTEXT *ctx = State->Context;
    BOOLEAN look = ctx->Token != NULL && !(device && ctx->Restricted);
    BOOLEAN all = TRUE, some = FALSE;
    /* The SIDs: the literal itself, or the elements of the composite (validated when it
     * was decoded, so each decodes again; a non-SID element is the error). */
    const UCHAR *sidData = X->Data;
    ULONG sidLength = X->DataLength, off = 0;
    for (;;) {
        if (X->Code == SEP_COND_COMPOSITE) {
            SEP_COND_TOKEN e;
            if (off >= X->DataLength ||
                SepCondDecode(X->Data, X->DataLength, off, TRUE, &e) != STATUS_SUCCESS)
                break;
            off += e.Length;
            if (e.Code != SEP_COND_SID) {
                State->Error = "Member_of needs a SID or a composite of SIDs";
                return SepCondUnknown;
            }
            sidData = e.Data;
            sidLength = e.DataLength;
        }
        BOOLEAN in = FALSE;
        if (look) {
            SEP_COND_SID_BUFFER sid;
            PSID s = SepCondSidCopy(&sid, sidData, sidLength);
            ULONG match = device ? SepTokenDeviceSidMatch(ctx->Token, s)
                                 : SepTokenSidMatchInline(ctx->Token, s, ctx->Restricted);
            in = (match & ctx->MatchBit) != 0;
        }
        if (in)
            some = TRUE;
        else
            all = FALSE;
        if (X->Code != SEP_COND_COMPOSITE)
            break;
    }
    SEP_COND_VALUE v = (any ? some : all) ? SepCondTrue : SepCondFalse;
    return negate ? SepCondNot(v) : v;
}

/*
 * An operand of &&, || and ! (MS-DTYP 2.4.4.17.7): a result; an absent attribute (UNKNOWN);
 * an attribute with an integer value (TRUE iff nonzero) or a string value (TRUE iff not
 * empty). A literal is an error; so (a choice: the spec names no rule) is a multivalued
 * attribute or one of another type.
 */
static SEP_COND_VALUE SepCondTruth(SEP_COND_STATE *State, const SEP_COND_OPERAND *X)
{
    if (X->Kind == SepCondKindResult)
        return X->Result;
    if (X->Kind == SepCondKindNull)
        return SepCondUnknown;
    if (X->IsAttribute && X->Claim != NULL && X->Claim->ValueCount == 1) {
        SEP_COND_ELEMENT e;
        SepCondClaimValue(X->Claim, 0, &e);
        if (SepCondIsInteger(e.Code))
            return e.Int != 0 ? SepCondTrue : SepCondFalse;
        if (e.Code == SEP_COND_STRING)
            return e.DataLength != 0 ? SepCondTrue : SepCondFalse;
    }
    State->Error = X->IsAttribute ? "a logical operator applied to an attribute that is not one integer or string"
                                  : "a logical operator applied to a literal";
    return SepCondUnknown;
}

/*
 * SepCondTokenClaim - the claim @User.name / @Device.name refers to (MS-DTYP 2.5.1.2.2: the
 * claim of the same name, case-insensitive, in UserClaims[] / DeviceClaims[]), or NULL.
 * A claim with CLAIM_SECURITY_ATTRIBUTE_DISABLED is not applied by the access check, and one
 * with CLAIM_SECURITY_ATTRIBUTE_USE_FOR_DENY_ONLY is considered only for deny ACEs (winnt.h
 * CLAIM_SECURITY_ATTRIBUTE_V1 Flags): both are absent otherwise. The restricted pass sees no
 * claims (ntsec tokens carry no restricted claims).
 */
static const CLAIM_SECURITY_ATTRIBUTE_V1 *SepCondTokenClaim(const SEP_COND_CONTEXT *Context,
                                                            const SEP_COND_TOKEN *T)
{
    if (Context->Token == NULL || Context->Restricted)
        return NULL;
    const CLAIM_SECURITY_ATTRIBUTES_INFORMATION *claims =
        T->Code == SEP_COND_USER_ATTR ? Context->Token->UserClaims
        : T->Code == SEP_COND_DEVICE_ATTR ? Context->Token->DeviceClaims : NULL;
    const CLAIM_SECURITY_ATTRIBUTE_V1 *c = SepFindClaim(claims, T->Data, T->DataLength);
    if (c == NULL || (c->Flags & CLAIM_SECURITY_ATTRIBUTE_DISABLED) ||
        ((c->Flags & CLAIM_SECURITY_ATTRIBUTE_USE_FOR_DENY_ONLY) && Context->MatchBit != SEP_MATCH_DENY))
        return NULL;
    return c;
}

/*
 * SepCondAttribute - the value of an attribute reference: @User. and @Device. name the
 * token's claims, @Resource. the RA ACEs of the object's SACL (cond_resource.c, MS-DTYP
 * 2.5.3.1.x); @Local. attributes are absent (MS-DTYP 2.4.4.17.6: relational operators on
 * an absent attribute are UNKNOWN; Exists is FALSE).
 */
static VOID SepCondAttribute(SEP_COND_STATE *State, const SEP_COND_TOKEN *T, PSEP_COND_OPERAND Out)
{
    Out->Kind = SepCondKindNull;
    Out->Result = SepCondFalse;
    Out->IsAttribute = TRUE;
    Out->Code = T->Code;
    Out->Data = T->Data;
    Out->DataLength = T->DataLength;
    Out->Int = 0;
    Out->Claim = NULL;
    const CLAIM_SECURITY_ATTRIBUTE_V1 *c = SepCondTokenClaim(State->Context, T);
    if (T->Code == SEP_COND_RESOURCE_ATTR && State->Context->Sacl != NULL) {
        PVOID scratch = NULL;
        if (State->ScratchCount == SEP_COND_MAX_SCRATCH) {
            State->Error = "more than 64 resource attributes in one condition";
            return;
        }
        NTSTATUS status = SepCondResourceAttribute(State->Context->Sacl, T->Data, T->DataLength,
                                                   &c, &scratch);
        if (status == STATUS_SUCCESS)
            State->Scratch[State->ScratchCount++] = scratch;
        else if (status != STATUS_NOT_FOUND)
            State->Error = "a resource attribute that cannot be evaluated";
    }
    if (c != NULL) {
        Out->Kind = SepCondKindLiteral;
        Out->Claim = c;
        Out->Code = c->ValueCount > 1 ? SEP_COND_COMPOSITE : T->Code;
    }
}

/* X becomes the result V of the operator that consumed it: a result is read for its Kind,
 * Result and IsAttribute only (every consumer tests Kind or IsAttribute first). */
static inline VOID SepCondSetResult(PSEP_COND_OPERAND X, SEP_COND_VALUE V)
{
    X->Kind = SepCondKindResult;
    X->Result = (UCHAR)V;
    X->IsAttribute = FALSE;
    X->Code = 0;
    X->Claim = NULL;
}

/* An expression that does not validate: UNKNOWN, and why. */
static SEP_COND_VALUE SepCondInvalid(const UCHAR *Data, ULONG Length, PCSTR *Reason)
{
    if (Reason)
        *Reason = (Data != NULL && Length >= 4 && memcmp(Data, "artx", 4) == 0)
                      ? "malformed conditional expression"
                      : "no conditional expression (application data without \"artx\")";
    return SepCondUnknown;
}

/*
 * SepCondEvaluate - see cond.h. @remarks EvaluateAceCondition (MS-DTYP 2.5.3.1.5): literals
 * and attributes are pushed; each operator pops its operands and pushes its result; the
 * value left on the stack is the result. An invalid expression, a processing error, or a
 * final value that is not a result (TRUE/FALSE/UNKNOWN) or an absent attribute, is UNKNOWN.
 */
SEP_COND_VALUE SepCondEvaluate(const UCHAR *Data, ULONG Length, const SEP_COND_CONTEXT *Context,
                               PCSTR *Reason)
{
    if (Reason)
        *Reason = NULL;
    if (Data == NULL || Length < 4 || memcmp(Data, "artx", 4) != 0)
        return SepCondInvalid(Data, Length, Reason);
    SEP_COND_OPERAND stack[SEP_COND_MAX_STACK];
    ULONG depth = 0, off = 4;
    BOOLEAN malformed = FALSE;
    SEP_COND_STATE state; /* Scratch[] is written before it is read: not cleared */
    state.Context = Context;
    state.Error = NULL;
    state.ScratchCount = 0;
    while (off < Length && state.Error == NULL) {
        /* Decoded and validated here, in the one pass (RtlpCondValidate's rules: every
         * token decodes, operators find their operands, at most SEP_COND_MAX_STACK operands,
         * only zeros after the first padding byte, one value at the end). An operator or
         * padding is its byte code alone (what RtlpCondDecode would say of it), so only
         * literals and attributes go through the decoder. */
        UCHAR code = Data[off];
        SEP_COND_CLASS cls = SepCondClassOf(code);
        if (cls == SepCondClassLiteral || cls == SepCondClassAttribute) {
            SEP_COND_TOKEN t;
            if (depth >= SEP_COND_MAX_STACK ||
                SepCondDecode(Data, Length, off, FALSE, &t) != STATUS_SUCCESS) {
                malformed = TRUE;
                break;
            }
            off += t.Length;
            if (cls == SepCondClassLiteral)
                stack[depth] = (SEP_COND_OPERAND){
                    .Kind = SepCondKindLiteral, .Code = t.Code, .DataLength = t.DataLength,
                    .Data = t.Data, .Int = t.Int,
                };
            else
                SepCondAttribute(&state, &t, &stack[depth]);
            depth++;
            continue;
        }
        if (cls == SepCondClassInvalid || (cls == SepCondClassUnary && depth < 1) ||
            (cls == SepCondClassBinary && depth < 2)) {
            malformed = TRUE;
            break;
        }
        off++;
        switch (cls) {
        case SepCondClassPadding:
            for (ULONG i = off - 1; i < Length; i++)
                malformed |= Data[i] != 0;
            off = Length;
            break;
        case SepCondClassUnary: {
            PSEP_COND_OPERAND x = &stack[depth - 1];
            SEP_COND_VALUE v;
            if (code == SEP_COND_NOT) {
                v = SepCondNot(SepCondTruth(&state, x));
            } else if (code == SEP_COND_EXISTS || code == SEP_COND_NOT_EXISTS) {
                if (!x->IsAttribute) {
                    state.Error = "Exists needs an attribute";
                    v = SepCondUnknown;
                } else {
                    v = x->Kind == SepCondKindNull ? SepCondFalse : SepCondTrue;
                    if (code == SEP_COND_NOT_EXISTS)
                        v = SepCondNot(v);
                }
            } else {
                v = SepCondMemberOf(&state, code, x);
            }
            SepCondSetResult(x, v);
            break;
        }
        default: { /* SepCondClassBinary */
            PSEP_COND_OPERAND l = &stack[depth - 2], r = &stack[depth - 1];
            SEP_COND_VALUE v;
            if (code == SEP_COND_AND || code == SEP_COND_OR) {
                SEP_COND_VALUE a = SepCondTruth(&state, l), b = SepCondTruth(&state, r);
                if (code == SEP_COND_AND)
                    v = (a == SepCondFalse || b == SepCondFalse) ? SepCondFalse
                        : (a == SepCondTrue && b == SepCondTrue) ? SepCondTrue : SepCondUnknown;
                else
                    v = (a == SepCondTrue || b == SepCondTrue) ? SepCondTrue
                        : (a == SepCondFalse && b == SepCondFalse) ? SepCondFalse : SepCondUnknown;
            } else {
                v = SepCondRelational(&state, code, l, r);
            }
            depth--;
            SepCondSetResult(l, v);
            break;
        }
        }
    }
    if (malformed || (state.Error == NULL && depth != 1)) {
        for (ULONG i = 0; i < state.ScratchCount; i++)
            ExFreePoolWithTag(state.Scratch[i], SEP_COND_TAG);
        return SepCondInvalid(Data, Length, Reason);
    }
    SEP_COND_VALUE final = SepCondUnknown;
    if (state.Error == NULL && depth == 1) {
        if (stack[0].Kind == SepCondKindResult)
            final = stack[0].Result;
        else if (stack[0].IsAttribute)
            final = SepCondTruth(&state, &stack[0]); /* its logical value (2.4.4.17.7) */
        else
            state.Error = "the expression is a literal, not a condition";
    }
    for (ULONG i = 0; i < state.ScratchCount; i++)
        ExFreePoolWithTag(state.Scratch[i], SEP_COND_TAG);
    if (state.Error != NULL) {
        /* The evaluation stopped at an error: an expression malformed further on is
         * reported as malformed, as a validation before the evaluation would have. */
        if (SepCondValidate(Data, Length, NULL) != STATUS_SUCCESS)
            return SepCondInvalid(Data, Length, Reason);
        if (Reason)
            *Reason = state.Error;
        return SepCondUnknown;
    }
    return final;
}
