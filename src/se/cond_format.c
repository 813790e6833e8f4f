/*
 * cond_format.c - the SDDL text of a binary conditional expression (MS-DTYP 2.4.4.17.8
 * syntax), for SDDL output and the explain trace.
 *
 * The postfix byte code is turned into a tree (one node per token, children by index) and
 * the tree printed with an explicit stack: linear in the expression, no recursion. Every
 * operator is printed inside its own parentheses, "(a == b)", "(Member_of {SID(BA)})",
 * "(!(x))". No references change.
 */
#include <stdio.h>
#include <string.h>
#include "se/cond.h"
#include "se/accesschk.h"
#include "rtl/rtlp.h"
#include "ex/pooltags.h"

typedef struct _SEP_COND_NODE {
    SEP_COND_TOKEN Token;
    ULONG Left, Right; /* node indices; unary operators use Right only */
} SEP_COND_NODE;

static VOID SepCondFormatString(PSEP_TRACE Out, const UCHAR *Data, ULONG Length)
{
    /* UTF-16LE to UTF-8; unpaired surrogates print as U+FFFD. */
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
        if (c < 0x80)
            SepTrace(Out, "%c", (char)c);
        else if (c < 0x800)
            SepTrace(Out, "%c%c", (char)(0xC0 | (c >> 6)), (char)(0x80 | (c & 0x3F)));
        else if (c < 0x10000)
            SepTrace(Out, "%c%c%c", (char)(0xE0 | (c >> 12)), (char)(0x80 | ((c >> 6) & 0x3F)),
                     (char)(0x80 | (c & 0x3F)));
        else
            SepTrace(Out, "%c%c%c%c", (char)(0xF0 | (c >> 18)), (char)(0x80 | ((c >> 12) & 0x3F)),
                     (char)(0x80 | ((c >> 6) & 0x3F)), (char)(0x80 | (c & 0x3F)));
    }
}

/* Attribute names: characters outside the SDDL attribute-name set are %XXXX escapes
 * (MS-DTYP 2.4.4.17.8 attr-char2). */
static VOID SepCondFormatName(PSEP_TRACE Out, const UCHAR *Data, ULONG Length)
{
    for (ULONG i = 0; i + 1 < Length; i += 2) {
        ULONG c = (ULONG)Data[i] | ((ULONG)Data[i + 1] << 8);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == ':' || c == '.' || c == '/' || c == '_' || c == '@' || c == '$' || c == '#')
            SepTrace(Out, "%c", (char)c);
        else
            SepTrace(Out, "%%%04x", (unsigned)c);
    }
}

static VOID SepCondFormatLiteral(PSEP_TRACE Out, const SEP_COND_TOKEN *T)
{
    switch (T->Code) {
    case SEP_COND_INT8: case SEP_COND_INT16: case SEP_COND_INT32: case SEP_COND_INT64: {
        ULONG64 mag = T->Int < 0 ? (ULONG64)0 - (ULONG64)T->Int : (ULONG64)T->Int;
        PCSTR sign = T->Int < 0 ? "-" : T->Sign == SEP_COND_SIGN_PLUS ? "+" : "";
        if (T->Base == SEP_COND_BASE_HEX)
            SepTrace(Out, "%s0x%llx", sign, (unsigned long long)mag);
        else if (T->Base == SEP_COND_BASE_OCTAL)
            SepTrace(Out, "%s0%llo", sign, (unsigned long long)mag);
        else
            SepTrace(Out, "%s%llu", sign, (unsigned long long)mag);
        break;
    }
    case SEP_COND_STRING:
        SepTrace(Out, "\"");
        SepCondFormatString(Out, T->Data, T->DataLength);
        SepTrace(Out, "\"");
        break;
    case SEP_COND_OCTETS:
        SepTrace(Out, "#");
        for (ULONG i = 0; i < T->DataLength; i++)
            SepTrace(Out, "%02x", T->Data[i]);
        break;
    case SEP_COND_SID: {
        SEP_COND_SID_BUFFER buffer;
        PSID sid = SepCondSidCopy(&buffer, T->Data, T->DataLength);
        PCSTR alias = RtlpSidAlias(sid);
        char text[200];
        if (alias == NULL && RtlpSidToString(sid, text, sizeof(text)) != STATUS_SUCCESS)
            snprintf(text, sizeof(text), "?");
        SepTrace(Out, "SID(%s)", alias ? alias : text);
        break;
    }
    case SEP_COND_COMPOSITE: {
        SepTrace(Out, "{");
        ULONG off = 0;
        BOOLEAN first = TRUE;
        while (off < T->DataLength) {
            SEP_COND_TOKEN e;
            if (SepCondReadToken(T->Data, T->DataLength, off, TRUE, &e) != STATUS_SUCCESS)
                break;
            SepTrace(Out, "%s", first ? "" : ", ");
            SepCondFormatLiteral(Out, &e);
            first = FALSE;
            off += e.Length;
        }
        SepTrace(Out, "}");
        break;
    }
    default:
        break;
    }
}

