/*
 * pac.c - decodes the MS-PAC PAC_LOGON_INFO buffer (a KERB_VALIDATION_INFO) into SIDs and
 * names (docs/sspi.md "The PAC"; written from [MS-PAC] 2.5, [MS-RPCE] 2.2.6 and 14.3 (NDR)
 * and [MS-DTYP] 2.3.10 / 2.4.2.3).
 *
 * The buffer is an MS-RPCE type serialization, version 1:
 *   common header    01 10 08 00 cc cc cc cc   version 1, little endian, 8 bytes, filler
 *   private header   ObjectBufferLength (4, a multiple of 8), filler (4)
 *   the top-level unique pointer to KERB_VALIDATION_INFO: a referent id (non-zero), then
 *   the structure (216 bytes, 4-aligned), then the pointees of its embedded pointers in the
 *   order the pointers are declared; the SIDs an ExtraSids array points to follow that
 *   array, in order.
 * NDR alignment is relative to the start of the buffer (the data starts at offset 16).
 * Conformant arrays carry their MaxCount first; RPC_UNICODE_STRING buffers are conformant
 * varying arrays (MaxCount, Offset, ActualCount); an RPC_SID is a conformant structure whose
 * MaxCount (= SubAuthorityCount) comes before it.
 *
 * Two passes over the same bytes: the first validates everything and measures, nothing is
 * allocated until it has succeeded; the second copies into one allocation. Each step reads
 * bytes it has just bounds-checked, so the work is linear in the input; there is no
 * recursion (the one nested level, ExtraSids' SIDs, is a loop).
 */
#include <string.h>
#include "ksec/pac.h"
#include "ex/pooltags.h"

/* --- NDR reader: Pos <= End always; End is the end of the serialized object. --- */

typedef struct _KSECP_NDR {
    const UCHAR *Data;
    SIZE_T End;
    SIZE_T Pos;
} KSECP_NDR;

static BOOLEAN KsecpNdrAlign(KSECP_NDR *R, SIZE_T Alignment)
{
    SIZE_T pad = (Alignment - (R->Pos & (Alignment - 1))) & (Alignment - 1);
    if (pad > R->End - R->Pos)
        return FALSE;
    R->Pos += pad;
    return TRUE;
}

static BOOLEAN KsecpNdrTake(KSECP_NDR *R, SIZE_T Count, SIZE_T *Offset)
{
    if (Count > R->End - R->Pos)
        return FALSE;
    *Offset = R->Pos;
    R->Pos += Count;
    return TRUE;
}

static ULONG KsecpLe32(const UCHAR *P)
{
    return (ULONG)P[0] | (ULONG)P[1] << 8 | (ULONG)P[2] << 16 | (ULONG)P[3] << 24;
}

static BOOLEAN KsecpNdrUlong(KSECP_NDR *R, ULONG *Value)
{
    SIZE_T at;
    if (!KsecpNdrAlign(R, 4) || !KsecpNdrTake(R, 4, &at))
        return FALSE;
    *Value = KsecpLe32(R->Data + at);
    return TRUE;
}

static BOOLEAN KsecpNdrUshort(KSECP_NDR *R, USHORT *Value)
{
    SIZE_T at;
    if (!KsecpNdrAlign(R, 2) || !KsecpNdrTake(R, 2, &at))
        return FALSE;
    *Value = (USHORT)(R->Data[at] | R->Data[at + 1] << 8);
    return TRUE;
}

static BOOLEAN KsecpNdrSkip(KSECP_NDR *R, SIZE_T Alignment, SIZE_T Count)
{
    SIZE_T at;
    return KsecpNdrAlign(R, Alignment) && KsecpNdrTake(R, Count, &at);
}

/* --- what the first pass learns --- */

enum {
    KsecpEffectiveName, KsecpFullName, KsecpLogonScript, KsecpProfilePath, KsecpHomeDirectory,
    KsecpHomeDirectoryDrive, KsecpLogonServer, KsecpLogonDomainName, KsecpStringCount
};

typedef struct _KSECP_PAC_STRING {
    USHORT Length;        /* bytes */
    USHORT MaximumLength; /* bytes */
    ULONG Referent;
    SIZE_T Data;          /* offset of the WCHARs (Length / 2 of them) */
    SIZE_T Utf8Length;    /* bytes of its UTF-8 form, without the NUL */
} KSECP_PAC_STRING;

