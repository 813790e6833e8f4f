/*
 * contexts.c - subject and client context tracking (spec 1.6, 1.7, 2.11, 2.18).
 *
 * Contexts are caller-owned structures, not objects, so they are tracked by address in a
 * small mutex-protected table, only while the verifier is on. A record remembers where
 * the context was captured/created and where it was released/deleted. Released records
 * are kept (to catch a second release) until the table grows past VFP_KEEP_RELEASED,
 * then purged. "Never released" is reported at NtsecShutdown / NtsecVerifierCheckLeaks,
 * or when the same address is captured again while still live.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ntsec_testing.h"
#include "verifier/vfp.h"
#include "ex/pooltags.h"

#define VFP_KEEP_RELEASED 4096

enum { VfpLive = 1, VfpEnded = 2 };

static VFP_TABLE VfpSubjects = { .Lock = PTHREAD_MUTEX_INITIALIZER };
static VFP_TABLE VfpClients = { .Lock = PTHREAD_MUTEX_INITIALIZER };

static ULONG VfpHash(PVOID Key)
{
    ULONG_PTR v = (ULONG_PTR)Key;
    v ^= v >> 17;
    v *= 0x9E3779B97F4A7C15ULL;
    return (ULONG)(v >> 40) % VFP_TABLE_BUCKETS;
}

PVFP_RECORD VfpTableFind(PVFP_TABLE Table, PVOID Key, PVOID Owner)
{
    for (PVFP_RECORD r = Table->Buckets[VfpHash(Key)]; r != NULL; r = r->Next)
        if (r->Key == Key && (Owner == NULL || r->Owner == Owner))
            return r;
    return NULL;
}

PVFP_RECORD VfpTableInsert(PVFP_TABLE Table, PVOID Key, PVOID Owner)
{
    /* Not through the pool: verifier bookkeeping must not consume a test's injected
     * allocation failure (NtsecSetAllocationFailure) nor change the allocation count. */
    PVFP_RECORD r = malloc(sizeof *r);
    if (r == NULL)
        return NULL;
    memset(r, 0, sizeof *r);
    r->Key = Key;
    r->Owner = Owner;
    ULONG b = VfpHash(Key);
    r->Next = Table->Buckets[b];
    Table->Buckets[b] = r;
    Table->Count++;
    return r;
}

VOID VfpTableRemove(PVFP_TABLE Table, PVFP_RECORD Record)
{
    for (PVFP_RECORD *p = &Table->Buckets[VfpHash(Record->Key)]; *p != NULL; p = &(*p)->Next) {
        if (*p == Record) {
            *p = Record->Next;
            Table->Count--;
            free(Record);
            return;
        }
    }
}

VOID VfpTablePurge(PVFP_TABLE Table, BOOLEAN (*Predicate)(PVFP_RECORD Record))
{
    for (ULONG b = 0; b < VFP_TABLE_BUCKETS; b++) {
        PVFP_RECORD *p = &Table->Buckets[b];
        while (*p != NULL) {
            PVFP_RECORD r = *p;
            if (Predicate == NULL || Predicate(r)) {
                *p = r->Next;
                Table->Count--;
                free(r);
            } else {
                p = &r->Next;
            }
        }
    }
}

static BOOLEAN VfpIsEnded(PVFP_RECORD Record)
{
    return Record->State == VfpEnded;
}

VOID VfpResetContexts(VOID)
{
    pthread_mutex_lock(&VfpSubjects.Lock);
    VfpTablePurge(&VfpSubjects, NULL);
    pthread_mutex_unlock(&VfpSubjects.Lock);
    pthread_mutex_lock(&VfpClients.Lock);
    VfpTablePurge(&VfpClients, NULL);
    pthread_mutex_unlock(&VfpClients.Lock);
}

/* A snapshot of a record taken under the table lock, reported after unlocking. */
typedef struct _VFP_CONTEXT_FINDING {
    NTSEC_VERIFIER_FINDING Kind;
    ULONG StackDepth;
    PVOID Stack[VFP_STACK_DEPTH];
    ULONG EndDepth;
    PVOID EndStack[VFP_STACK_DEPTH];
} VFP_CONTEXT_FINDING;

static VOID VfpSnapshot(VFP_CONTEXT_FINDING *F, NTSEC_VERIFIER_FINDING Kind, PVFP_RECORD R)
{
    F->Kind = Kind;
    F->StackDepth = R->StackDepth;
    memcpy(F->Stack, R->Stack, sizeof F->Stack);
    F->EndDepth = R->EndDepth;
    memcpy(F->EndStack, R->EndStack, sizeof F->EndStack);
}