/*
 * SepCondFormat - appends the SDDL text of the expression in Data (Length bytes, "artx"
 * included) to Out. STATUS_INVALID_ACE_CONDITION when the expression does not validate
 * (nothing is appended); STATUS_NO_MEMORY; else STATUS_SUCCESS (Out->Failed tells whether
 * the text itself could be stored). The node array is pool memory freed before return.
 */
NTSTATUS SepCondFormat(const UCHAR *Data, ULONG Length, PSEP_TRACE Out)
{
    ULONG count = 0;
    if (SepCondValidate(Data, Length, &count) != STATUS_SUCCESS)
        return STATUS_INVALID_ACE_CONDITION;
    SEP_COND_NODE *nodes = ExAllocatePoolWithTag(PagedPool, sizeof(*nodes) * count, SEP_COND_TAG);
    ULONG *stack = ExAllocatePoolWithTag(PagedPool, sizeof(ULONG) * (count + 1) * 2, SEP_COND_TAG);
    if (nodes == NULL || stack == NULL) {
        if (nodes) ExFreePoolWithTag(nodes, SEP_COND_TAG);
        if (stack) ExFreePoolWithTag(stack, SEP_COND_TAG);
        return STATUS_NO_MEMORY;
    }
    /* Build: stack of node indices (validated: never underflows). */
    ULONG n = 0, depth = 0, off = 4;
    while (off < Length && n < count) {
        SEP_COND_TOKEN t;
        (void)SepCondReadToken(Data, Length, off, FALSE, &t);
        off += t.Length;
        SEP_COND_CLASS cls = SepCondClassOf(t.Code);
        if (cls == SepCondClassPadding)
            break;
        nodes[n].Token = t;
        nodes[n].Left = nodes[n].Right = 0;
        if (cls == SepCondClassUnary) {
            nodes[n].Right = stack[--depth];
        } else if (cls == SepCondClassBinary) {
            nodes[n].Right = stack[--depth];
            nodes[n].Left = stack[--depth];
        }
        stack[depth++] = n++;
    }
    /* Print: explicit stack of (node, step) pairs. Step 0 opens, 1 after the left operand,
     * 2 after the right operand. */
    ULONG sp = 0;
    stack[sp++] = n - 1;
    stack[sp++] = 0;
    while (sp > 0) {
        ULONG step = stack[--sp], idx = stack[--sp];
        const SEP_COND_TOKEN *t = &nodes[idx].Token;
        SEP_COND_CLASS cls = SepCondClassOf(t->Code);
        if (cls == SepCondClassLiteral) {
            SepCondFormatLiteral(Out, t);
            continue;
        }
        if (cls == SepCondClassAttribute) {
            SepTrace(Out, "%s", SepCondOperatorName(t->Code));
            SepCondFormatName(Out, t->Data, t->DataLength);
            continue;
        }
        if (cls == SepCondClassUnary) {
            if (step == 0) {
                SepTrace(Out, t->Code == SEP_COND_NOT ? "(!" : "(%s ", SepCondOperatorName(t->Code));
                stack[sp++] = idx; stack[sp++] = 2;
                stack[sp++] = nodes[idx].Right; stack[sp++] = 0;
            } else {
                SepTrace(Out, ")");
            }
            continue;
        }
        /* binary */
        if (step == 0) {
            SepTrace(Out, "(");
            stack[sp++] = idx; stack[sp++] = 1;
            stack[sp++] = nodes[idx].Left; stack[sp++] = 0;
        } else if (step == 1) {
            SepTrace(Out, " %s ", SepCondOperatorName(t->Code));
            stack[sp++] = idx; stack[sp++] = 2;
            stack[sp++] = nodes[idx].Right; stack[sp++] = 0;
        } else {
            SepTrace(Out, ")");
        }
    }
    ExFreePoolWithTag(stack, SEP_COND_TAG);
    ExFreePoolWithTag(nodes, SEP_COND_TAG);
    return STATUS_SUCCESS;
}

/* SepTraceCondition - the expression's SDDL text, or a note saying why there is none. */
VOID SepTraceCondition(PSEP_TRACE Trace, const UCHAR *Data, ULONG Length)
{
    if (Length == 0) {
        SepTrace(Trace, "<none>");
        return;
    }
    if (SepCondFormat(Data, Length, Trace) != STATUS_SUCCESS)
        SepTrace(Trace, "<invalid, %u bytes>", (unsigned)Length);
}