typedef struct _KSECP_PAC_SID {
    BOOLEAN Present;
    UCHAR Count;          /* sub-authorities */
    SIZE_T Data;          /* offset of Revision (the RPC_SID after its MaxCount) */
} KSECP_PAC_SID;

typedef struct _KSECP_PAC_LAYOUT {
    KSECP_PAC_STRING Strings[KsecpStringCount];
    ULONG UserId, PrimaryGroupId, GroupCount, GroupIdsRef, UserFlags;
    ULONG LogonDomainIdRef, UserAccountControl, SidCount, ExtraSidsRef;
    ULONG ResourceDomainRef, ResourceCount, ResourceIdsRef;
    SIZE_T GroupIds;        /* offset of the first GROUP_MEMBERSHIP */
    SIZE_T ExtraSids;       /* offset of the first KERB_SID_AND_ATTRIBUTES */
    SIZE_T ExtraSidData;    /* stream position before the first ExtraSids SID */
    SIZE_T ExtraSidBytes;   /* sum of their binary lengths */
    SIZE_T ResourceIds;     /* offset of the first resource GROUP_MEMBERSHIP */
    KSECP_PAC_SID LogonDomainId, ResourceDomain;
} KSECP_PAC_LAYOUT;

/* The fixed part of an RPC_UNICODE_STRING: Length, MaximumLength, Buffer referent. */
static NTSTATUS KsecpReadStringHeader(KSECP_NDR *R, KSECP_PAC_STRING *S)
{
    if (!KsecpNdrUshort(R, &S->Length) || !KsecpNdrUshort(R, &S->MaximumLength) ||
        !KsecpNdrUlong(R, &S->Referent))
        return RPC_NT_BAD_STUB_DATA;
    if ((S->Length & 1) != 0 || S->Length > S->MaximumLength || (S->Referent == 0 && S->Length != 0))
        return RPC_NT_BAD_STUB_DATA;
    return STATUS_SUCCESS;
}

/*
 * The UTF-8 length of Units UTF-16LE code units at P. Strict: a NUL or an unpaired surrogate
 * is STATUS_INVALID_ACCOUNT_NAME (an identity name must mean one thing); otherwise each such
 * unit becomes U+FFFD (3 bytes).
 */
static NTSTATUS KsecpUtf16Measure(const UCHAR *P, SIZE_T Units, BOOLEAN Strict, SIZE_T *Bytes)
{
    SIZE_T n = 0;
    for (SIZE_T i = 0; i < Units; i++) {
        ULONG u = (ULONG)P[2 * i] | (ULONG)P[2 * i + 1] << 8;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < Units) {
            ULONG v = (ULONG)P[2 * i + 2] | (ULONG)P[2 * i + 3] << 8;
            if (v >= 0xDC00 && v <= 0xDFFF) {
                n += 4;
                i++;
                continue;
            }
        }
        if (u == 0 || (u >= 0xD800 && u <= 0xDFFF)) {
            if (Strict)
                return STATUS_INVALID_ACCOUNT_NAME;
            n += 3;
        } else {
            n += u < 0x80 ? 1 : u < 0x800 ? 2 : 3;
        }
    }
    *Bytes = n;
    return STATUS_SUCCESS;
}

/* Writes what KsecpUtf16Measure measured (non-strict substitutions included) and a NUL. */
static PSTR KsecpUtf16Copy(const UCHAR *P, SIZE_T Units, PSTR Out)
{
    for (SIZE_T i = 0; i < Units; i++) {
        ULONG u = (ULONG)P[2 * i] | (ULONG)P[2 * i + 1] << 8;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < Units) {
            ULONG v = (ULONG)P[2 * i + 2] | (ULONG)P[2 * i + 3] << 8;
            if (v >= 0xDC00 && v <= 0xDFFF) {
                ULONG c = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
                *Out++ = (char)(0xF0 | c >> 18);
                *Out++ = (char)(0x80 | (c >> 12 & 0x3F));
                *Out++ = (char)(0x80 | (c >> 6 & 0x3F));
                *Out++ = (char)(0x80 | (c & 0x3F));
                i++;
                continue;
            }
        }
        if (u == 0 || (u >= 0xD800 && u <= 0xDFFF))
            u = 0xFFFD;
        if (u < 0x80) {
            *Out++ = (char)u;
        } else if (u < 0x800) {
            *Out++ = (char)(0xC0 | u >> 6);
            *Out++ = (char)(0x80 | (u & 0x3F));
        } else {
            *Out++ = (char)(0xE0 | u >> 12);
            *Out++ = (char)(0x80 | (u >> 6 & 0x3F));
            *Out++ = (char)(0x80 | (u & 0x3F));
        }
    }
    *Out++ = '\0';
    return Out;
}

