/*
 * tokenadjustgroups.c - NtsecAdjustTokenGroups: enabling and disabling a token's groups
 * after creation (the NtAdjustGroupsToken model; issue 9 item 1).
 *
 * Like privilege adjustment (tokenadjust.c) the change happens under the token's exclusive
 * lock after a counting pass under the same lock, takes a new ModifiedId when anything
 * changed (so the host backend's per-token and per-thread caches miss), and leaves the token
 * untouched whenever the call fails.
 */
#include <stddef.h>
#include <string.h>
#include "se/sep.h"

/* The previous-state block: TOKEN_GROUPS of Count entries, the SIDs after the array. */
static ULONG SepGroupsHeaderSize(ULONG Count)
{
    return (ULONG)SEP_ALIGN8(offsetof(TOKEN_GROUPS, Groups) + (SIZE_T)Count * sizeof(SID_AND_ATTRIBUTES));
}

/* The attributes group Index would have after the request, or the status that refuses it.
 * Entry, when not NULL, is the first NewState entry naming the group. */
static NTSTATUS SepGroupAfter(ULONG Attributes, BOOLEAN ResetToDefault, const SID_AND_ATTRIBUTES *Entry,
                              PULONG After)
{
    BOOLEAN enable;
    if (ResetToDefault)
        enable = (Attributes & SE_GROUP_ENABLED_BY_DEFAULT) != 0;
    else
        enable = (Entry->Attributes & SE_GROUP_ENABLED) != 0;
    /* Groups that are never adjusted (ResetToDefault leaves both as they are): a deny-only
     * group stays disabled, also when it is mandatory too (SeFilterToken's deny-only form of a
     * mandatory group: asking to disable it again is no error); a mandatory group stays
     * enabled. */
    if (Attributes & SE_GROUP_USE_FOR_DENY_ONLY) {
        if (enable && !ResetToDefault)
            return STATUS_CANT_ENABLE_DENY_ONLY;
        enable = FALSE;
    } else if (Attributes & SE_GROUP_MANDATORY) {
        if (!enable && !ResetToDefault)
            return STATUS_CANT_DISABLE_MANDATORY;
        enable = (Attributes & SE_GROUP_ENABLED) != 0;
    }
    *After = (Attributes & ~SE_GROUP_ENABLED) | (enable ? SE_GROUP_ENABLED : 0);
    return STATUS_SUCCESS;
}

/* What a counting pass of SepAdjustGroups found. */
typedef struct _SEP_GROUP_ADJUST {
    ULONG Changes;     /* groups whose attributes change */
    ULONG SidBytes;    /* bytes their SIDs take */
    BOOLEAN NotAll;    /* a NewState entry matched no group */
    BOOLEAN Disables;  /* an enabled group would be disabled */
} SEP_GROUP_ADJUST, *PSEP_GROUP_ADJUST;

/*
 * SepAdjustGroups - one pass of NtAdjustGroupsToken over Token's groups, counting into
 * *Count. With Apply FALSE it only checks and counts; its status refuses the whole call
 * (nothing changed) when a group may not take its requested state. With Apply TRUE (after a
 * counting pass returned success) it changes the token and, when Previous is not NULL (with
 * room for what the counting pass found), writes the previous state of every changed group
 * into it, the SIDs from byte SidOffset on.
 *
 * Caller holds the token lock exclusively. No references are taken or released.
 *
 * @remarks Rules. The user (UserAndGroups[0]) and the integrity label are not groups that can
 * be adjusted: a NewState entry naming them matches nothing. For each group the FIRST
 * NewState entry naming it decides (as for privileges, tokenadjust.c), so each group changes
 * at most once and the previous state holds at most one entry a group; fewer matches than
 * entries is STATUS_NOT_ALL_ASSIGNED, a success code (AdjustTokenGroups' documentation: "The
 * NewState parameter can list groups to be changed that are not present in the access token.
 * This does not affect the successful modification of the groups in the token"). Disabling
 * a SE_GROUP_MANDATORY group is STATUS_CANT_DISABLE_MANDATORY, enabling a
 * SE_GROUP_USE_FOR_DENY_ONLY group STATUS_CANT_ENABLE_DENY_ONLY (the same documentation:
 * "cannot disable groups with the SE_GROUP_MANDATORY attribute", "You cannot enable a group
 * that has the SE_GROUP_USE_FOR_DENY_ONLY attribute"). ResetToDefault gives every other group
 * its SE_GROUP_ENABLED_BY_DEFAULT state and ignores NewState.
 */
