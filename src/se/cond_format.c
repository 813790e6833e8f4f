/*
 * cond_format.c - a condition's SDDL text in the explain trace, and where a callback ACE
 * keeps its condition. The text is RtlpCondFormat's (src/rtl/cond_format.c), the one
 * printer SDDL output also uses, in its lenient form: every expression that validates
 * prints, whether or not SDDL could parse it back (SepCondAceData, where a callback ACE
 * keeps its condition, is inline in cond.h). No references change.
 */
#include "se/cond.h"
#include "se/accesschk.h"

/*
 * SepCondFormat - appends the SDDL text of the expression in Data (Length bytes, "artx"
 * included) to Out. STATUS_INVALID_ACE_CONDITION when the expression does not validate
 * (nothing is appended); STATUS_INSUFFICIENT_RESOURCES; else STATUS_SUCCESS. The text
 * buffer is pool memory freed before return.
 */
NTSTATUS SepCondFormat(const UCHAR *Data, ULONG Length, PSEP_TRACE Out)
{
    RTLP_TEXT text = { NULL, 0, 0, STATUS_SUCCESS };
    NTSTATUS status = RtlpCondFormat(Data, Length, FALSE, &text);
    if (NT_SUCCESS(status))
        status = text.Status;
    if (NT_SUCCESS(status))
        SepTrace(Out, "%s", text.Data ? text.Data : "");
    ExFreePool(text.Data);
    return status;
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
