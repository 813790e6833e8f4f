/*
 * cond_binary.c - decoding and validation of the binary form of conditional expressions
 * (MS-DTYP 2.4.4.17.4-2.4.4.17.7), the application data of callback ACEs. The token decoder
 * itself is RtlpCondDecode, inline in rtlp_cond.h so that the evaluator's loop
 * (src/se/cond_eval.c) runs it without a call; RtlpCondReadToken is it out of line.
 *
 * Every byte is hostile: each length is checked against what is left of the expression
 * before anything it covers is read, composites do not nest (so decoding never recurses),
 * and validation simulates the stack with a counter bounded by RTLP_COND_MAX_STACK.
 * No references are taken or released here.
 */
#include <string.h>
#include "rtlp_cond.h"

/* The class of every byte code, indexed by the code (RtlpCondClassOf, rtlp_cond.h): one
 * load per token instead of a switch, since every token of every condition is classed. */
#define RTLP_COND_CLASSES(C, K) [C] = K
const UCHAR RtlpCondClassTable[256] = {
    RTLP_COND_CLASSES(RTLP_COND_PADDING, RtlpCondClassPadding),
    RTLP_COND_CLASSES(RTLP_COND_INT8, RtlpCondClassLiteral),
    RTLP_COND_CLASSES(RTLP_COND_INT16, RtlpCondClassLiteral),
    RTLP_COND_CLASSES(RTLP_COND_INT32, RtlpCondClassLiteral),
    RTLP_COND_CLASSES(RTLP_COND_INT64, RtlpCondClassLiteral),
    RTLP_COND_CLASSES(RTLP_COND_STRING, RtlpCondClassLiteral),
    RTLP_COND_CLASSES(RTLP_COND_OCTETS, RtlpCondClassLiteral),
    RTLP_COND_CLASSES(RTLP_COND_COMPOSITE, RtlpCondClassLiteral),
    RTLP_COND_CLASSES(RTLP_COND_SID, RtlpCondClassLiteral),
    RTLP_COND_CLASSES(RTLP_COND_LOCAL_ATTR, RtlpCondClassAttribute),
    RTLP_COND_CLASSES(RTLP_COND_USER_ATTR, RtlpCondClassAttribute),
    RTLP_COND_CLASSES(RTLP_COND_RESOURCE_ATTR, RtlpCondClassAttribute),
    RTLP_COND_CLASSES(RTLP_COND_DEVICE_ATTR, RtlpCondClassAttribute),
    RTLP_COND_CLASSES(RTLP_COND_EXISTS, RtlpCondClassUnary),
    RTLP_COND_CLASSES(RTLP_COND_NOT_EXISTS, RtlpCondClassUnary),
    RTLP_COND_CLASSES(RTLP_COND_NOT, RtlpCondClassUnary),
    RTLP_COND_CLASSES(RTLP_COND_MEMBER_OF, RtlpCondClassUnary),
    RTLP_COND_CLASSES(RTLP_COND_DEVICE_MEMBER_OF, RtlpCondClassUnary),
    RTLP_COND_CLASSES(RTLP_COND_MEMBER_OF_ANY, RtlpCondClassUnary),
    RTLP_COND_CLASSES(RTLP_COND_DEVICE_MEMBER_OF_ANY, RtlpCondClassUnary),
    RTLP_COND_CLASSES(RTLP_COND_NOT_MEMBER_OF, RtlpCondClassUnary),
    RTLP_COND_CLASSES(RTLP_COND_NOT_DEVICE_MEMBER_OF, RtlpCondClassUnary),
    RTLP_COND_CLASSES(RTLP_COND_NOT_MEMBER_OF_ANY, RtlpCondClassUnary),
    RTLP_COND_CLASSES(RTLP_COND_NOT_DEVICE_MEMBER_OF_ANY, RtlpCondClassUnary),
    RTLP_COND_CLASSES(RTLP_COND_EQ, RtlpCondClassBinary),
    RTLP_COND_CLASSES(RTLP_COND_NE, RtlpCondClassBinary),
    RTLP_COND_CLASSES(RTLP_COND_LT, RtlpCondClassBinary),
    RTLP_COND_CLASSES(RTLP_COND_LE, RtlpCondClassBinary),
    RTLP_COND_CLASSES(RTLP_COND_GT, RtlpCondClassBinary),
    RTLP_COND_CLASSES(RTLP_COND_GE, RtlpCondClassBinary),
    RTLP_COND_CLASSES(RTLP_COND_CONTAINS, RtlpCondClassBinary),
    RTLP_COND_CLASSES(RTLP_COND_ANY_OF, RtlpCondClassBinary),
    RTLP_COND_CLASSES(RTLP_COND_NOT_CONTAINS, RtlpCondClassBinary),
    RTLP_COND_CLASSES(RTLP_COND_NOT_ANY_OF, RtlpCondClassBinary),
    RTLP_COND_CLASSES(RTLP_COND_AND, RtlpCondClassBinary),
    RTLP_COND_CLASSES(RTLP_COND_OR, RtlpCondClassBinary),
};

