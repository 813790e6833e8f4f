/*
 * hints.c - the downgrade hint: a UserMode access check failed with
 * STATUS_BAD_IMPERSONATION_LEVEL only because the subject impersonates at Identification
 * or Anonymous level (spec 2.20 step 3). Often the caller never asked for that level:
 * PsImpersonateClient silently downgraded it (spec 3.2, 3.4). The hint names the rule
 * step that decided, from ETHREAD.LastDecision of the thread that impersonates.
 */
#include <stdio.h>
#include "ps/psp.h"
#include "verifier/vfp.h"

static PCSTR VfpHintLevelName(SECURITY_IMPERSONATION_LEVEL Level)
{
    return Level == SecurityAnonymous ? "Anonymous" : "Identification";
}

/*
 * VfAccessCheckBadLevel - Context is the subject of the failed check, Routine the check
 * (SeAccessCheck, SePrivilegeCheck, ...). Reads the current thread's last impersonation
 * decision when the current thread still impersonates Context's client token. No
 * references are kept.
 */
VOID VfAccessCheckBadLevel(PSECURITY_SUBJECT_CONTEXT Context, PCSTR Routine)
{
    if (!VfIsEnabled() || Context == NULL)
        return;
    char desc[256];
    char why[600];
    char message[1400];
    PETHREAD thread = PsGetCurrentThread();
    /* Compare under the thread lock (through a referenced read), never the raw slot. */
    PACCESS_TOKEN now = thread != NULL ? PsReferenceImpersonationToken(thread, NULL, NULL, NULL) : NULL;
    BOOLEAN same = now != NULL && now == Context->ClientToken;
    if (now != NULL)
        PsDereferenceImpersonationToken(now);
    VfpDescribeObject(Context->ClientToken, desc, sizeof desc);

    if (same) {
        NTSEC_IMPERSONATION_DECISION d = NtsecLastImpersonationDecision(thread);
        if (!SepDecisionAllows(d))
            snprintf(why, sizeof why,
                     "The caller was downgraded: PsImpersonateClient on this thread replaced "
                     "the requested token by an Identification copy because of rule %s. It "
                     "still returned STATUS_SUCCESS (spec 3.4). Impersonate in a process that "
                     "may (SeImpersonatePrivilege, same user, same logon origin), e.g. a "
                     "system worker thread.", NtsecDecisionText(d));
        else
            snprintf(why, sizeof why,
                     "The level was not a downgrade: the impersonation itself asked for %s "
                     "(rule %s); a client context or QoS with SecurityImpersonation is needed "
                     "to open objects as the client.",
                     VfpHintLevelName(Context->ImpersonationLevel), NtsecDecisionText(d));
    } else {
        snprintf(why, sizeof why,
                 "The subject context was captured from an impersonation at that level; if the "
                 "caller asked for SecurityImpersonation, PsImpersonateClient downgraded it "
                 "(NtsecLastImpersonationDecision on the impersonating thread names the rule "
                 "step).");
    }
    snprintf(message, sizeof message,
             "%s with UserMode failed with STATUS_BAD_IMPERSONATION_LEVEL because subject "
             "context %p impersonates %s at %s level, which may identify the client but not "
             "act as it (spec 2.20 step 3). %s", Routine, (PVOID)Context, desc,
             VfpHintLevelName(Context->ImpersonationLevel), why);
    VfpDeliver(NtsecFindingDowngradedAccessCheck, NtsecSeverityHint, Routine, Context,
               "subject context", NULL, message);
}