static VOID VfpReportContext(const VFP_CONTEXT_FINDING *F, PCSTR Routine, PVOID Context,
                             PCSTR ContextType, PCSTR What)
{
    char stacks[2 * VFP_STACK_TEXT + 64];
    char end[VFP_STACK_TEXT];
    char message[1024];
    VfpFormatStack(F->Stack, F->StackDepth, stacks, VFP_STACK_TEXT);
    if (F->EndDepth != 0) {
        VfpFormatStack(F->EndStack, F->EndDepth, end, sizeof end);
        size_t used = strlen(stacks);
        snprintf(stacks + used, sizeof stacks - used, "  first released/deleted at:\n%s", end);
    }
    snprintf(message, sizeof message, "%s %p: %s", ContextType, Context, What);
    VfpDeliver(F->Kind, NtsecSeverityError, Routine, Context, ContextType, stacks, message);
}

/* ---- Shared capture/create and release/delete bookkeeping ---- */

/*
 * VfpContextBegin - record that Context (in Table) now owns references: a capture or a
 * create. Returns TRUE, with F filled for LeakKind, when a live record at the same
 * address shows the previous capture/create was never released/deleted. Takes no
 * references; the caller reports F after this returns (the table lock is not held then).
 * noinline: the recorded stack skips this frame and its caller's hook frame (Skip 2), so
 * it starts at the Se* routine that called the hook, as before this was shared.
 */
static __attribute__((noinline)) BOOLEAN
VfpContextBegin(PVFP_TABLE Table, PVOID Context, NTSEC_VERIFIER_FINDING LeakKind,
                VFP_CONTEXT_FINDING *F)
{
    BOOLEAN leaked = FALSE;
    pthread_mutex_lock(&Table->Lock);
    PVFP_RECORD r = VfpTableFind(Table, Context, NULL);
    if (r != NULL && r->State == VfpLive) {
        VfpSnapshot(F, LeakKind, r);
        leaked = TRUE;
    }
    if (r == NULL) {
        if (Table->Count > VFP_KEEP_RELEASED)
            VfpTablePurge(Table, VfpIsEnded);
        r = VfpTableInsert(Table, Context, NULL);
    }
    if (r != NULL) {
        r->State = VfpLive;
        r->LockDepth = 0; /* only subject contexts are ever locked; client records stay 0 */
        r->EndDepth = 0;
        r->StackDepth = VfpCaptureStack(r->Stack, VFP_STACK_DEPTH, 2);
    }
    pthread_mutex_unlock(&Table->Lock);
    return leaked;
}

/*
 * VfpContextEnd - Context (in Table) is about to give up its references: a release or a
 * delete. Returns TRUE (proceed) and marks the record ended, or FALSE with F filled when
 * it was already ended (DoubleKind) or is still locked (LockedKind; spec 2.11 - only
 * subject contexts are locked, client records keep LockDepth 0). Unknown contexts
 * (captured while the verifier was off) proceed. Takes and releases no references.
 * noinline for the same Skip 2 stack as VfpContextBegin.
 */
static __attribute__((noinline)) BOOLEAN
VfpContextEnd(PVFP_TABLE Table, PVOID Context, NTSEC_VERIFIER_FINDING DoubleKind,
              NTSEC_VERIFIER_FINDING LockedKind, VFP_CONTEXT_FINDING *F)
{
    BOOLEAN proceed = TRUE;
    pthread_mutex_lock(&Table->Lock);
    PVFP_RECORD r = VfpTableFind(Table, Context, NULL);
    if (r != NULL && r->State == VfpEnded) {
        VfpSnapshot(F, DoubleKind, r);
        proceed = FALSE;
    } else if (r != NULL && r->LockDepth > 0) {
        VfpSnapshot(F, LockedKind, r);
        proceed = FALSE;
    } else if (r != NULL) {
        r->State = VfpEnded;
        r->EndDepth = VfpCaptureStack(r->EndStack, VFP_STACK_DEPTH, 2);
    }
    pthread_mutex_unlock(&Table->Lock);
    return proceed;
}

/* ---- Subject contexts ---- */

/*
 * VfSubjectContextCaptured - Context now owns token references (SeCaptureSubjectContext).
 * A live record at the same address means the previous capture was never released.
 */
