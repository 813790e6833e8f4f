/*
 * cond_resource.c - @Resource. attributes of a conditional expression: the
 * SYSTEM_RESOURCE_ATTRIBUTE_ACEs of the object's SACL (MS-DTYP 2.4.4.15, 2.5.3.1.x), as an
 * operand the evaluator compares (cond_eval.c).
 *
 * The SACL is the one the access check captured and validated (its ACEs lie inside it); the
 * attribute data after each RA ACE's SID is hostile and is read by
 * RtlpResourceAttributeRead, which checks every offset. The claim is built in a pool buffer
 * the caller frees (SIDs and octet strings point into the ACE). No references change.
 */
#include "se/cond.h"
#include "se/accesschk.h"

/* Case-insensitive (ASCII letters folded) comparison of two UTF-16LE names. */
static BOOLEAN SepCondSameName(const UCHAR *A, ULONG ALength, const UCHAR *B, ULONG BLength)
{
    if (ALength != BLength)
        return FALSE;
    for (ULONG i = 0; i + 1 < ALength; i += 2) {
        USHORT a = (USHORT)(A[i] | (A[i + 1] << 8)), b = (USHORT)(B[i] | (B[i + 1] << 8));
        if (a >= 'a' && a <= 'z')
            a = (USHORT)(a - 'a' + 'A');
        if (b >= 'a' && b <= 'z')
            b = (USHORT)(b - 'a' + 'A');
        if (a != b)
            return FALSE;
    }
    return TRUE;
}

/*
 * SepCondResourceAttribute - see cond.h. @remarks The attribute is the first RA ACE of Sacl,
 * not inherit-only, whose data decodes as a CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1 with that
 * name (case-insensitive) and is not disabled (CLAIM_SECURITY_ATTRIBUTE_DISABLED). Its
 * values are copied, aligned, into one pool buffer laid out as a CLAIM_SECURITY_ATTRIBUTE_V1
 * (the form the token's claims have), so the evaluator treats @Resource. exactly as
 * @User./@Device. claims: the flags (VALUE_CASE_SENSITIVE) carry over, TU/TB are unsigned.
 */
NTSTATUS SepCondResourceAttribute(PACL Sacl, const UCHAR *Name, ULONG NameLength,
                                  const CLAIM_SECURITY_ATTRIBUTE_V1 **Claim, PVOID *Scratch)
{
    *Claim = NULL;
    *Scratch = NULL;
    if (Sacl == NULL)
        return STATUS_NOT_FOUND;
    PACE_HEADER ace = SepFirstAce(Sacl);
    for (ULONG i = 0; i < Sacl->AceCount; i++, ace = SepNextAce(ace)) {
        const UCHAR *data;
        ULONG length;
        RTLP_CLAIM claim;
        if (ace->AceType != SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE || (ace->AceFlags & INHERIT_ONLY_ACE))
            continue;
        SepCondAceData(ace, &data, &length);
        if (RtlpResourceAttributeRead(data, length, &claim) != STATUS_SUCCESS ||
            !SepCondSameName(claim.Name, claim.NameLength, Name, NameLength))
            continue;
        if ((claim.Flags & CLAIM_SECURITY_ATTRIBUTE_DISABLED) || claim.ValueCount == 0)
            return STATUS_NOT_FOUND;
        /* The V1 header, one 16-byte slot per value (an integer, a PWSTR or an octet
         * string), then the strings, each NUL-terminated, all within the data's length. */
        SIZE_T size = sizeof(CLAIM_SECURITY_ATTRIBUTE_V1) + 16 * (SIZE_T)claim.ValueCount +
                      length + 2 * (SIZE_T)claim.ValueCount + sizeof(WCHAR);
        PUCHAR buffer = ExAllocatePoolWithTag(PagedPool, size, SEP_COND_TAG);
        if (buffer == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        memset(buffer, 0, size);
        CLAIM_SECURITY_ATTRIBUTE_V1 *v1 = (CLAIM_SECURITY_ATTRIBUTE_V1 *)buffer;
        PUCHAR slots = buffer + sizeof(*v1);
        WCHAR *strings = (WCHAR *)(slots + 16 * (SIZE_T)claim.ValueCount);
        v1->ValueType = claim.ValueType;
        v1->Flags = claim.Flags;
        v1->ValueCount = claim.ValueCount;
        v1->Values.pInt64 = (PLONGLONG)slots;
        for (ULONG j = 0; j < claim.ValueCount; j++) {
            RTLP_CLAIM_VALUE v;
            RtlpResourceAttributeValue(&claim, j, &v);
            switch (claim.ValueType) {
            case RTLP_CLAIM_STRING:
                v1->Values.ppString[j] = strings;
                memcpy(strings, v.Data, v.Length);
                strings += v.Length / sizeof(WCHAR) + 1; /* the NUL is the zeroed slot */
                break;
            case RTLP_CLAIM_SID:
            case RTLP_CLAIM_OCTET_STRING:
                v1->Values.pOctetString[j].pValue = (PVOID)v.Data;
                v1->Values.pOctetString[j].ValueLength = v.Length;
                break;
            default:
                v1->Values.pUint64[j] = v.Integer;
                break;
            }
        }
        *Claim = v1;
        *Scratch = buffer;
        return STATUS_SUCCESS;
    }
    return STATUS_NOT_FOUND;
}