/* The pointee of an RPC_UNICODE_STRING's Buffer: MaxCount, Offset, ActualCount, WCHARs. */
static NTSTATUS KsecpReadStringBody(KSECP_NDR *R, KSECP_PAC_STRING *S, BOOLEAN Strict)
{
    ULONG max, offset, actual;
    S->Data = 0;
    S->Utf8Length = 0;
    if (S->Referent == 0)
        return STATUS_SUCCESS;
    if (!KsecpNdrUlong(R, &max) || !KsecpNdrUlong(R, &offset) || !KsecpNdrUlong(R, &actual))
        return RPC_NT_BAD_STUB_DATA;
    if (max != S->MaximumLength / 2u || offset != 0 || actual != S->Length / 2u)
        return RPC_NT_BAD_STUB_DATA;
    if (!KsecpNdrTake(R, (SIZE_T)actual * 2, &S->Data))
        return RPC_NT_BAD_STUB_DATA;
    return KsecpUtf16Measure(R->Data + S->Data, actual, Strict, &S->Utf8Length);
}

/* An RPC_SID pointee: MaxCount, Revision, SubAuthorityCount, IdentifierAuthority, SubAuthority[]. */
static NTSTATUS KsecpReadSid(KSECP_NDR *R, KSECP_PAC_SID *S)
{
    ULONG max;
    SIZE_T at, rest;
    if (!KsecpNdrUlong(R, &max) || !KsecpNdrTake(R, 8, &at))
        return RPC_NT_BAD_STUB_DATA;
    UCHAR revision = R->Data[at], count = R->Data[at + 1];
    if (max != count)
        return RPC_NT_BAD_STUB_DATA;
    if (revision != SID_REVISION || count > SID_MAX_SUB_AUTHORITIES)
        return STATUS_INVALID_SID;
    if (!KsecpNdrTake(R, (SIZE_T)count * 4, &rest))
        return RPC_NT_BAD_STUB_DATA;
    S->Present = TRUE;
    S->Count = count;
    S->Data = at;
    return STATUS_SUCCESS;
}

/* A conformant array of Count elements of Size bytes: MaxCount (must be Count), elements. */
static NTSTATUS KsecpReadArray(KSECP_NDR *R, ULONG Count, SIZE_T Size, SIZE_T *Offset)
{
    ULONG max;
    if (!KsecpNdrUlong(R, &max) || max != Count || !KsecpNdrTake(R, (SIZE_T)Count * Size, Offset))
        return RPC_NT_BAD_STUB_DATA;
    return STATUS_SUCCESS;
}