VOID VfSubjectContextCaptured(PSECURITY_SUBJECT_CONTEXT Context)
{
    if (!VfIsEnabled() || Context == NULL)
        return;
    VFP_CONTEXT_FINDING f;
    if (VfpContextBegin(&VfpSubjects, Context, NtsecFindingSubjectContextLeak, &f))
        VfpReportContext(&f, "SeCaptureSubjectContext", Context, "subject context",
                         "captured again while the previous capture at the same address was "
                         "never released with SeReleaseSubjectContext; its token references "
                         "are leaked. The earlier capture happened at the stack below.");
}

/*
 * VfSubjectContextReleasing - SeReleaseSubjectContext is about to release Context's
 * references. Returns FALSE (the release must not proceed) when it was already released
 * or is still locked (spec 2.11: "must not be called while the context is locked").
 * Unknown contexts (captured while the verifier was off) are let through.
 */
BOOLEAN VfSubjectContextReleasing(PSECURITY_SUBJECT_CONTEXT Context)
{
    if (!VfIsEnabled() || Context == NULL)
        return TRUE;
    VFP_CONTEXT_FINDING f;
    if (VfpContextEnd(&VfpSubjects, Context, NtsecFindingSubjectContextDoubleRelease,
                      NtsecFindingSubjectContextReleaseLocked, &f))
        return TRUE;
    if (f.Kind == NtsecFindingSubjectContextDoubleRelease)
        VfpReportContext(&f, "SeReleaseSubjectContext", Context, "subject context",
                         "released a second time; its token references were already released "
                         "(the second release is ignored). Captured at the first stack below.");
    else
        VfpReportContext(&f, "SeReleaseSubjectContext", Context, "subject context",
                         "released while still locked by SeLockSubjectContext; call "
                         "SeUnlockSubjectContext first (spec 2.11). The release is refused and "
                         "the context keeps its references. Captured at the stack below.");
    return FALSE;
}

VOID VfSubjectContextLocked(PSECURITY_SUBJECT_CONTEXT Context, BOOLEAN Locked)
{
    if (!VfIsEnabled() || Context == NULL)
        return;
    pthread_mutex_lock(&VfpSubjects.Lock);
    PVFP_RECORD r = VfpTableFind(&VfpSubjects, Context, NULL);
    if (r != NULL && r->State == VfpLive)
        r->LockDepth += Locked ? 1 : -1;
    pthread_mutex_unlock(&VfpSubjects.Lock);
}

/* ---- Client contexts ---- */

/*
 * VfClientContextCreating - a SeCreateClientSecurity* call starts filling Context. A record
 * of an earlier, deleted context at the same address is forgotten: this is a new context,
 * and deleting it after a failed create is harmless (spec 5-D23), not a double delete.
 * A live record stays, so re-creating over a context that was never deleted is reported.
 */
VOID VfClientContextCreating(PSECURITY_CLIENT_CONTEXT Context)
{
    if (!VfIsEnabled() || Context == NULL)
        return;
    pthread_mutex_lock(&VfpClients.Lock);
    PVFP_RECORD r = VfpTableFind(&VfpClients, Context, NULL);
    if (r != NULL && r->State == VfpEnded)
        VfpTableRemove(&VfpClients, r);
    pthread_mutex_unlock(&VfpClients.Lock);
}

/*
 * VfpEndHandReleasedClient - a live client record whose token object is gone: the context's
 * token reference was released without SeDeleteClientSecurity - by a driver's own cleanup
 * doing what the WDK's SeDeleteClientSecurity macro does (PsDereference*Token or
 * ObDereferenceObject on ClientToken). If the context still owned its reference the token
 * would be alive, so this is no leak. Marks such a record ended; called without locks.
 */
static VOID VfpEndHandReleasedClient(PSECURITY_CLIENT_CONTEXT Context)
{
    pthread_mutex_lock(&VfpClients.Lock);
    PVFP_RECORD r = VfpTableFind(&VfpClients, Context, NULL);
    PVOID token = (r != NULL && r->State == VfpLive) ? r->Token : NULL;
    pthread_mutex_unlock(&VfpClients.Lock);
    if (token == NULL || VfpObjectAlive(token))
        return;
    pthread_mutex_lock(&VfpClients.Lock);
    r = VfpTableFind(&VfpClients, Context, NULL);
    if (r != NULL && r->State == VfpLive && r->Token == token)
        r->State = VfpEnded;
    pthread_mutex_unlock(&VfpClients.Lock);
}