static NTSTATUS SepAdjustGroups(PTOKEN Token, BOOLEAN ResetToDefault, PTOKEN_GROUPS NewState, BOOLEAN Apply,
                                PTOKEN_GROUPS Previous, ULONG SidOffset, PSEP_GROUP_ADJUST Count)
{
    ULONG matched = 0;
    PUCHAR cursor = Previous != NULL ? (PUCHAR)Previous + SidOffset : NULL;
    memset(Count, 0, sizeof(*Count));
    for (ULONG i = 1; i < Token->UserAndGroupCount; i++) {
        PSID_AND_ATTRIBUTES g = &Token->UserAndGroups[i];
        if (i == Token->IntegrityIndex || (g->Attributes & SE_GROUP_INTEGRITY))
            continue;
        const SID_AND_ATTRIBUTES *entry = NULL;
        if (!ResetToDefault) {
            for (ULONG k = 0; k < NewState->GroupCount && entry == NULL; k++)
                if (RtlEqualSid(NewState->Groups[k].Sid, g->Sid))
                    entry = &NewState->Groups[k];
            if (entry == NULL)
                continue;
            matched++;
        }
        ULONG after;
        NTSTATUS st = SepGroupAfter(g->Attributes, ResetToDefault, entry, &after);
        if (!NT_SUCCESS(st))
            return st;
        if (after == g->Attributes)
            continue;
        ULONG len = RtlLengthSid(g->Sid);
        if ((g->Attributes & SE_GROUP_ENABLED) && !(after & SE_GROUP_ENABLED))
            Count->Disables = TRUE;
        if (Apply && Previous != NULL) {
            memcpy(cursor, g->Sid, len);
            Previous->Groups[Count->Changes].Sid = (PSID)cursor;
            Previous->Groups[Count->Changes].Attributes = g->Attributes;
            cursor += len;
        }
        if (Apply)
            g->Attributes = after;
        Count->Changes++;
        Count->SidBytes += len;
    }
    if (Apply && Previous != NULL)
        Previous->GroupCount = Count->Changes;
    Count->NotAll = !ResetToDefault && matched < NewState->GroupCount;
    return STATUS_SUCCESS;
}

static BOOLEAN SepValidNewGroups(PTOKEN_GROUPS NewState)
{
    for (ULONG k = 0; k < NewState->GroupCount; k++)
        if (NewState->Groups[k].Sid == NULL || !RtlValidSid(NewState->Groups[k].Sid))
            return FALSE;
    return TRUE;
}

/*
 * NtsecAdjustTokenGroups - NtAdjustGroupsToken with a token pointer for the handle: enables
 * or disables groups of Token (or, with ResetToDefault, gives every group its default state)
 * and, when PreviousState is not NULL, writes the prior state of the groups that changed into
 * the caller's buffer of BufferLength bytes (a TOKEN_GROUPS whose SIDs follow its array, so
 * the buffer can be passed back as NewState to undo the change).
 *
 * References: none taken or released (Token is borrowed; PreviousState is the caller's).
 *
 * @remarks Rules in SepAdjustGroups above. Statuses, each with the token unchanged except
 * the success codes: STATUS_INVALID_PARAMETER for NewState NULL without ResetToDefault (the
 * ReactOS apitest NtAdjustGroupsToken, run on Windows; ResetToDefault with NULL NewState
 * succeeds) or PreviousState without ReturnLength; STATUS_INVALID_SID for a NewState entry
 * whose SID is NULL or malformed; STATUS_OBJECT_TYPE_MISMATCH for a non-token (spec 5-D24);
 * STATUS_CANT_DISABLE_MANDATORY / STATUS_CANT_ENABLE_DENY_ONLY; STATUS_BUFFER_TOO_SMALL
 * with *ReturnLength set to the size the previous state needs ("If a buffer is specified but
 * it does not contain enough space to receive the complete list of modified groups, no group
 * states are changed and the function fails"); STATUS_TOKEN_IN_USE (ntsec's host rule,
 * docs/host.md "Token changes after the switch") when the change would disable an enabled
 * group of a token whose Linux identity the host backend has computed: a thread may be running
 * with that group's gid, which Linux would keep granting. STATUS_SUCCESS or
 * STATUS_NOT_ALL_ASSIGNED otherwise; any change takes a new ModifiedId.
 */
NTSTATUS NtsecAdjustTokenGroups(PACCESS_TOKEN Token, BOOLEAN ResetToDefault, PTOKEN_GROUPS NewState,
                                ULONG BufferLength, PTOKEN_GROUPS PreviousState, PULONG ReturnLength)
{
    if (!ResetToDefault && NewState == NULL)
        return STATUS_INVALID_PARAMETER;
    if (PreviousState != NULL && ReturnLength == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!ResetToDefault && !SepValidNewGroups(NewState))
        return STATUS_INVALID_SID;
    if (!SepIsToken(Token, "NtsecAdjustTokenGroups"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    PTOKEN token = Token;
    SEP_GROUP_ADJUST count;

    SepAcquireTokenLockExclusive(token);
    NTSTATUS st = SepAdjustGroups(token, ResetToDefault, NewState, FALSE, NULL, 0, &count);
    if (NT_SUCCESS(st) && count.Disables && atomic_load_explicit(&token->HostBound, memory_order_relaxed))
        st = STATUS_TOKEN_IN_USE;
    ULONG header = SepGroupsHeaderSize(count.Changes);
    if (NT_SUCCESS(st) && PreviousState != NULL) {
        *ReturnLength = header + count.SidBytes;
        if (BufferLength < header + count.SidBytes)
            st = STATUS_BUFFER_TOO_SMALL;
    }
    if (NT_SUCCESS(st)) {
        (VOID)SepAdjustGroups(token, ResetToDefault, NewState, TRUE, PreviousState, header, &count);
        if (count.Changes != 0)
            token->ModifiedId = SepAllocateLuid();
    }
    SepReleaseTokenLock(token);
    if (!NT_SUCCESS(st))
        return st;
    return count.NotAll ? STATUS_NOT_ALL_ASSIGNED : STATUS_SUCCESS;
}
