/*
 * cond_eval.c - evaluation of binary conditional expressions (MS-DTYP 2.4.4.17.6/.7 and the
 * EvaluateAceCondition stack machine of 2.5.3.1.5) with three-valued logic.
 *
 * The expression is read in place, once, left to right; operands live on a fixed stack of
 * SEP_COND_MAX_STACK entries (the expression is validated first, so the stack cannot
 * overflow). Composites are flat: iterating one never recurses. No references change; the
 * token is read under the caller's shared lock.
 */
#include <string.h>
#include "se/cond.h"
#include "se/accesschk.h"

typedef enum _SEP_COND_KIND {
    SepCondKindResult = 0,  /* the TRUE/FALSE/UNKNOWN result of an operator */
    SepCondKindNull,        /* an attribute the context does not have */
    SepCondKindLiteral,     /* Token holds a literal (composite included) */
} SEP_COND_KIND;

typedef struct _SEP_COND_OPERAND {
    SEP_COND_KIND Kind;
    SEP_COND_VALUE Result;
    BOOLEAN IsAttribute;
    SEP_COND_TOKEN Token;
} SEP_COND_OPERAND, *PSEP_COND_OPERAND;

/* Error of a processing rule: the whole expression is UNKNOWN (MS-DTYP 2.4.4.17.6). */
typedef struct _SEP_COND_STATE {
    const SEP_COND_CONTEXT *Context;
    PCSTR Error;
} SEP_COND_STATE;

static SEP_COND_VALUE SepCondNot(SEP_COND_VALUE V)
{
    return V == SepCondTrue ? SepCondFalse : V == SepCondFalse ? SepCondTrue : SepCondUnknown;
}

/* The Index-th element of an operand seen as a set (a scalar is a set of one). FALSE when
 * there are no more. Composite bodies were validated: every element decodes. */
typedef struct _SEP_COND_ITER {
    const SEP_COND_TOKEN *Set;
    ULONG Offset;
    BOOLEAN Done;
} SEP_COND_ITER;

static VOID SepCondIterInit(SEP_COND_ITER *It, const SEP_COND_TOKEN *Set)
{
    It->Set = Set;
    It->Offset = 0;
    It->Done = FALSE;
}

static BOOLEAN SepCondIterNext(SEP_COND_ITER *It, PSEP_COND_TOKEN Element)
{
    if (It->Done)
        return FALSE;
    if (It->Set->Code != SEP_COND_COMPOSITE) {
        *Element = *It->Set;
        It->Done = TRUE;
        return TRUE;
    }
    if (It->Offset >= It->Set->DataLength ||
        SepCondReadToken(It->Set->Data, It->Set->DataLength, It->Offset, TRUE, Element) !=
            STATUS_SUCCESS) {
        It->Done = TRUE;
        return FALSE;
    }
    It->Offset += Element->Length;
    return TRUE;
}

static BOOLEAN SepCondIsInteger(UCHAR Code)
{
    return Code >= SEP_COND_INT8 && Code <= SEP_COND_INT64;
}

static USHORT SepCondFold(USHORT C)
{
    return (C >= 'a' && C <= 'z') ? (USHORT)(C - 'a' + 'A') : C;
}

/*
 * SepCondCompareScalars - compares two scalar literals. Returns FALSE (an error) for types
 * that cannot be compared; *Cmp < 0, 0, > 0; *Ordered FALSE when only equality is defined
 * (SIDs, octet strings). Integers compare as signed 64-bit values whatever their width;
 * strings compare case-insensitively (MS-DTYP 2.4.4.17.6: string comparisons are
 * case-insensitive unless a claim says otherwise; ASCII letters are folded).
 */
