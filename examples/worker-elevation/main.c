/*
 * worker-elevation - privileged work belongs on a system worker thread, never on an
 * elevated user thread (WDK PsImpersonateClient / SeImpersonateClientEx remarks; spec
 * 2.21). A user thread of "alice" needs a privileged task: it captures a static client
 * context, queues a work item and waits. The worker runs as SYSTEM, impersonates alice
 * only for the part done on her behalf, stops, and deletes the context.
 *
 * Build: part of the ntsec build (example-worker-elevation). Each step is printed.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "ntifs.h"
#include "ntsec.h"

#define ALICE "user=S-1-5-21-1-2-3-1001 groups=WD,AU,BU privileges=SeChangeNotifyPrivilege integrity=ME"

typedef struct _TASK {
    WORK_QUEUE_ITEM Item;
    SECURITY_CLIENT_CONTEXT Client;   /* captured by the requester, deleted by the worker */
    NTSTATUS Status;
    pthread_mutex_t Lock;
    pthread_cond_t Done;
    int Finished;
} TASK;

static const char *Who(PACCESS_TOKEN Token)
{
    static __thread char text[16384];
    SIZE_T needed = 0;
    if (!NT_SUCCESS(NtsecFormatToken(Token, text, sizeof text, &needed)))
        return "?";
    char *end = strchr(text, ' '); /* first item: user=... */
    if (end != NULL)
        *end = '\0';
    return text;
}

static VOID PrintIdentity(PCSTR Step)
{
    SECURITY_SUBJECT_CONTEXT subject;
    SeCaptureSubjectContext(&subject);
    PACCESS_TOKEN effective = SeQuerySubjectContextToken(&subject);
    printf("  [%s] thread %p in %s process, effective %s%s\n", Step,
           (void *)PsGetCurrentThread(),
           PsGetCurrentProcess() == PsInitialSystemProcess ? "the System" : "a user",
           Who(effective), subject.ClientToken != NULL ? " (impersonating)" : "");
    SeReleaseSubjectContext(&subject);
}

/* Runs on a system worker thread of the System process. */
static VOID PrivilegedTask(PVOID Parameter)
{
    TASK *task = Parameter;
    printf("3. worker: the routine runs on a system worker thread, as SYSTEM:\n");
    PrintIdentity("worker");
    printf("   (privileged part done here, as SYSTEM)\n");

    printf("4. worker: SeImpersonateClientEx for the part done on alice's behalf\n");
    task->Status = SeImpersonateClientEx(&task->Client, NULL);
    if (NT_SUCCESS(task->Status)) {
        BOOLEAN cow, eo;
        SECURITY_IMPERSONATION_LEVEL level = SecurityAnonymous;
        PACCESS_TOKEN t = PsReferenceImpersonationToken(PsGetCurrentThread(), &cow, &eo, &level);
        PrintIdentity("worker");
        printf("   level %s: no downgrade, the System process holds SeImpersonatePrivilege\n",
               level == SecurityImpersonation ? "Impersonation" : "lower than Impersonation (!)");
        PsDereferenceImpersonationToken(t);
        printf("5. worker: SeStopImpersonatingClient - back to SYSTEM before returning\n");
        SeStopImpersonatingClient();
        PrintIdentity("worker");
    } else {
        printf("   SeImpersonateClientEx failed: 0x%08X\n", (unsigned)task->Status);
    }
    printf("6. worker: SeDeleteClientSecurity - the context's token reference is released\n");
    SeDeleteClientSecurity(&task->Client);

    pthread_mutex_lock(&task->Lock);
    task->Finished = 1;
    pthread_cond_signal(&task->Done);
    pthread_mutex_unlock(&task->Lock);
}

/* Alice's thread: captures her client context first, then queues the task. */
static VOID AliceThread(PVOID Context)
{
    TASK *task = Context;
    printf("1. alice's thread needs a privileged task. It does not raise its own privilege:\n");
    PrintIdentity("alice");
    SECURITY_QUALITY_OF_SERVICE qos = { sizeof qos, SecurityImpersonation,
                                        SECURITY_STATIC_TRACKING, FALSE };
    task->Status = SeCreateClientSecurity(PsGetCurrentThread(), &qos, FALSE, &task->Client);
    if (!NT_SUCCESS(task->Status)) {
        printf("   SeCreateClientSecurity failed: 0x%08X\n", (unsigned)task->Status);
        task->Finished = 1;
        return;
    }
    printf("2. alice: static client context captured (a private copy of her token), "
           "ExQueueWorkItem(DelayedWorkQueue)\n");
    ExInitializeWorkItem(&task->Item, PrivilegedTask, task);
    ExQueueWorkItem(&task->Item, DelayedWorkQueue);
    pthread_mutex_lock(&task->Lock);
    while (!task->Finished)
        pthread_cond_wait(&task->Done, &task->Lock);
    pthread_mutex_unlock(&task->Lock);
    printf("7. alice: the task is done; her own thread never ran as SYSTEM\n");
}

int main(void)
{
    static TASK task = { .Lock = PTHREAD_MUTEX_INITIALIZER, .Done = PTHREAD_COND_INITIALIZER };
    PACCESS_TOKEN alice = NULL;
    PEPROCESS process = NULL;
    PETHREAD thread = NULL;
    NTSTATUS st = NtsecCreateTokenFromText(ALICE, &alice);
    if (NT_SUCCESS(st))
        st = NtsecCreateProcess(alice, &process);
    if (NT_SUCCESS(st))
        st = NtsecCreateThread(process, AliceThread, &task, &thread);
    if (NT_SUCCESS(st))
        st = NtsecJoinThread(thread);
    if (NT_SUCCESS(st))
        st = task.Status;
    if (thread != NULL)
        ObDereferenceObject(thread);
    if (process != NULL)
        ObDereferenceObject(process);
    if (alice != NULL)
        ObDereferenceObject(alice);
    NtsecShutdown();
    printf("8. NtsecShutdown: queues drained, workers joined, System process released\n");
    printf("result: %s (0x%08X)\n", NT_SUCCESS(st) ? "success" : "failure", (unsigned)st);
    return NT_SUCCESS(st) ? 0 : 1;
}
