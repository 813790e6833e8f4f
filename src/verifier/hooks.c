/*
 * hooks.c - verifier checks called from the Se and Ps layers.
 *
 * Initial version: the checks that need no bookkeeping. The verifier work replaces this
 * file with full tracking (contexts, restore pairing, downgrade hints).
 */
#include "verifier/vf.h"

VOID VfSubjectContextCaptured(PSECURITY_SUBJECT_CONTEXT Context) { (void)Context; }
BOOLEAN VfSubjectContextReleasing(PSECURITY_SUBJECT_CONTEXT Context) { (void)Context; return TRUE; }
VOID VfSubjectContextLocked(PSECURITY_SUBJECT_CONTEXT Context, BOOLEAN Locked) { (void)Context; (void)Locked; }
VOID VfClientContextCreated(PSECURITY_CLIENT_CONTEXT Context) { (void)Context; }
BOOLEAN VfClientContextDeleting(PSECURITY_CLIENT_CONTEXT Context) { (void)Context; return TRUE; }
BOOLEAN VfClientContextUsable(PSECURITY_CLIENT_CONTEXT Context, PCSTR Routine) { (void)Context; (void)Routine; return TRUE; }
VOID VfRestoreWithoutDisable(PETHREAD Thread, PSE_IMPERSONATION_STATE State) { (void)Thread; (void)State; }
VOID VfThreadDisabledImpersonation(PETHREAD Thread, PSE_IMPERSONATION_STATE State) { (void)Thread; (void)State; }
VOID VfThreadExitingImpersonating(PETHREAD Thread)
{
    if (VfIsEnabled())
        VfReport("thread ended while impersonating", "thread exit", Thread,
                 "the thread's impersonation token reference is released at deletion");
}
VOID VfAccessCheckBadLevel(PSECURITY_SUBJECT_CONTEXT Context, PCSTR Routine) { (void)Context; (void)Routine; }