PCSTR RtlpCondOperatorName(UCHAR Code)
{
    switch (Code) {
    case RTLP_COND_EQ: return "==";
    case RTLP_COND_NE: return "!=";
    case RTLP_COND_LT: return "<";
    case RTLP_COND_LE: return "<=";
    case RTLP_COND_GT: return ">";
    case RTLP_COND_GE: return ">=";
    case RTLP_COND_CONTAINS: return "Contains";
    case RTLP_COND_EXISTS: return "Exists";
    case RTLP_COND_ANY_OF: return "Any_of";
    case RTLP_COND_MEMBER_OF: return "Member_of";
    case RTLP_COND_DEVICE_MEMBER_OF: return "Device_Member_of";
    case RTLP_COND_MEMBER_OF_ANY: return "Member_of_any";
    case RTLP_COND_DEVICE_MEMBER_OF_ANY: return "Device_Member_of_any";
    case RTLP_COND_NOT_EXISTS: return "Not_Exists";
    case RTLP_COND_NOT_CONTAINS: return "Not_Contains";
    case RTLP_COND_NOT_ANY_OF: return "Not_Any_of";
    case RTLP_COND_NOT_MEMBER_OF: return "Not_Member_of";
    case RTLP_COND_NOT_DEVICE_MEMBER_OF: return "Not_Device_Member_of";
    case RTLP_COND_NOT_MEMBER_OF_ANY: return "Not_Member_of_any";
    case RTLP_COND_NOT_DEVICE_MEMBER_OF_ANY: return "Not_Device_Member_of_any";
    case RTLP_COND_AND: return "&&";
    case RTLP_COND_OR: return "||";
    case RTLP_COND_NOT: return "!";
    case RTLP_COND_LOCAL_ATTR: return "";
    case RTLP_COND_USER_ATTR: return "@USER.";
    case RTLP_COND_RESOURCE_ATTR: return "@RESOURCE.";
    case RTLP_COND_DEVICE_ATTR: return "@DEVICE.";
    default: return NULL;
    }
}

/* RtlpCondCompositeValid - see rtlp_cond.h: elements decoded with InComposite, so none is a
 * composite and decoding never recurses. */
BOOLEAN RtlpCondCompositeValid(const UCHAR *Body, ULONG Length)
{
    ULONG off = 0, count = 0;
    while (off < Length) {
        RTLP_COND_TOKEN element;
        if (++count > RTLP_COND_MAX_COMPOSITE)
            return FALSE;
        if (RtlpCondDecode(Body, Length, off, TRUE, &element) != STATUS_SUCCESS)
            return FALSE;
        off += element.Length;
    }
    return TRUE;
}

/* RtlpCondReadToken - see rtlp_cond.h (RtlpCondDecode, out of line). */
NTSTATUS RtlpCondReadToken(const UCHAR *Expr, ULONG ExprLength, ULONG Offset, BOOLEAN InComposite,
                          PRTLP_COND_TOKEN Token)
{
    return RtlpCondDecode(Expr, ExprLength, Offset, InComposite, Token);
}

/*
 * RtlpCondValidate - see cond.h. @remarks An operator needs its operands on the stack:
 * unary ones 1 (pop 1, push 1), binary ones 2 (pop 2, push 1); literals and attributes
 * push 1. After the first padding byte every byte must be padding (the ACE is padded to a
 * multiple of 4 bytes with zeros).
 */
NTSTATUS RtlpCondValidate(const UCHAR *Data, ULONG Length, PULONG TokenCount)
{
    if (TokenCount)
        *TokenCount = 0;
    if (Data == NULL || Length < 4 || Data[0] != RTLP_COND_SIGNATURE_0 ||
        Data[1] != RTLP_COND_SIGNATURE_1 || Data[2] != RTLP_COND_SIGNATURE_2 ||
        Data[3] != RTLP_COND_SIGNATURE_3)
        return STATUS_INVALID_ACE_CONDITION;
    ULONG off = 4, depth = 0, count = 0;
    while (off < Length) {
        RTLP_COND_TOKEN t;
        if (RtlpCondReadToken(Data, Length, off, FALSE, &t) != STATUS_SUCCESS)
            return STATUS_INVALID_ACE_CONDITION;
        RTLP_COND_CLASS cls = RtlpCondClassOf(t.Code);
        if (cls == RtlpCondClassPadding) {
            for (ULONG i = off; i < Length; i++)
                if (Data[i] != 0)
                    return STATUS_INVALID_ACE_CONDITION;
            break;
        }
        if (cls == RtlpCondClassUnary) {
            if (depth < 1)
                return STATUS_INVALID_ACE_CONDITION;
        } else if (cls == RtlpCondClassBinary) {
            if (depth < 2)
                return STATUS_INVALID_ACE_CONDITION;
            depth--;
        } else {
            if (depth >= RTLP_COND_MAX_STACK)
                return STATUS_INVALID_ACE_CONDITION;
            depth++;
        }
        count++;
        off += t.Length;
    }
    if (depth != 1)
        return STATUS_INVALID_ACE_CONDITION;
    if (TokenCount)
        *TokenCount = count;
    return STATUS_SUCCESS;
}

/*
 * RtlpCondHeight - see rtlp_cond.h. @remarks The same walk as RtlpCondValidate with a stack
 * of subtree heights (at most RTLP_COND_MAX_STACK of them): an operand is 1, an operator
 * one more than its highest operand.
 */
ULONG RtlpCondHeight(const UCHAR *Data, ULONG Length)
{
    ULONG heights[RTLP_COND_MAX_STACK], depth = 0, off = 4, highest = 0;
    if (RtlpCondValidate(Data, Length, NULL) != STATUS_SUCCESS)
        return 0;
    while (off < Length) {
        RTLP_COND_TOKEN t;
        (void)RtlpCondReadToken(Data, Length, off, FALSE, &t); /* validated above */
        RTLP_COND_CLASS cls = RtlpCondClassOf(t.Code);
        if (cls == RtlpCondClassPadding)
            break;
        if (cls == RtlpCondClassUnary) {
            heights[depth - 1]++;
        } else if (cls == RtlpCondClassBinary) {
            ULONG r = heights[--depth];
            if (r > heights[depth - 1])
                heights[depth - 1] = r;
            heights[depth - 1]++;
        } else {
            heights[depth++] = 1;
        }
        if (heights[depth - 1] > highest)
            highest = heights[depth - 1];
        off += t.Length;
    }
    return highest;
}
