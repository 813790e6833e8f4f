/*
 * harness.c - builds the scene for tests/wdk (see harness.h). Library-own API is allowed
 * here; the driver-style files do not include it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "ntsec.h"
#include "ntsec_testing.h" /* fault injection and allocation counts */
#include "harness.h"

ULONG WdkFailures;

PACCESS_TOKEN WdkToken(PCSTR Text)
{
    PACCESS_TOKEN token = NULL;
    NTSTATUS status = NtsecCreateTokenFromText(Text, &token);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "harness: token text '%s': 0x%08X %s\n", Text, (unsigned)status,
                NtsecLastErrorText());
        exit(2);
    }
    return token;
}

PEPROCESS WdkProcess(PACCESS_TOKEN Token)
{
    PEPROCESS process = NULL;
    if (!NT_SUCCESS(NtsecCreateProcess(Token, &process)))
        exit(2);
    return process;
}

VOID WdkRunThread(PEPROCESS Process, PKSTART_ROUTINE Routine, PVOID Context)
{
    PETHREAD thread = NULL;
    if (!NT_SUCCESS(NtsecCreateThread(Process, Routine, Context, &thread)) ||
        !NT_SUCCESS(NtsecJoinThread(thread)))
        exit(2);
    ObDereferenceObject(thread);
}

typedef struct { pthread_mutex_t Lock; pthread_cond_t Cond; int Set; } WDK_EVENT_IMPL;
_Static_assert(sizeof(WDK_EVENT_IMPL) <= sizeof(WDK_EVENT), "WDK_EVENT holds the implementation");

VOID WdkEventInit(WDK_EVENT *Event)
{
    WDK_EVENT_IMPL *e = (WDK_EVENT_IMPL *)Event;
    pthread_mutex_init(&e->Lock, NULL);
    pthread_cond_init(&e->Cond, NULL);
    e->Set = 0;
}

VOID WdkEventSet(WDK_EVENT *Event)
{
    WDK_EVENT_IMPL *e = (WDK_EVENT_IMPL *)Event;
    pthread_mutex_lock(&e->Lock);
    e->Set = 1;
    pthread_cond_broadcast(&e->Cond);
    pthread_mutex_unlock(&e->Lock);
}

VOID WdkEventWait(WDK_EVENT *Event)
{
    WDK_EVENT_IMPL *e = (WDK_EVENT_IMPL *)Event;
    pthread_mutex_lock(&e->Lock);
    while (!e->Set)
        pthread_cond_wait(&e->Cond, &e->Lock);
    pthread_mutex_unlock(&e->Lock);
}

LONG_PTR WdkReferences(PVOID Object)
{
    return NtsecReferenceCount(Object);
}

ULONG WdkAllocations(VOID)
{
    return NtsecAllocationCount();
}

int WdkFinish(PCSTR Name)
{
    /* With the verifier on, anything left (objects, contexts, shared descriptors) is a
     * finding - fatal under NTSEC_VERIFIER_FATAL. */
    NtsecShutdown();
    if (WdkFailures != 0)
        fprintf(stderr, "%s: %u check(s) failed\n", Name, WdkFailures);
    else
        printf("%s: ok\n", Name);
    return WdkFailures == 0 ? 0 : 1;
}
