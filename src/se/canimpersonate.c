/*
 * canimpersonate.c - the impersonation-permission rule (Windows' SeTokenCanImpersonate),
 * spec section 3.2, with the policy knob of section 3.3.
 */
#include <string.h>
#include "se/sep.h"

_Atomic int SepImpersonationPolicy = NtsecPolicyVista; /* sep.h */

NTSTATUS NtsecSetImpersonationPolicy(NTSEC_IMPERSONATION_POLICY Policy)
{
    if (Policy != NtsecPolicyNtLegacy && Policy != NtsecPolicyXpSp2 && Policy != NtsecPolicyVista)
        return STATUS_INVALID_PARAMETER;
    atomic_store(&SepImpersonationPolicy, Policy);
    return STATUS_SUCCESS;
}

NTSEC_IMPERSONATION_POLICY NtsecGetImpersonationPolicy(VOID)
{
    return (NTSEC_IMPERSONATION_POLICY)atomic_load_explicit(&SepImpersonationPolicy, memory_order_relaxed);
}

/*
 * SepTokenCanImpersonate - may a thread of a process whose primary token is ProcessToken
 * impersonate Token at Level (already clamped)? Returns the rule step that decided.
 *
 * @remarks spec 3.2, in order: (1) legacy policy allows all; (2) Identification or
 * Anonymous requests are always allowed, without a copy; (3) an anonymous-logon token is
 * allowed only if it is the system's own ("*SYSTEM*" source, 5-D6); (4) an enabled
 * SeImpersonatePrivilege in the process's primary token allows; (5) otherwise the user
 * SIDs must be equal or the token must originate from the process's logon session (5-D21);
 * (6) restriction state must be equal (5-D5); (7) under the Vista policy the token's
 * integrity may not exceed the process's; (8) allow.
 *
 * Locking: every field read is immutable after creation except TokenFlags, which is read
 * atomically, so no token lock is taken (this satisfies 1.8 L2 trivially). No references
 * are taken or released.
 */
NTSEC_IMPERSONATION_DECISION SepTokenCanImpersonate(PTOKEN ProcessToken, PTOKEN Token,
                                                    SECURITY_IMPERSONATION_LEVEL Level)
{
    NTSEC_IMPERSONATION_POLICY policy = NtsecGetImpersonationPolicy();
    if (policy == NtsecPolicyNtLegacy)
        return NtsecDecisionAllowLegacyPolicy;
    if (Level <= SecurityIdentification)
        return NtsecDecisionAllowLevelAtMostIdentify;
    static const LUID anonymous = ANONYMOUS_LOGON_LUID;
    if (SepLuidEqual(Token->AuthenticationId, anonymous)) {
        if (memcmp(Token->TokenSource.SourceName, "*SYSTEM*", TOKEN_SOURCE_LENGTH) == 0)
            return NtsecDecisionAllowSystemAnonymous;
        return NtsecDecisionDenyForgedAnonymous;
    }
    if (atomic_load_explicit(&ProcessToken->TokenFlags, memory_order_acquire) &
        TOKEN_HAS_IMPERSONATE_PRIVILEGE)
        return NtsecDecisionAllowImpersonatePrivilege;
    if (!RtlEqualSid(SepTokenUserSid(Token), SepTokenUserSid(ProcessToken)) &&
        !SepLuidEqual(Token->OriginatingLogonSession, ProcessToken->AuthenticationId))
        return NtsecDecisionDenyOtherUser;
    if (SepTokenIsRestricted(Token) != SepTokenIsRestricted(ProcessToken))
        return NtsecDecisionDenyRestriction;
    if (policy == NtsecPolicyVista && SepTokenIntegrityRid(Token) > SepTokenIntegrityRid(ProcessToken))
        return NtsecDecisionDenyIntegrity;
    return NtsecDecisionAllowSameIdentity;
}

/*
 * NtsecEvaluateImpersonation - the rule applied to two tokens, for tools and tests.
 * Returns NtsecDecisionNone if either argument is not a token. No references change.
 */
NTSEC_IMPERSONATION_DECISION NtsecEvaluateImpersonation(PACCESS_TOKEN ProcessToken, PACCESS_TOKEN Token,
                                                        SECURITY_IMPERSONATION_LEVEL Level)
{
    if (!SepIsToken(ProcessToken, "NtsecEvaluateImpersonation") ||
        !SepIsToken(Token, "NtsecEvaluateImpersonation") || !VALID_IMPERSONATION_LEVEL(Level))
        return NtsecDecisionNone;
    PTOKEN t = Token;
    if (t->TokenType == TokenImpersonation && Level > t->ImpersonationLevel)
        Level = t->ImpersonationLevel;
    return SepTokenCanImpersonate(ProcessToken, t, Level);
}

PCSTR NtsecDecisionText(NTSEC_IMPERSONATION_DECISION Decision)
{
    switch (Decision) {
    case NtsecDecisionNone: return "no impersonation decision recorded";
    case NtsecDecisionAllowLegacyPolicy: return "allowed: legacy policy has no rule (spec 3.2 step 1)";
    case NtsecDecisionAllowLevelAtMostIdentify: return "allowed: Identification or Anonymous level needs no permission (spec 3.2 step 2)";
    case NtsecDecisionAllowSystemAnonymous: return "allowed: the system anonymous token (spec 3.2 step 3a)";
    case NtsecDecisionDenyForgedAnonymous: return "downgraded to Identification: anonymous logon id not from the system (spec 3.2 step 3b)";
    case NtsecDecisionAllowImpersonatePrivilege: return "allowed: the process holds SeImpersonatePrivilege, enabled (spec 3.2 step 4)";
    case NtsecDecisionDenyOtherUser: return "downgraded to Identification: another user's token, not created from the process's logon session, and no SeImpersonatePrivilege (spec 3.2 step 5)";
    case NtsecDecisionDenyRestriction: return "downgraded to Identification: restricted state of token and process differ (spec 3.2 step 6)";
    case NtsecDecisionDenyIntegrity: return "downgraded to Identification: token integrity above the process's (spec 3.2 step 7)";
    case NtsecDecisionAllowSameIdentity: return "allowed: same identity, restriction and integrity (spec 3.2 step 8)";
    }
    return "unknown decision";
}
