/*
 * fuzz_token_groups.h - the group half of fuzz_token_adjust.c (issue 9 item 1):
 * NtsecAdjustTokenGroups on fuzzed token states and fuzzed NewState arrays (repeats, groups
 * not in the token, the user and the integrity label, malformed SIDs, any attribute bits,
 * ResetToDefault, a token the host backend has bound), against a reference model written
 * from the rules in src/se/tokenadjustgroups.c's comment, not from its code.
 *
 * Input (after fuzz_token_adjust.c's selector byte): byte 0 = number of token groups (mod 9),
 * then two bytes per group (which of 16 SIDs, attribute bits); one flags byte
 * (ResetToDefault, PreviousState wanted, host-bound, buffer slack); then NewState entries of
 * five bytes (which SID: 0-15 the groups' SIDs, 16 the user, 17 the Medium label, 18 a
 * malformed SID; 32-bit attributes).
 *
 * Checks: status, every group's attributes and the previous state equal the model's; every
 * PreviousState length below the required one is STATUS_BUFFER_TOO_SMALL with the required
 * *ReturnLength and the token untouched (exactly sized heap buffers); ModifiedId changes
 * exactly when a group did.
 */
#ifndef NTSEC_FUZZ_TOKEN_GROUPS_H
#define NTSEC_FUZZ_TOKEN_GROUPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "se/sep.h"

#define FG_MAX_GROUPS 8
#define FG_MAX_NEW 64

typedef struct {
    ULONG Count;
    UCHAR Id[FG_MAX_GROUPS];  /* the group is S-1-22-2-(3000 + Id) */
    ULONG Attr[FG_MAX_GROUPS];
} FG_MODEL;

/* Aborts with What when Condition does not hold (both halves of fuzz_token_adjust use it). */
static void Check(int Condition, const char *What)
{
    if (!Condition) {
        fprintf(stderr, "fuzz_token_adjust: %s\n", What);
        abort();
    }
}

/* SID selector Which as bytes in Buffer (16 bytes is enough for each). */
static PSID FgSid(UCHAR Which, UCHAR *Buffer)
{
    memset(Buffer, 0, 16);
    Buffer[0] = 1; /* revision */
    if (Which < 16 || Which == 16) {
        Buffer[1] = 2;
        Buffer[7] = 22;
        ULONG sub[2] = { Which < 16 ? 2 : 1, Which < 16 ? 3000u + Which : 1001u };
        memcpy(Buffer + 8, sub, sizeof(sub));
    } else if (Which == 17) { /* S-1-16-8192, the Medium label */
        Buffer[1] = 1;
        Buffer[7] = 16;
        ULONG rid = 0x2000;
        memcpy(Buffer + 8, &rid, sizeof(rid));
    } else {
        Buffer[0] = 2; /* malformed: wrong revision */
        Buffer[1] = 1;
    }
    return Buffer;
}

/* The rules: the first NewState entry naming a group decides; ResetToDefault uses
 * ENABLED_BY_DEFAULT; a mandatory group stays enabled (asking to disable it refuses the
 * call), a deny-only group stays disabled, mandatory or not (asking to enable it refuses
 * the call); fewer
 * matches than entries is STATUS_NOT_ALL_ASSIGNED; disabling an enabled group of a bound
 * token refuses the call with STATUS_TOKEN_IN_USE. Previous lists the changed groups. */