/* Pass 1: headers, the fixed structure, the caps, then every pointee in stream order. */
static NTSTATUS KsecpPacLayout(const UCHAR *Data, SIZE_T Length, KSECP_PAC_LAYOUT *L)
{
    memset(L, 0, sizeof(*L));
    if (Length < 16 || Data[0] != 1 || Data[1] != 0x10 || Data[2] != 8 || Data[3] != 0)
        return RPC_NT_BAD_STUB_DATA;
    ULONG objectLength = KsecpLe32(Data + 8);
    if ((objectLength & 7) != 0 || objectLength > Length - 16)
        return RPC_NT_BAD_STUB_DATA;
    KSECP_NDR r = {Data, 16 + (SIZE_T)objectLength, 16};
    ULONG top, ignored;
    if (!KsecpNdrUlong(&r, &top) || top == 0)
        return RPC_NT_BAD_STUB_DATA;

    /* KERB_VALIDATION_INFO: six FILETIMEs (4-aligned pairs of ULONGs) first. */
    if (!KsecpNdrSkip(&r, 4, 6 * 8))
        return RPC_NT_BAD_STUB_DATA;
    NTSTATUS status = STATUS_SUCCESS;
    for (int i = KsecpEffectiveName; i <= KsecpHomeDirectoryDrive && NT_SUCCESS(status); i++)
        status = KsecpReadStringHeader(&r, &L->Strings[i]);
    if (!NT_SUCCESS(status))
        return status;
    if (!KsecpNdrSkip(&r, 2, 4) /* LogonCount, BadPasswordCount */ || !KsecpNdrUlong(&r, &L->UserId) ||
        !KsecpNdrUlong(&r, &L->PrimaryGroupId) || !KsecpNdrUlong(&r, &L->GroupCount) ||
        !KsecpNdrUlong(&r, &L->GroupIdsRef) || !KsecpNdrUlong(&r, &L->UserFlags) ||
        !KsecpNdrSkip(&r, 1, 16) /* UserSessionKey */)
        return RPC_NT_BAD_STUB_DATA;
    status = KsecpReadStringHeader(&r, &L->Strings[KsecpLogonServer]);
    if (NT_SUCCESS(status))
        status = KsecpReadStringHeader(&r, &L->Strings[KsecpLogonDomainName]);
    if (!NT_SUCCESS(status))
        return status;
    if (!KsecpNdrUlong(&r, &L->LogonDomainIdRef) || !KsecpNdrSkip(&r, 4, 8) /* Reserved1 */ ||
        !KsecpNdrUlong(&r, &L->UserAccountControl) || !KsecpNdrUlong(&r, &ignored) /* SubAuthStatus */ ||
        !KsecpNdrSkip(&r, 4, 16) /* LastSuccessfulILogon, LastFailedILogon */ ||
        !KsecpNdrSkip(&r, 4, 8) /* FailedILogonCount, Reserved3 */ || !KsecpNdrUlong(&r, &L->SidCount) ||
        !KsecpNdrUlong(&r, &L->ExtraSidsRef) || !KsecpNdrUlong(&r, &L->ResourceDomainRef) ||
        !KsecpNdrUlong(&r, &L->ResourceCount) || !KsecpNdrUlong(&r, &L->ResourceIdsRef))
        return RPC_NT_BAD_STUB_DATA;
    if ((L->GroupCount != 0 && L->GroupIdsRef == 0) || (L->SidCount != 0 && L->ExtraSidsRef == 0) ||
        (L->ResourceCount != 0 && L->ResourceIdsRef == 0))
        return RPC_NT_BAD_STUB_DATA;

    /* Caps before any array is read (each count alone, then what the token would get). */
    BOOLEAN resources = (L->UserFlags & KSEC_PAC_LOGON_RESOURCE_GROUPS) != 0;
    if (L->GroupCount > KSEC_PAC_MAX_GROUPS || L->SidCount > KSEC_PAC_MAX_GROUPS ||
        L->ResourceCount > KSEC_PAC_MAX_GROUPS ||
        (SIZE_T)L->GroupCount + L->SidCount + (resources ? L->ResourceCount : 0) > KSEC_PAC_MAX_GROUPS)
        return STATUS_TOO_MANY_CONTEXT_IDS;

    /* Pointees, in declaration order. Only the names we return are checked as text. */
    for (int i = KsecpEffectiveName; i <= KsecpHomeDirectoryDrive && NT_SUCCESS(status); i++)
        status = KsecpReadStringBody(&r, &L->Strings[i], i == KsecpEffectiveName);
    if (NT_SUCCESS(status) && L->GroupIdsRef != 0)
        status = KsecpReadArray(&r, L->GroupCount, 8, &L->GroupIds);
    if (NT_SUCCESS(status))
        status = KsecpReadStringBody(&r, &L->Strings[KsecpLogonServer], FALSE);
    if (NT_SUCCESS(status))
        status = KsecpReadStringBody(&r, &L->Strings[KsecpLogonDomainName], TRUE);
    if (NT_SUCCESS(status) && L->LogonDomainIdRef != 0)
        status = KsecpReadSid(&r, &L->LogonDomainId);
    if (NT_SUCCESS(status) && L->ExtraSidsRef != 0) {
        status = KsecpReadArray(&r, L->SidCount, 8, &L->ExtraSids);
        L->ExtraSidData = r.Pos;
        for (ULONG i = 0; i < L->SidCount && NT_SUCCESS(status); i++) {
            KSECP_PAC_SID sid = {0};
            if (KsecpLe32(Data + L->ExtraSids + (SIZE_T)i * 8) == 0)
                return STATUS_INVALID_SID;
            status = KsecpReadSid(&r, &sid);
            L->ExtraSidBytes += 8 + (SIZE_T)sid.Count * 4;
        }
    }
    if (NT_SUCCESS(status) && L->ResourceDomainRef != 0)
        status = KsecpReadSid(&r, &L->ResourceDomain);
    if (NT_SUCCESS(status) && L->ResourceIdsRef != 0)
        status = KsecpReadArray(&r, L->ResourceCount, 8, &L->ResourceIds);
    if (!NT_SUCCESS(status))
        return status;

    /* What the SIDs are composed of must be there and leave room for a RID. */
    if (!L->LogonDomainId.Present || L->LogonDomainId.Count >= SID_MAX_SUB_AUTHORITIES)
        return STATUS_INVALID_SID;
    if (resources && L->ResourceCount != 0 &&
        (!L->ResourceDomain.Present || L->ResourceDomain.Count >= SID_MAX_SUB_AUTHORITIES))
        return STATUS_INVALID_SID;
    return STATUS_SUCCESS;
}

