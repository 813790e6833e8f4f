/*
 * cond_binary.c - decoding and validation of the binary form of conditional expressions
 * (MS-DTYP 2.4.4.17.4-2.4.4.17.7), the application data of callback ACEs.
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

static ULONG RtlpCondRead32(const UCHAR *P)
{
    return (ULONG)P[0] | ((ULONG)P[1] << 8) | ((ULONG)P[2] << 16) | ((ULONG)P[3] << 24);
}

/* Validates an integer literal's value against its width and its sign and base bytes. */
static BOOLEAN RtlpCondIntegerValid(UCHAR Code, LONGLONG Value, UCHAR Sign, UCHAR Base)
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
 * RtlpCondReadToken - see cond.h. @remarks Layouts (MS-DTYP 2.4.4.17.4/.5): integers are the
 * code, an 8-byte little-endian two's-complement value, a sign byte and a base byte; strings,
 * octet strings, SIDs, composites and attribute names are the code, a 4-byte little-endian
 * byte length and that many bytes; operators are the code alone.
 */
NTSTATUS RtlpCondReadToken(const UCHAR *Expr, ULONG ExprLength, ULONG Offset, BOOLEAN InComposite,
                          PRTLP_COND_TOKEN Token)
{
    memset(Token, 0, sizeof(*Token));
    if (Offset >= ExprLength)
        return STATUS_INVALID_ACE_CONDITION;
    const UCHAR *p = Expr + Offset;
    ULONG left = ExprLength - Offset - 1; /* bytes after the code */
    UCHAR code = p[0];
    RTLP_COND_CLASS cls = RtlpCondClassOf(code);
    Token->Code = code;
    Token->Offset = Offset;
    Token->Length = 1;
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
    case RTLP_COND_COMPOSITE: {
        /* Elements are literals other than composites, exactly filling the body. */
        ULONG off = 0, count = 0;
        while (off < len) {
            RTLP_COND_TOKEN element;
            if (++count > RTLP_COND_MAX_COMPOSITE)
                return STATUS_INVALID_ACE_CONDITION;
            if (RtlpCondReadToken(Token->Data, len, off, TRUE, &element) != STATUS_SUCCESS)
                return STATUS_INVALID_ACE_CONDITION;
            off += element.Length;
        }
        break;
    }
    default: /* octet string: any bytes */
        break;
    }
    return STATUS_SUCCESS;
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