static NTSTATUS FgModel(FG_MODEL *M, BOOLEAN Reset, const UCHAR *Which, const ULONG *Attr, ULONG N,
                        BOOLEAN Bound, FG_MODEL *Previous)
{
    FG_MODEL out = *M;
    ULONG matched = 0;
    BOOLEAN disables = FALSE;
    Previous->Count = 0;
    if (!Reset)
        for (ULONG k = 0; k < N; k++)
            if (Which[k] == 18)
                return STATUS_INVALID_SID;
    for (ULONG i = 0; i < M->Count; i++) {
        ULONG a = M->Attr[i];
        BOOLEAN want;
        if (Reset) {
            want = (a & SE_GROUP_ENABLED_BY_DEFAULT) != 0;
        } else {
            ULONG k = 0;
            while (k < N && Which[k] != M->Id[i])
                k++;
            if (k == N)
                continue;
            matched++;
            want = (Attr[k] & SE_GROUP_ENABLED) != 0;
            if ((a & SE_GROUP_USE_FOR_DENY_ONLY) && want)
                return STATUS_CANT_ENABLE_DENY_ONLY;
            if ((a & SE_GROUP_MANDATORY) && !(a & SE_GROUP_USE_FOR_DENY_ONLY) && !want)
                return STATUS_CANT_DISABLE_MANDATORY;
        }
        if (a & SE_GROUP_USE_FOR_DENY_ONLY)
            want = FALSE;
        else if (a & SE_GROUP_MANDATORY)
            want = (a & SE_GROUP_ENABLED) != 0;
        ULONG after = (a & ~SE_GROUP_ENABLED) | (want ? SE_GROUP_ENABLED : 0);
        if (after == a)
            continue;
        if (a & SE_GROUP_ENABLED)
            disables = TRUE;
        Previous->Id[Previous->Count] = M->Id[i];
        Previous->Attr[Previous->Count++] = a;
        out.Attr[i] = after;
    }
    if (disables && Bound)
        return STATUS_TOKEN_IN_USE;
    *M = out;
    return (!Reset && matched < N) ? STATUS_NOT_ALL_ASSIGNED : STATUS_SUCCESS;
}

static void FgSameAsModel(PTOKEN Token, const FG_MODEL *M)
{
    UCHAR sid[16];
    for (ULONG i = 0; i < M->Count; i++) {
        FgSid(M->Id[i], sid);
        ULONG j = 1;
        while (j < Token->UserAndGroupCount && !RtlEqualSid(Token->UserAndGroups[j].Sid, sid))
            j++;
        Check(j < Token->UserAndGroupCount, "a group is missing from the token");
        Check(Token->UserAndGroups[j].Attributes == M->Attr[i], "group attributes differ from the model");
    }
}

