/*
 * report.c - verifier findings: enabling, formatting and delivery (docs/verifier.md).
 *
 * A finding is one paragraph (what happened, which object, where it was created, where
 * it was misused). It goes to the handler installed with NtsecSetVerifierHandler, or to
 * stderr when there is none; with NTSEC_VERIFIER_FATAL an unhandled error finding then
 * aborts the process, so that CI notices findings nobody expected.
 */
#include <execinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "verifier/vfp.h"

_Atomic ULONG VfFlags;
static _Atomic ULONG VfpFindingCount;
static pthread_mutex_t VfpHandlerLock = PTHREAD_MUTEX_INITIALIZER;
static NTSEC_VERIFIER_HANDLER VfpHandler;
static PVOID VfpHandlerContext;

static BOOLEAN VfpEnvTrue(const char *Name)
{
    const char *v = getenv(Name);
    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

/* VfInitializeFromEnvironment - init step 1 (src/ex/init.c), before any object exists, so that
 * objects created at load are tracked: NTSEC_VERIFIER / NTSEC_VERIFIER_FATAL. */
VOID VfInitializeFromEnvironment(VOID)
{
    if (VfpEnvTrue("NTSEC_VERIFIER")) {
        ULONG flags = NTSEC_VERIFIER_ENABLED;
        if (VfpEnvTrue("NTSEC_VERIFIER_FATAL"))
            flags |= NTSEC_VERIFIER_FATAL;
        atomic_store(&VfFlags, flags);
    }
}

/*
 * NtsecEnableVerifier - Flags != 0 turns the verifier on (NTSEC_VERIFIER_ENABLED is
 * implied); 0 turns it off, forgets tracked contexts and frees the quarantine. Objects
 * created while it was off are never tracked. Takes or releases no references.
 */
VOID NtsecEnableVerifier(ULONG Flags)
{
    if (Flags != 0) {
        atomic_store(&VfFlags, Flags | NTSEC_VERIFIER_ENABLED);
        return;
    }
    atomic_store(&VfFlags, 0);
    VfpResetContexts();
    VfpResetThreads();
    VfFlushQuarantine();
}

ULONG NtsecVerifierFlags(VOID)
{
    return atomic_load(&VfFlags);
}

VOID NtsecSetVerifierHandler(NTSEC_VERIFIER_HANDLER Handler, PVOID Context)
{
    pthread_mutex_lock(&VfpHandlerLock);
    VfpHandler = Handler;
    VfpHandlerContext = Context;
    pthread_mutex_unlock(&VfpHandlerLock);
}

ULONG NtsecVerifierFindingCount(VOID)
{
    return atomic_load(&VfpFindingCount);
}

static const PCSTR VfpFindingNames[NtsecFindingMaximum] = {
    [NtsecFindingOther] = "verifier finding",
    [NtsecFindingWrongObjectType] = "wrong object type",
    [NtsecFindingNotAnObject] = "not an object",
    [NtsecFindingReferenceLeak] = "reference leak",
    [NtsecFindingDereferenceBelowZero] = "dereference below zero",
    [NtsecFindingUseAfterFree] = "use after the last reference",
    [NtsecFindingThreadExitImpersonating] = "thread ended while impersonating",
    [NtsecFindingWorkItemImpersonating] = "work item returned impersonating",
    [NtsecFindingSubjectContextLeak] = "subject context never released",
    [NtsecFindingSubjectContextDoubleRelease] = "subject context released twice",
    [NtsecFindingSubjectContextReleaseLocked] = "subject context released while locked",
    [NtsecFindingClientContextLeak] = "client context never deleted",
    [NtsecFindingClientContextDoubleDelete] = "client context deleted twice",
    [NtsecFindingClientContextUseAfterDelete] = "client context used after delete",
    [NtsecFindingRestoreWithoutDisable] = "PsRestoreImpersonation without PsDisableImpersonation",
    [NtsecFindingDowngradedAccessCheck] = "access check failed at a downgraded level",
    [NtsecFindingPoolTagMismatch] = "pool block freed with the wrong tag",
    [NtsecFindingBadPoolBlock] = "free of memory that is no pool block",
    [NtsecFindingPoolInUse] = "pool blocks still in use",
    [NtsecFindingNullArgument] = "NULL argument",
};

PCSTR NtsecVerifierFindingName(NTSEC_VERIFIER_FINDING Kind)
{
    if ((ULONG)Kind >= NtsecFindingMaximum)
        return "unknown finding";
    return VfpFindingNames[Kind];
}

ULONG VfpCaptureStack(PVOID *Frames, ULONG Max, ULONG Skip)
{
    PVOID all[64];
    int n = backtrace(all, 64);
    ULONG depth = 0;
    for (int i = (int)Skip + 1; i < n && depth < Max; i++)
        Frames[depth++] = all[i];
    return depth;
}

VOID VfpFormatStack(PVOID const *Frames, ULONG Depth, PSTR Buffer, SIZE_T Size)
{
    SIZE_T used = 0;
    Buffer[0] = '\0';
    if (Depth == 0)
        return;
    char **symbols = backtrace_symbols((void *const *)Frames, (int)Depth);
    for (ULONG i = 0; i < Depth && used + 1 < Size; i++) {
        int w = snprintf(Buffer + used, Size - used, "    #%u %s\n", i,
                         symbols != NULL ? symbols[i] : "?");
        if (w < 0)
            break;
        used += (SIZE_T)w;
    }
    if (used >= Size)
        Buffer[Size - 1] = '\0';
    free(symbols);
}

VOID VfpDeliver(NTSEC_VERIFIER_FINDING Kind, NTSEC_VERIFIER_SEVERITY Severity, PCSTR Routine,
                PVOID Object, PCSTR ObjectType, PCSTR CreationStack, PCSTR Message)
{
    PVOID frames[VFP_STACK_DEPTH];
    char misuse[VFP_STACK_TEXT];
    ULONG depth = VfpCaptureStack(frames, VFP_STACK_DEPTH, 2);
    VfpFormatStack(frames, depth, misuse, sizeof misuse);

    NTSEC_VERIFIER_REPORT report = {
        .Kind = Kind,
        .Severity = Severity,
        .KindName = NtsecVerifierFindingName(Kind),
        .Routine = Routine != NULL ? Routine : "?",
        .Object = Object,
        .ObjectType = ObjectType != NULL ? ObjectType : "none",
        .Message = Message,
        .CreationStack = CreationStack != NULL ? CreationStack : "",
        .MisuseStack = misuse,
    };
    atomic_fetch_add(&VfpFindingCount, 1);

    pthread_mutex_lock(&VfpHandlerLock);
    NTSEC_VERIFIER_HANDLER handler = VfpHandler;
    PVOID context = VfpHandlerContext;
    pthread_mutex_unlock(&VfpHandlerLock);
    if (handler != NULL) {
        handler(&report, context);
        return;
    }

    /* One write per finding so that reports of concurrent threads do not interleave. Not
     * through the pool: a report must not consume a test's injected allocation failure nor
     * show up in the allocation count or the leak report it may be part of. */
    size_t size = strlen(Message) + strlen(report.CreationStack) + strlen(misuse) + 512;
    char *text = malloc(size);
    if (text != NULL) {
        int n = snprintf(text, size, "ntsec verifier %s: %s in %s: %s\n%s%s%s%s",
                         Severity == NtsecSeverityHint ? "hint" : "error", report.KindName,
                         report.Routine, Message,
                         report.CreationStack[0] ? "  created at:\n" : "", report.CreationStack,
                         misuse[0] ? "  seen at:\n" : "", misuse);
        if (n > 0)
            (void)!write(STDERR_FILENO, text, strnlen(text, size));
        free(text);
    }
    if (Severity == NtsecSeverityError && (atomic_load(&VfFlags) & NTSEC_VERIFIER_FATAL)) {
        static const char fatal[] = "ntsec verifier: unhandled finding with NTSEC_VERIFIER_FATAL set; aborting\n";
        (void)!write(STDERR_FILENO, fatal, sizeof fatal - 1);
        abort();
    }
}

/* The generic entry point other layers may use; Kind is free text. */
VOID VfReport(PCSTR Kind, PCSTR Routine, PVOID Object, PCSTR Format, ...)
{
    char what[1024];
    char creation[VFP_STACK_TEXT] = "";
    char message[1400];
    va_list ap;
    va_start(ap, Format);
    vsnprintf(what, sizeof what, Format, ap);
    va_end(ap);
    if (Object != NULL) {
        char desc[256];
        VfpDescribeObject(Object, desc, sizeof desc);
        VfpObjectCreationStack(Object, creation, sizeof creation);
        snprintf(message, sizeof message, "%s: %s; object %s.", Kind, what, desc);
    } else {
        snprintf(message, sizeof message, "%s: %s.", Kind, what);
    }
    VfpDeliver(NtsecFindingOther, NtsecSeverityError, Routine, Object,
               Object != NULL ? ObpTypeName(Object) : NULL, creation, message);
}

/*
 * VfReportNullArgument - Routine got NULL for its required pointer argument number Argument
 * (Name) and has no status to say so; the caller raises NTSEC_NULL_ARGUMENT next
 * (docs/null-arguments.md). No references change.
 */
VOID VfReportNullArgument(PCSTR Routine, ULONG Argument, PCSTR Name)
{
    char message[512];
    snprintf(message, sizeof message,
             "%s was called with argument %lu (%s) NULL. It has no status to return, so ntsec raises "
             "bug check NTSEC_NULL_ARGUMENT (0x%08lX); Windows would fault. Pass a valid pointer.",
             Routine, (unsigned long)Argument, Name, (unsigned long)NTSEC_NULL_ARGUMENT);
    VfpDeliver(NtsecFindingNullArgument, NtsecSeverityError, Routine, NULL, NULL, "", message);
}