/* Writes the validated RPC_SID at Sid (plus Rid when WithRid) as a binary SID at Out. */
static PUCHAR KsecpWriteSid(const UCHAR *Data, const KSECP_PAC_SID *Sid, BOOLEAN WithRid, ULONG Rid, PUCHAR Out,
                            PSID *Result)
{
    PISID sid = (PISID)Out;
    const UCHAR *p = Data + Sid->Data;
    sid->Revision = SID_REVISION;
    sid->SubAuthorityCount = (UCHAR)(Sid->Count + (WithRid ? 1 : 0));
    memcpy(sid->IdentifierAuthority.Value, p + 2, 6);
    for (ULONG i = 0; i < Sid->Count; i++)
        sid->SubAuthority[i] = KsecpLe32(p + 8 + 4 * (SIZE_T)i);
    if (WithRid)
        sid->SubAuthority[Sid->Count] = Rid;
    *Result = sid;
    return Out + 8 + 4 * (SIZE_T)sid->SubAuthorityCount;
}

/* Pass 2: copies the groups of an array of GROUP_MEMBERSHIP {RelativeId, Attributes}. */
static PUCHAR KsecpWriteRelativeGroups(const UCHAR *Data, const KSECP_PAC_SID *Domain, SIZE_T Array, ULONG Count,
                                       PSID_AND_ATTRIBUTES Groups, PUCHAR Out)
{
    for (ULONG i = 0; i < Count; i++) {
        const UCHAR *g = Data + Array + (SIZE_T)i * 8;
        Out = KsecpWriteSid(Data, Domain, TRUE, KsecpLe32(g), Out, &Groups[i].Sid);
        Groups[i].Attributes = KsecpLe32(g + 4);
    }
    return Out;
}

/*
 * KsecpParsePacLogonInfo - see pac.h. On success *Info owns one new allocation (free with
 * KsecpFreePacLogonInfo); no object references are involved.
 * @remarks ExtraSids are taken whether or not UserFlags says LOGON_EXTRA_SIDS (dropping a
 * SID the KDC put in the PAC could let a deny ACE naming it pass); ResourceGroupIds only
 * with LOGON_RESOURCE_GROUPS, as [MS-PAC] 2.5 defines that field's validity.
 */
