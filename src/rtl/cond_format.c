/*
 * cond_format.c - the SDDL text of a binary conditional expression (MS-DTYP 2.5.1.1
 * cond-expr), in the canonical form Windows prints (RtlpCondFormat, rtlp_cond.h).
 *
 * The postfix byte code is turned into a tree (one node per token, children by index) and
 * the tree printed with an explicit stack: linear in the expression, no recursion, whatever
 * the nesting. No references change.
 *
 * Canonical form (Samba libcli/security/tests/data/conditional_aces.txt, whose right-hand
 * sides are the text Windows prints for Windows-compiled descriptors): every operator is
 * printed inside its own parentheses, "(@USER.Title == \"PM\")", "(Member_of {SID(WD)})",
 * "(!(x))"; an attribute that is the operand of &&, || or ! (or the whole expression) is
 * parenthesised too, "((@USER.A) && (@DEVICE.B))"; prefixes are upper case (@USER.,
 * @DEVICE., @RESOURCE.), the _Any operators are spelled "Member_of_any"; composites are
 * "{a, b}"; integers keep their base and sign; octet strings are '#' and lower-case hex.
 */
#include <stdio.h>
#include <string.h>
#include "rtlp_cond.h"

typedef struct _RTLP_COND_NODE {
    RTLP_COND_TOKEN Token;
    ULONG Left, Right; /* node indices; unary operators use Right only */
} RTLP_COND_NODE;

/* RtlpCondRefuse - records why Strict printing refuses; returns STATUS_NOT_IMPLEMENTED
 * once (the first reason wins). */
static VOID RtlpCondRefuse(RTLP_TEXT *Text, PCSTR Why)
{
    if (NT_SUCCESS(Text->Status)) {
        RtlpSetLastErrorText("SDDL: conditional expression: %s", Why);
        Text->Status = NTSEC_NOT_IMPLEMENTED();
    }
}

/* UTF-16LE to UTF-8 inside "..."; Strict refuses what a string literal cannot carry: '"',
 * NUL and unpaired surrogates (printed as U+FFFD otherwise). */
VOID RtlpCondFormatString(RTLP_TEXT *Text, const UCHAR *Data, ULONG Length, BOOLEAN Strict)
{
    RtlpAppend(Text, "\"");
    for (ULONG i = 0; i + 1 < Length; i += 2) {
        ULONG c = (ULONG)Data[i] | ((ULONG)Data[i + 1] << 8);
        if (c >= 0xD800 && c <= 0xDBFF && i + 3 < Length) {
            ULONG d = (ULONG)Data[i + 2] | ((ULONG)Data[i + 3] << 8);
            if (d >= 0xDC00 && d <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
                i += 2;
            } else {
                c = 0xFFFD;
            }
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            c = 0xFFFD;
        }
        if (Strict && (c == '"' || c == 0 || c == 0xFFFD))
            RtlpCondRefuse(Text, "a string with '\"', NUL or an unpaired surrogate");
        RtlpAppendUtf8(Text, c);
    }
    RtlpAppend(Text, "\"");
}