static int FuzzTokenGroups(const uint8_t *Data, size_t Size)
{
    size_t at = 0;
    if (Size < 1)
        return 0;
    ULONG count = Data[at++] % (FG_MAX_GROUPS + 1);
    if (Size < at + 2 * count + 1)
        return 0;
    char text[512];
    int len = snprintf(text, sizeof text, "user=S-1-22-1-1001 groups=WD");
    FG_MODEL model = { 0 };
    for (ULONG i = 0; i < count; i++) {
        UCHAR id = Data[at++] % 16;
        uint8_t b = Data[at++];
        ULONG attrs = (b & 1 ? SE_GROUP_MANDATORY : 0) | (b & 2 ? SE_GROUP_ENABLED_BY_DEFAULT : 0) |
                      (b & 4 ? SE_GROUP_ENABLED : 0);
        if (b & 8)
            attrs = SE_GROUP_USE_FOR_DENY_ONLY | (b & 1 ? SE_GROUP_MANDATORY : 0);
        BOOLEAN dup = FALSE;
        for (ULONG j = 0; j < model.Count; j++)
            dup |= model.Id[j] == id;
        if (dup)
            continue;
        len += snprintf(text + len, sizeof text - len, ",S-1-22-2-%u:0x%lx", 3000u + id, (unsigned long)attrs);
        model.Id[model.Count] = id;
        model.Attr[model.Count++] = attrs;
    }
    uint8_t flags = Data[at++];
    BOOLEAN reset = (flags & 1) != 0, wantPrevious = (flags & 2) != 0, bound = (flags & 4) != 0;
    ULONG slack = (flags >> 3) % 32;
    ULONG n = (ULONG)((Size - at) / 5);
    if (n > FG_MAX_NEW)
        n = FG_MAX_NEW;
    UCHAR which[FG_MAX_NEW ? FG_MAX_NEW : 1], sids[FG_MAX_NEW][16];
    ULONG attr[FG_MAX_NEW];
    PTOKEN_GROUPS ns = malloc(offsetof(TOKEN_GROUPS, Groups) + (n ? n : 1) * sizeof(SID_AND_ATTRIBUTES));
    ns->GroupCount = n;
    for (ULONG k = 0; k < n; k++, at += 5) {
        which[k] = Data[at] % 19;
        memcpy(&attr[k], Data + at + 1, 4);
        ns->Groups[k].Sid = FgSid(which[k], sids[k]);
        ns->Groups[k].Attributes = attr[k];
    }

    PACCESS_TOKEN a = NULL;
    if (NtsecCreateTokenFromText(text, &a) != STATUS_SUCCESS) {
        free(ns);
        return 0; /* an attribute combination the token text refuses */
    }
    PTOKEN t = a;
    FgSameAsModel(t, &model);
    if (bound)
        atomic_store(&t->HostBound, TRUE);
    FG_MODEL before = model, previous;
    NTSTATUS expected = FgModel(&model, reset, which, attr, n, bound, &previous);

    /* The required previous-state size, when the call gets that far. */
    ULONG required = 0;
    LUID modified = t->ModifiedId;
    if (wantPrevious) {
        NTSTATUS st = NtsecAdjustTokenGroups(a, reset, ns, 0, (PTOKEN_GROUPS)sids, &required);
        if (NT_SUCCESS(expected)) {
            Check(st == (required > 0 ? STATUS_BUFFER_TOO_SMALL : expected), "size query status");
            for (ULONG l = 0; l < required; l += (l < 64 ? 1 : 7)) {
                PUCHAR buf = malloc(l ? l : 1);
                ULONG need = 0;
                Check(NtsecAdjustTokenGroups(a, reset, ns, l, (PTOKEN_GROUPS)buf, &need) == STATUS_BUFFER_TOO_SMALL,
                        "short PreviousState buffer not refused");
                Check(need == required, "ReturnLength is not the required length");
                free(buf);
            }
        } else {
            Check(st == expected, "refusal status differs from the model");
        }
        FgSameAsModel(t, &before);
        Check(SepLuidEqual(t->ModifiedId, modified), "a refused call changed ModifiedId");
    }
    PUCHAR buf = malloc(required + slack + 1);
    ULONG need = 0;
    NTSTATUS st = NtsecAdjustTokenGroups(a, reset, ns, required + slack, wantPrevious ? (PTOKEN_GROUPS)buf : NULL,
                                         wantPrevious ? &need : NULL);
    Check(st == expected, "NtsecAdjustTokenGroups status differs from the model");
    FgSameAsModel(t, NT_SUCCESS(expected) ? &model : &before);
    if (wantPrevious && NT_SUCCESS(expected)) {
        PTOKEN_GROUPS prev = (PTOKEN_GROUPS)buf;
        Check(prev->GroupCount == previous.Count, "previous-state count differs from the model");
        UCHAR sid[16];
        for (ULONG i = 0; i < previous.Count; i++) {
            Check(RtlEqualSid(prev->Groups[i].Sid, FgSid(previous.Id[i], sid)), "previous-state SID differs");
            Check(prev->Groups[i].Attributes == previous.Attr[i], "previous-state attributes differ");
            Check((PUCHAR)prev->Groups[i].Sid >= buf && (PUCHAR)prev->Groups[i].Sid + RtlLengthSid(sid) <= buf + required,
                    "previous-state SID outside the required length");
        }
    }
    Check(SepLuidEqual(t->ModifiedId, modified) == (!NT_SUCCESS(expected) || previous.Count == 0),
            "ModifiedId does not follow the change");
    free(buf);
    free(ns);
    ObDereferenceObject(a);
    return 0;
}

#endif