NTSTATUS KsecpParsePacLogonInfo(const VOID *Blob, SIZE_T Length, PKSEC_PAC_LOGON_INFO *Info)
{
    if (Info == NULL)
        return STATUS_INVALID_PARAMETER;
    *Info = NULL;
    if (Blob == NULL)
        return STATUS_INVALID_PARAMETER;
    const UCHAR *data = Blob;
    KSECP_PAC_LAYOUT l;
    NTSTATUS status = KsecpPacLayout(data, Length, &l);
    if (!NT_SUCCESS(status))
        return status;

    BOOLEAN resources = (l.UserFlags & KSEC_PAC_LOGON_RESOURCE_GROUPS) != 0 && l.ResourceCount != 0;
    ULONG resourceCount = resources ? l.ResourceCount : 0;
    ULONG groupCount = l.GroupCount + l.SidCount + resourceCount;
    SIZE_T domainSid = 8 + 4 * (SIZE_T)l.LogonDomainId.Count;
    SIZE_T resourceSid = resources ? 8 + 4 * (SIZE_T)l.ResourceDomain.Count : 0;
    SIZE_T size = (sizeof(KSEC_PAC_LOGON_INFO) + 7) & ~(SIZE_T)7;
    size += (SIZE_T)groupCount * sizeof(SID_AND_ATTRIBUTES);
    size += 3 * domainSid + 8 /* user, primary group (each + 4), domain */;
    size += (SIZE_T)l.GroupCount * (domainSid + 4) + l.ExtraSidBytes + (SIZE_T)resourceCount * (resourceSid + 4);
    static const int returned[] = {KsecpEffectiveName, KsecpFullName, KsecpLogonServer, KsecpLogonDomainName};
    for (int i = 0; i < 4; i++)
        size += l.Strings[returned[i]].Utf8Length + 1;

    PKSEC_PAC_LOGON_INFO info = ExAllocatePoolWithTag(PagedPool, size, KSECP_PAC_TAG);
    if (info == NULL)
        return STATUS_NO_MEMORY;
    memset(info, 0, sizeof(*info));
    PUCHAR next = (PUCHAR)info + ((sizeof(KSEC_PAC_LOGON_INFO) + 7) & ~(SIZE_T)7);
    info->Groups = (PSID_AND_ATTRIBUTES)next;
    next += (SIZE_T)groupCount * sizeof(SID_AND_ATTRIBUTES);
    info->UserId = l.UserId;
    info->PrimaryGroupId = l.PrimaryGroupId;
    info->UserFlags = l.UserFlags;
    info->UserAccountControl = l.UserAccountControl;
    info->GroupCount = groupCount;
    info->DomainGroupCount = l.GroupCount;
    info->ExtraSidCount = l.SidCount;
    info->ResourceGroupCount = resourceCount;
    next = KsecpWriteSid(data, &l.LogonDomainId, FALSE, 0, next, &info->LogonDomainSid);
    next = KsecpWriteSid(data, &l.LogonDomainId, TRUE, l.UserId, next, &info->UserSid);
    next = KsecpWriteSid(data, &l.LogonDomainId, TRUE, l.PrimaryGroupId, next, &info->PrimaryGroupSid);
    next = KsecpWriteRelativeGroups(data, &l.LogonDomainId, l.GroupIds, l.GroupCount, info->Groups, next);
    /* The ExtraSids SIDs again, from the same stream position: already validated. */
    KSECP_NDR r = {data, 16 + (SIZE_T)KsecpLe32(data + 8), l.ExtraSidData};
    for (ULONG i = 0; i < l.SidCount; i++) {
        KSECP_PAC_SID sid = {0};
        (VOID) KsecpReadSid(&r, &sid);
        PSID_AND_ATTRIBUTES g = &info->Groups[l.GroupCount + i];
        next = KsecpWriteSid(data, &sid, FALSE, 0, next, &g->Sid);
        g->Attributes = KsecpLe32(data + l.ExtraSids + (SIZE_T)i * 8 + 4);
    }
    if (resources)
        next = KsecpWriteRelativeGroups(data, &l.ResourceDomain, l.ResourceIds, resourceCount,
                                        info->Groups + l.GroupCount + l.SidCount, next);
    PCSTR *names[] = {&info->EffectiveName, &info->FullName, &info->LogonServer, &info->LogonDomainName};
    for (int i = 0; i < 4; i++) {
        const KSECP_PAC_STRING *s = &l.Strings[returned[i]];
        *names[i] = (PCSTR)next;
        next = (PUCHAR)KsecpUtf16Copy(data + s->Data, s->Referent != 0 ? s->Length / 2u : 0, (PSTR)next);
    }
    *Info = info;
    return STATUS_SUCCESS;
}

/* KsecpFreePacLogonInfo - see pac.h. */
VOID KsecpFreePacLogonInfo(PKSEC_PAC_LOGON_INFO Info)
{
    if (Info != NULL)
        ExFreePoolWithTag(Info, KSECP_PAC_TAG);
}