static BOOLEAN SepCondCompareScalars(const SEP_COND_TOKEN *A, const SEP_COND_TOKEN *B, int *Cmp,
                                     BOOLEAN *Ordered)
{
    *Ordered = TRUE;
    if (SepCondIsInteger(A->Code) && SepCondIsInteger(B->Code)) {
        *Cmp = (A->Int > B->Int) - (A->Int < B->Int);
        return TRUE;
    }
    if (A->Code != B->Code)
        return FALSE;
    switch (A->Code) {
    case SEP_COND_STRING: {
        ULONG na = A->DataLength / 2, nb = B->DataLength / 2;
        for (ULONG i = 0; i < na && i < nb; i++) {
            USHORT ca = SepCondFold((USHORT)(A->Data[2 * i] | (A->Data[2 * i + 1] << 8)));
            USHORT cb = SepCondFold((USHORT)(B->Data[2 * i] | (B->Data[2 * i + 1] << 8)));
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
static SEP_COND_VALUE SepCondInSet(SEP_COND_STATE *State, const SEP_COND_TOKEN *Element,
                                   const SEP_COND_TOKEN *Set)
{
    SEP_COND_ITER it;
    SEP_COND_TOKEN e;
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
static SEP_COND_VALUE SepCondSubset(SEP_COND_STATE *State, const SEP_COND_TOKEN *Sub,
                                    const SEP_COND_TOKEN *Set, BOOLEAN All)
{
    SEP_COND_ITER it;
    SEP_COND_TOKEN e;
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
    const SEP_COND_TOKEN *a = &L->Token, *b = &R->Token;
    BOOLEAN multi = a->Code == SEP_COND_COMPOSITE || b->Code == SEP_COND_COMPOSITE;
    SEP_COND_VALUE v;
    switch (Op) {
    case SEP_COND_EQ:
    case SEP_COND_NE:
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
        if (!SepCondCompareScalars(a, b, &cmp, &ordered)) {
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
 * The Device_ forms look at the token's device groups, which ntsec tokens do not carry yet:
 * an empty set.
 */
static SEP_COND_VALUE SepCondMemberOf(SEP_COND_STATE *State, UCHAR Op, const SEP_COND_OPERAND *X)
{
    if (X->Kind != SepCondKindLiteral || X->IsAttribute ||
        (X->Token.Code != SEP_COND_SID && X->Token.Code != SEP_COND_COMPOSITE)) {
        State->Error = "Member_of needs a SID or a composite of SIDs";
        return SepCondUnknown;
    }
    BOOLEAN device = Op == SEP_COND_DEVICE_MEMBER_OF || Op == SEP_COND_DEVICE_MEMBER_OF_ANY ||
                     Op == SEP_COND_NOT_DEVICE_MEMBER_OF || Op == SEP_COND_NOT_DEVICE_MEMBER_OF_ANY;
    BOOLEAN any = Op == SEP_COND_MEMBER_OF_ANY || Op == SEP_COND_DEVICE_MEMBER_OF_ANY ||
                  Op == SEP_COND_NOT_MEMBER_OF_ANY || Op == SEP_COND_NOT_DEVICE_MEMBER_OF_ANY;
    BOOLEAN negate = Op >= SEP_COND_NOT_MEMBER_OF;
    const SEP_COND_CONTEXT *ctx = State->Context;
    SEP_COND_ITER it;
    SEP_COND_TOKEN e;
    BOOLEAN all = TRUE, some = FALSE;
    SepCondIterInit(&it, &X->Token);
    while (SepCondIterNext(&it, &e)) {
        if (e.Code != SEP_COND_SID) {
            State->Error = "Member_of needs a SID or a composite of SIDs";
            return SepCondUnknown;
        }
        BOOLEAN in = FALSE;
        if (!device && ctx->Token != NULL) {
            SEP_COND_SID_BUFFER sid;
            in = (SepTokenSidMatch(ctx->Token, SepCondSidCopy(&sid, e.Data, e.DataLength),
                                   ctx->Restricted) & ctx->MatchBit) != 0;
        }
        if (in)
            some = TRUE;
        else
            all = FALSE;
    }
    SEP_COND_VALUE v = (any ? some : all) ? SepCondTrue : SepCondFalse;
    return negate ? SepCondNot(v) : v;
}

/* An operand of &&, || and ! (MS-DTYP 2.4.4.17.7): a result, or an absent attribute
 * (UNKNOWN); a literal is an error. */
static SEP_COND_VALUE SepCondTruth(SEP_COND_STATE *State, const SEP_COND_OPERAND *X)
{
    if (X->Kind == SepCondKindResult)
        return X->Result;
    if (X->Kind == SepCondKindNull)
        return SepCondUnknown;
    State->Error = "a logical operator applied to a literal";
    return SepCondUnknown;
}

/*
 * SepCondAttribute - the value of an attribute reference. ntsec tokens carry no claims and
 * descriptors no resource attributes yet, so every @User./@Device./@Resource./@Local.
 * attribute is absent (MS-DTYP 2.4.4.17.6: relational operators on it are UNKNOWN; Exists
 * is FALSE).
 */
static VOID SepCondAttribute(SEP_COND_STATE *State, const SEP_COND_TOKEN *T, PSEP_COND_OPERAND Out)
{
    (void)State;
    memset(Out, 0, sizeof(*Out));
    Out->Kind = SepCondKindNull;
    Out->IsAttribute = TRUE;
    Out->Token = *T;
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
    if (SepCondValidate(Data, Length, NULL) != STATUS_SUCCESS) {
        if (Reason)
            *Reason = (Length >= 4 && memcmp(Data, "artx", 4) == 0)
                          ? "malformed conditional expression"
                          : "no conditional expression (application data without \"artx\")";
        return SepCondUnknown;
    }
    SEP_COND_OPERAND stack[SEP_COND_MAX_STACK];
    ULONG depth = 0, off = 4;
    SEP_COND_STATE state = {.Context = Context, .Error = NULL};
    while (off < Length && state.Error == NULL) {
        SEP_COND_TOKEN t;
        (void)SepCondReadToken(Data, Length, off, FALSE, &t); /* validated above */
        off += t.Length;
        switch (SepCondClassOf(t.Code)) {
        case SepCondClassPadding:
            off = Length;
            break;
        case SepCondClassLiteral:
            memset(&stack[depth], 0, sizeof(stack[depth]));
            stack[depth].Kind = SepCondKindLiteral;
            stack[depth].Token = t;
            depth++;
            break;
        case SepCondClassAttribute:
            SepCondAttribute(&state, &t, &stack[depth]);
            depth++;
            break;
        case SepCondClassUnary: {
            PSEP_COND_OPERAND x = &stack[depth - 1];
            SEP_COND_VALUE v;
            if (t.Code == SEP_COND_NOT) {
                v = SepCondNot(SepCondTruth(&state, x));
            } else if (t.Code == SEP_COND_EXISTS || t.Code == SEP_COND_NOT_EXISTS) {
                if (!x->IsAttribute) {
                    state.Error = "Exists needs an attribute";
                    v = SepCondUnknown;
                } else {
                    v = x->Kind == SepCondKindNull ? SepCondFalse : SepCondTrue;
                    if (t.Code == SEP_COND_NOT_EXISTS)
                        v = SepCondNot(v);
                }
            } else {
                v = SepCondMemberOf(&state, t.Code, x);
            }
            memset(x, 0, sizeof(*x));
            x->Kind = SepCondKindResult;
            x->Result = v;
            break;
        }
        case SepCondClassBinary: {
            PSEP_COND_OPERAND l = &stack[depth - 2], r = &stack[depth - 1];
            SEP_COND_VALUE v;
            if (t.Code == SEP_COND_AND || t.Code == SEP_COND_OR) {
                SEP_COND_VALUE a = SepCondTruth(&state, l), b = SepCondTruth(&state, r);
                if (t.Code == SEP_COND_AND)
                    v = (a == SepCondFalse || b == SepCondFalse) ? SepCondFalse
                        : (a == SepCondTrue && b == SepCondTrue) ? SepCondTrue : SepCondUnknown;
                else
                    v = (a == SepCondTrue || b == SepCondTrue) ? SepCondTrue
                        : (a == SepCondFalse && b == SepCondFalse) ? SepCondFalse : SepCondUnknown;
            } else {
                v = SepCondRelational(&state, t.Code, l, r);
            }
            depth--;
            memset(l, 0, sizeof(*l));
            l->Kind = SepCondKindResult;
            l->Result = v;
            break;
        }
        default:
            state.Error = "invalid byte code";
            break;
        }
    }
    if (state.Error == NULL && depth == 1 && stack[0].Kind == SepCondKindLiteral)
        state.Error = "the expression is a literal, not a condition";
    if (state.Error != NULL || depth != 1) {
        if (Reason)
            *Reason = state.Error ? state.Error : "malformed conditional expression";
        return SepCondUnknown;
    }
    return stack[0].Kind == SepCondKindResult ? stack[0].Result : SepCondUnknown;
}