/* RtlpCondNameChar - whether a name character prints as itself (else as %xxxx). */
BOOLEAN RtlpCondNameChar(ULONG C, BOOLEAN Prefixed)
{
    if ((C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') || (C >= '0' && C <= '9') ||
        C == ':' || C == '.' || C == '/' || C == '_')
        return TRUE;
    return Prefixed && C < 0x80 && C != 0 && strchr("#$'*+-;?@[\\]^`{}~", (int)C) != NULL;
}

/* Attribute names: characters outside the name set are %xxxx escapes (MS-DTYP 2.5.1.1
 * lit-char), each UTF-16 unit on its own, so any name prints and parses back exactly. */
VOID RtlpCondFormatName(RTLP_TEXT *Text, const UCHAR *Data, ULONG Length, BOOLEAN Prefixed)
{
    for (ULONG i = 0; i + 1 < Length; i += 2) {
        ULONG c = (ULONG)Data[i] | ((ULONG)Data[i + 1] << 8);
        if (RtlpCondNameChar(c, Prefixed))
            RtlpAppend(Text, "%c", (char)c);
        else
            RtlpAppend(Text, "%%%04x", (unsigned)c);
    }
}

/*
 * Integers: the sign byte decides the sign printed; Strict refuses what the compiler
 * never produces (anything but int64, a negative value without the minus sign byte, a
 * positive one with it), since it would not parse back to the same bytes.
 */
static VOID RtlpCondFormatInteger(RTLP_TEXT *Text, const RTLP_COND_TOKEN *T, BOOLEAN Strict)
{
    /* an unsigned hex literal above 2^63-1 (0xffffffffffffffff) prints as its bit pattern */
    BOOLEAN pattern = T->Int < 0 && T->Sign == RTLP_COND_SIGN_NONE && T->Base == RTLP_COND_BASE_HEX;
    BOOLEAN negative = !pattern && (T->Int < 0 || (T->Sign == RTLP_COND_SIGN_MINUS && T->Int == 0));
    ULONG64 mag = T->Int < 0 && !pattern ? (ULONG64)0 - (ULONG64)T->Int : (ULONG64)T->Int;
    PCSTR sign = negative ? "-" : T->Sign == RTLP_COND_SIGN_PLUS ? "+" : "";
    if (Strict && (T->Code != RTLP_COND_INT64 || (T->Sign == RTLP_COND_SIGN_MINUS) != negative))
        RtlpCondRefuse(Text, "an integer in an encoding the SDDL compiler does not produce");
    if (T->Base == RTLP_COND_BASE_HEX)
        RtlpAppend(Text, "%s0x%llx", sign, (unsigned long long)mag);
    else if (T->Base == RTLP_COND_BASE_OCTAL)
        RtlpAppend(Text, "%s0%llo", sign, (unsigned long long)mag);
    else
        RtlpAppend(Text, "%s%llu", sign, (unsigned long long)mag);
}

static VOID RtlpCondFormatLiteral(RTLP_TEXT *Text, const RTLP_COND_TOKEN *T, BOOLEAN Strict)
{
    switch (T->Code) {
    case RTLP_COND_INT8: case RTLP_COND_INT16: case RTLP_COND_INT32: case RTLP_COND_INT64:
        RtlpCondFormatInteger(Text, T, Strict);
        break;
    case RTLP_COND_STRING:
        RtlpCondFormatString(Text, T->Data, T->DataLength, Strict);
        break;
    case RTLP_COND_OCTETS:
        RtlpAppend(Text, "#");
        for (ULONG i = 0; i < T->DataLength; i++)
            RtlpAppend(Text, "%02x", T->Data[i]);
        break;
    case RTLP_COND_SID: {
        RTLP_COND_SID_BUFFER buffer;
        PSID sid = RtlpCondSidCopy(&buffer, T->Data, T->DataLength);
        PCSTR alias = RtlpSidAlias(sid);
        char text[200];
        if (((PISID)sid)->SubAuthorityCount == 0 && Strict)
            RtlpCondRefuse(Text, "a SID with no sub-authority");
        if (alias == NULL && RtlpSidToString(sid, text, sizeof(text)) != STATUS_SUCCESS)
            snprintf(text, sizeof(text), "?");
        RtlpAppend(Text, "SID(%s)", alias ? alias : text);
        break;
    }
    case RTLP_COND_COMPOSITE: {
        ULONG off = 0;
        RtlpAppend(Text, "{");
        while (off < T->DataLength) {
            RTLP_COND_TOKEN e;
            if (RtlpCondReadToken(T->Data, T->DataLength, off, TRUE, &e) != STATUS_SUCCESS)
                break;
            RtlpAppend(Text, "%s", off == 0 ? "" : ", ");
            RtlpCondFormatLiteral(Text, &e, Strict);
            off += e.Length;
        }
        RtlpAppend(Text, "}");
        break;
    }
    default:
        break;
    }
}

static BOOLEAN RtlpCondIsLogical(UCHAR Code)
{
    return Code == RTLP_COND_AND || Code == RTLP_COND_OR || Code == RTLP_COND_NOT;
}

/*
 * RtlpCondCheckShape - Strict: the tree is one the compiler produces (sddl_cond_parse.c):
 * the whole expression and the operands of &&, ||, ! are conditions (operators or
 * attributes, not literals); a relational operator has an attribute on the left and a
 * literal or an attribute on the right; Exists takes an attribute, the Member_of family a
 * literal; a local attribute name is not a keyword and, on a right-hand side, does not
 * start with a digit (it would read as a number); the tree is at most RTLP_COND_MAX_HEIGHT
 * levels high (its text nests one parenthesis per level).
 */
static VOID RtlpCondCheckShape(RTLP_TEXT *Text, const RTLP_COND_NODE *Nodes, ULONG Count,
                               const UCHAR *Data, ULONG Length)
{
    const RTLP_COND_NODE *root = &Nodes[Count - 1];
    if (RtlpCondHeight(Data, Length) > RTLP_COND_MAX_HEIGHT)
        RtlpCondRefuse(Text, "an expression nested deeper than the SDDL compiler takes");
    if (RtlpCondClassOf(root->Token.Code) == RtlpCondClassLiteral)
        RtlpCondRefuse(Text, "the expression is a bare literal");
    for (ULONG i = 0; i < Count; i++) {
        const RTLP_COND_TOKEN *t = &Nodes[i].Token;
        RTLP_COND_CLASS cls = RtlpCondClassOf(t->Code);
        const RTLP_COND_TOKEN *l = &Nodes[Nodes[i].Left].Token, *r = &Nodes[Nodes[i].Right].Token;
        RTLP_COND_CLASS lc = RtlpCondClassOf(l->Code), rc = RtlpCondClassOf(r->Code);
        if (cls == RtlpCondClassAttribute && t->Code == RTLP_COND_LOCAL_ATTR &&
            RtlpCondIsKeyword(t->Data, t->DataLength))
            RtlpCondRefuse(Text, "a local attribute named like an operator");
        if (cls == RtlpCondClassUnary) {
            if (t->Code == RTLP_COND_NOT ? rc == RtlpCondClassLiteral
                : (t->Code == RTLP_COND_EXISTS || t->Code == RTLP_COND_NOT_EXISTS)
                    ? rc != RtlpCondClassAttribute : rc != RtlpCondClassLiteral)
                RtlpCondRefuse(Text, "an operand the SDDL grammar does not allow");
        } else if (cls == RtlpCondClassBinary) {
            if (RtlpCondIsLogical(t->Code)) {
                if (lc == RtlpCondClassLiteral || rc == RtlpCondClassLiteral)
                    RtlpCondRefuse(Text, "a literal as an operand of && or ||");
            } else if (lc != RtlpCondClassAttribute ||
                       (rc != RtlpCondClassAttribute && rc != RtlpCondClassLiteral)) {
                RtlpCondRefuse(Text, "a relational operator without an attribute on its left");
            } else if (r->Code == RTLP_COND_LOCAL_ATTR && r->Data[0] >= '0' && r->Data[0] <= '9' &&
                       r->Data[1] == 0) {
                RtlpCondRefuse(Text, "a local attribute starting with a digit on a right-hand side");
            }
        }
    }
}

/* Prints an attribute reference: prefix and name. */
static VOID RtlpCondFormatAttribute(RTLP_TEXT *Text, const RTLP_COND_TOKEN *T)
{
    RtlpAppend(Text, "%s", RtlpCondOperatorName(T->Code));
    RtlpCondFormatName(Text, T->Data, T->DataLength, T->Code != RTLP_COND_LOCAL_ATTR);
}

/*
 * RtlpCondFormat - see rtlp_cond.h. The node array and the stack are pool memory freed
 * before return.
 */
NTSTATUS RtlpCondFormat(const UCHAR *Data, ULONG Length, BOOLEAN Strict, RTLP_TEXT *Text)
{
    ULONG count = 0;
    if (RtlpCondValidate(Data, Length, &count) != STATUS_SUCCESS)
        return STATUS_INVALID_ACE_CONDITION;
    RTLP_COND_NODE *nodes = ExAllocatePoolWithTag(PagedPool, sizeof(*nodes) * count, RTLP_TAG_SDDL);
    /* The print stack holds at most two triples per tree level (a node and one child). */
    ULONG *stack = ExAllocatePoolWithTag(PagedPool, sizeof(ULONG) * (count + 1) * 6, RTLP_TAG_SDDL);
    if (nodes == NULL || stack == NULL) {
        ExFreePool(nodes);
        ExFreePool(stack);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    /* Build: a stack of node indices (validated: it never underflows). */
    ULONG n = 0, depth = 0, off = 4;
    while (off < Length && n < count) {
        RTLP_COND_TOKEN t;
        (void)RtlpCondReadToken(Data, Length, off, FALSE, &t);
        off += t.Length;
        RTLP_COND_CLASS cls = RtlpCondClassOf(t.Code);
        if (cls == RtlpCondClassPadding)
            break;
        nodes[n].Token = t;
        nodes[n].Left = nodes[n].Right = n;
        if (cls == RtlpCondClassUnary) {
            nodes[n].Right = stack[--depth];
        } else if (cls == RtlpCondClassBinary) {
            nodes[n].Right = stack[--depth];
            nodes[n].Left = stack[--depth];
        }
        stack[depth++] = n++;
    }
    if (Strict)
        RtlpCondCheckShape(Text, nodes, n, Data, Length);
    /*
     * Print: an explicit stack of (node, step, wrap) triples. Step 0 opens, 1 follows the
     * left operand, 2 the right operand; wrap: the node is a condition operand, so an
     * attribute gets its own parentheses.
     */
    ULONG sp = 0;
    stack[sp++] = n - 1;
    stack[sp++] = 0;
    stack[sp++] = 1;
    while (sp > 0) {
        ULONG wrap = stack[--sp], step = stack[--sp], idx = stack[--sp];
        const RTLP_COND_TOKEN *t = &nodes[idx].Token;
        RTLP_COND_CLASS cls = RtlpCondClassOf(t->Code);
        if (cls == RtlpCondClassLiteral) {
            RtlpCondFormatLiteral(Text, t, Strict);
        } else if (cls == RtlpCondClassAttribute) {
            RtlpAppend(Text, "%s", wrap ? "(" : "");
            RtlpCondFormatAttribute(Text, t);
            RtlpAppend(Text, "%s", wrap ? ")" : "");
        } else if (cls == RtlpCondClassUnary) {
            if (step == 0) {
                if (t->Code == RTLP_COND_NOT)
                    RtlpAppend(Text, "(!");
                else
                    RtlpAppend(Text, "(%s ", RtlpCondOperatorName(t->Code));
                stack[sp++] = idx; stack[sp++] = 2; stack[sp++] = 0;
                stack[sp++] = nodes[idx].Right; stack[sp++] = 0;
                stack[sp++] = t->Code == RTLP_COND_NOT;
            } else {
                RtlpAppend(Text, ")");
            }
        } else if (step == 0) {
            BOOLEAN logical = RtlpCondIsLogical(t->Code);
            RtlpAppend(Text, "(");
            stack[sp++] = idx; stack[sp++] = 1; stack[sp++] = 0;
            stack[sp++] = nodes[idx].Left; stack[sp++] = 0; stack[sp++] = logical;
        } else if (step == 1) {
            BOOLEAN logical = RtlpCondIsLogical(t->Code);
            RtlpAppend(Text, " %s ", RtlpCondOperatorName(t->Code));
            stack[sp++] = idx; stack[sp++] = 2; stack[sp++] = 0;
            stack[sp++] = nodes[idx].Right; stack[sp++] = 0; stack[sp++] = logical;
        } else {
            RtlpAppend(Text, ")");
        }
    }
    ExFreePool(stack);
    ExFreePool(nodes);
    return STATUS_SUCCESS;
}