/* VfClientContextCreated - a successful SeCreateClientSecurity* filled Context. */
VOID VfClientContextCreated(PSECURITY_CLIENT_CONTEXT Context)
{
    if (!VfIsEnabled() || Context == NULL)
        return;
    VfpEndHandReleasedClient(Context);
    VFP_CONTEXT_FINDING f;
    BOOLEAN leaked = VfpContextBegin(&VfpClients, Context, NtsecFindingClientContextLeak, &f);
    pthread_mutex_lock(&VfpClients.Lock);
    PVFP_RECORD r = VfpTableFind(&VfpClients, Context, NULL);
    if (r != NULL)
        r->Token = Context->ClientToken;
    pthread_mutex_unlock(&VfpClients.Lock);
    if (leaked)
        VfpReportContext(&f, "SeCreateClientSecurity", Context, "client context",
                         "created again while the previous client context at the same address "
                         "was never deleted with SeDeleteClientSecurity; its client token "
                         "reference is leaked. The earlier one was created at the stack below.");
}

/* VfClientContextDeleting - FALSE when Context was already deleted (caller does nothing). */
BOOLEAN VfClientContextDeleting(PSECURITY_CLIENT_CONTEXT Context)
{
    if (!VfIsEnabled() || Context == NULL)
        return TRUE;
    VFP_CONTEXT_FINDING f;
    BOOLEAN proceed = VfpContextEnd(&VfpClients, Context, NtsecFindingClientContextDoubleDelete,
                                    NtsecFindingClientContextDoubleDelete, &f);
    if (!proceed)
        VfpReportContext(&f, "SeDeleteClientSecurity", Context, "client context",
                         "deleted a second time; SeDeleteClientSecurity must be called exactly "
                         "once per successful create (spec 2.18). The second delete is ignored. "
                         "Created at the first stack below.");
    return proceed;
}

/* VfClientContextUsable - FALSE when Context was deleted (use after delete). */
BOOLEAN VfClientContextUsable(PSECURITY_CLIENT_CONTEXT Context, PCSTR Routine)
{
    if (!VfIsEnabled() || Context == NULL)
        return TRUE;
    VFP_CONTEXT_FINDING f;
    BOOLEAN usable = TRUE;
    pthread_mutex_lock(&VfpClients.Lock);
    PVFP_RECORD r = VfpTableFind(&VfpClients, Context, NULL);
    if (r != NULL && r->State == VfpEnded) {
        VfpSnapshot(&f, NtsecFindingClientContextUseAfterDelete, r);
        usable = FALSE;
    }
    pthread_mutex_unlock(&VfpClients.Lock);
    if (!usable) {
        char what[256];
        snprintf(what, sizeof what,
                 "used by %s after SeDeleteClientSecurity released its client token. Created "
                 "at the first stack below.", Routine);
        VfpReportContext(&f, Routine, Context, "client context", what);
    }
    return usable;
}

/* ---- Leaks ---- */

static ULONG VfpReportTableLeaks(PVFP_TABLE Table, NTSEC_VERIFIER_FINDING Kind, PCSTR Type,
                                 PCSTR What)
{
    ULONG reported = 0;
    for (;;) {
        VFP_CONTEXT_FINDING f;
        PVOID key = NULL;
        pthread_mutex_lock(&Table->Lock);
        PVFP_RECORD found = NULL;
        for (ULONG b = 0; b < VFP_TABLE_BUCKETS && found == NULL; b++)
            for (PVFP_RECORD r = Table->Buckets[b]; r != NULL && found == NULL; r = r->Next)
                if (r->State == VfpLive)
                    found = r;
        PVOID token = NULL;
        if (found != NULL) {
            VfpSnapshot(&f, Kind, found);
            key = found->Key;
            token = found->Token;
            VfpTableRemove(Table, found); /* reported once */
        }
        pthread_mutex_unlock(&Table->Lock);
        if (key == NULL)
            return reported;
        /* A client context whose token is gone released its reference by hand (the WDK
         * SeDeleteClientSecurity macro's steps): not a leak (VfpEndHandReleasedClient). */
        if (token != NULL && !VfpObjectAlive(token))
            continue;
        VfpReportContext(&f, "NtsecShutdown", key, Type, What);
        reported++;
    }
}

ULONG VfpReportContextLeaks(VOID)
{
    return VfpReportTableLeaks(&VfpSubjects, NtsecFindingSubjectContextLeak, "subject context",
                               "captured but never released with SeReleaseSubjectContext; it "
                               "still owns references on its primary (and client) token. "
                               "Captured at the stack below.") +
           VfpReportTableLeaks(&VfpClients, NtsecFindingClientContextLeak, "client context",
                               "created but never deleted with SeDeleteClientSecurity; it "
                               "still owns a reference on its client token. Created at the "
                               "stack below.");
}
