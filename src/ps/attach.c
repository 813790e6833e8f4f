/*
 * attach.c - KeStackAttachProcess / KeUnstackDetachProcess: a thread running in another
 * process's context (ntke.h). What changes is which process PsGetCurrentProcess names, and
 * so whose primary token SeCaptureSubjectContext captures.
 *
 * The caller's KAPC_STATE keeps the state the attach replaced: Process is the process the
 * thread was running in before (Windows keeps it there too); the list heads, which carry
 * the APC queues in Windows, carry ntsec's bookkeeping: [0].Flink the attaching thread,
 * [0].Blink the previous attached process (NULL: none), [1].Flink the nesting depth,
 * [1].Blink the process attached.
 */
#include "ntsec.h"
#include "ex/exp.h"
#include "ps/psp.h"

/* KeStackAttachProcess - see ntke.h. Takes one reference on PROCESS. */
VOID KeStackAttachProcess(PRKPROCESS PROCESS, PRKAPC_STATE ApcState)
{
    if (PROCESS == NULL) {
        ExpNullArgument("KeStackAttachProcess", 1, "PROCESS");
        return;
    }
    if (ApcState == NULL) {
        ExpNullArgument("KeStackAttachProcess", 2, "ApcState");
        return;
    }
    if (!ObpCheckType(PROCESS, &ObpProcessType, "KeStackAttachProcess")) {
        KeBugCheckEx(INVALID_PROCESS_ATTACH_ATTEMPT, (ULONG_PTR)PROCESS, 0, 0, 0);
        return;
    }
    PETHREAD thread = PsGetCurrentThread();
    if (thread == NULL) {
        KeBugCheckEx(INVALID_PROCESS_ATTACH_ATTEMPT, (ULONG_PTR)PROCESS, 1, 0, 0);
        return;
    }
    memset(ApcState, 0, sizeof *ApcState);
    ApcState->Process = thread->AttachedProcess != NULL ? thread->AttachedProcess : thread->Process;
    ApcState->ApcListHead[0].Flink = (PLIST_ENTRY)thread;
    ApcState->ApcListHead[0].Blink = (PLIST_ENTRY)thread->AttachedProcess;
    ApcState->ApcListHead[1].Flink = (PLIST_ENTRY)(ULONG_PTR)(thread->AttachDepth + 1);
    ApcState->ApcListHead[1].Blink = (PLIST_ENTRY)PROCESS;
    ObfReferenceObject(PROCESS);
    thread->AttachedProcess = PROCESS;
    thread->AttachDepth++;
}

/* KeUnstackDetachProcess - see ntke.h. Releases the reference its attach took. */
VOID KeUnstackDetachProcess(PRKAPC_STATE ApcState)
{
    if (ApcState == NULL) {
        ExpNullArgument("KeUnstackDetachProcess", 1, "ApcState");
        return;
    }
    PETHREAD thread = PsGetCurrentThread();
    if (thread == NULL || ApcState->ApcListHead[0].Flink != (PLIST_ENTRY)thread ||
        (ULONG_PTR)ApcState->ApcListHead[1].Flink != thread->AttachDepth || thread->AttachDepth == 0 ||
        (PEPROCESS)ApcState->ApcListHead[1].Blink != thread->AttachedProcess) {
        KeBugCheckEx(INVALID_PROCESS_DETACH_ATTEMPT, (ULONG_PTR)ApcState, 0, 0, 0);
        return;
    }
    PEPROCESS attached = thread->AttachedProcess;
    thread->AttachedProcess = (PEPROCESS)ApcState->ApcListHead[0].Blink;
    thread->AttachDepth--;
    ApcState->ApcListHead[0].Flink = NULL; /* a second detach with it is refused */
    ObfDereferenceObject(attached);
}
