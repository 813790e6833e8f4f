/*
 * gate.c - the mode change and the switch path agree (docs/host.md "Turning the backend
 * on and off"), and threads that ended without teardown are found (docs/host.md "Threads
 * that end without teardown").
 *
 * The gate: every backend entry point (the ps hooks, NtsecSyncHostCredentials, the mode
 * change's own switch of the caller, run-as) runs between HostGateEnter and HostGateLeave.
 * A mode change (NtsecEnableHostCredentials) raises HostpChanging and waits until no thread
 * is inside; threads arriving meanwhile wait outside until it is over (a short wait: the
 * change reads the caller's credentials, never blocks, never bug-checks). So while a mode
 * changes no thread is switching, and a thread that loaded the hooks before the change
 * finds the new mode when it gets in. The gate is not held across a bug check: HostFatal
 * leaves it first (HostGateLeaveAll).
 *
 * The registry: every thread's HOST_THREAD, with its Linux tid and start time, so that
 * turning the backend off can tell a thread that is still switched from one that ended with
 * a raw SYS_exit (no thread-specific-data destructor, so no teardown ran).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "host/hostp.h"

static _Atomic LONG HostpInFlight;    /* threads inside the gate */
static _Atomic int HostpChanging;     /* a mode change is in progress */
static _Atomic LONG HostpWaiting;     /* threads that found a change in progress, not yet in */
static __thread ULONG HostpGateDepth; /* this thread's nesting (hooks may nest) */

static pthread_mutex_t HostpRegistryLock = PTHREAD_MUTEX_INITIALIZER;
static PHOST_THREAD HostpRegistry; /* doubly linked through Next/Prev */

/* ---- gate ---- */

VOID HostGateEnter(VOID)
{
    if (HostpGateDepth++ != 0)
        return;
    BOOLEAN waited = FALSE;
    for (;;) {
        atomic_fetch_add(&HostpInFlight, 1);
        if (!atomic_load(&HostpChanging))
            break;
        atomic_fetch_sub(&HostpInFlight, 1);
        if (!waited) {
            /* the next mode change lets us in first (no starvation by repeated changes) */
            atomic_fetch_add(&HostpWaiting, 1);
            waited = TRUE;
        }
        while (atomic_load(&HostpChanging))
            sched_yield();
    }
    if (waited)
        atomic_fetch_sub(&HostpWaiting, 1);
}

VOID HostGateLeave(VOID)
{
    if (--HostpGateDepth == 0)
        atomic_fetch_sub(&HostpInFlight, 1);
}

/* Before a bug check: the handler may block or return and the thread then ends; a mode
 * change must never wait for it. The thread never re-enters from where it was. */
VOID HostGateLeaveAll(VOID)
{
    if (HostpGateDepth != 0) {
        HostpGateDepth = 0;
        atomic_fetch_sub(&HostpInFlight, 1);
    }
}

BOOLEAN HostGateInside(VOID)
{
    return HostpGateDepth != 0;
}

/* Caller holds the enable lock and is not inside the gate. Threads that waited for the
 * previous change get in before this one starts (they are in flight within microseconds),
 * so a caller that changes modes in a loop cannot starve the switch path. */
VOID HostBeginModeChange(VOID)
{
    while (atomic_load(&HostpWaiting) != 0)
        sched_yield();
    atomic_store(&HostpChanging, 1);
    while (atomic_load(&HostpInFlight) != 0)
        sched_yield();
}

VOID HostEndModeChange(VOID)
{
    atomic_store(&HostpChanging, 0);
}

BOOLEAN HostModeChangeInProgress(VOID)
{
    return atomic_load(&HostpChanging) != 0;
}

/* ---- registry ---- */

/*
 * HostParseTaskStat - see hostp.h. Text is hostile (the command name, field 2, is chosen by
 * the thread: any bytes but NUL, spaces and parentheses included), so the fields are
 * counted from the LAST ')'. Never reads past Length.
 */
BOOLEAN HostParseTaskStat(const char *Text, size_t Length, unsigned long long *StartTime, char *State)
{
    const char *end = Text + Length, *p = NULL;
    for (const char *q = Text; q < end; q++)
        if (*q == ')')
            p = q;
    if (p == NULL || end - p < 3 || p[1] != ' ')
        return FALSE;
    *State = p[2];
    p += 3; /* the space before field 4 */
    for (int field = 4; field <= 22; field++) {
        if (p >= end || *p != ' ')
            return FALSE;
        p++;
        if (field == 22)
            break;
        while (p < end && *p != ' ')
            p++;
    }
    unsigned long long value = 0;
    const char *digits = p;
    while (p < end && *p >= '0' && *p <= '9') {
        unsigned d = (unsigned)(*p - '0');
        if (value > (~0ULL - d) / 10)
            return FALSE;
        value = value * 10 + d;
        p++;
    }
    if (p == digits || (p < end && *p != ' ' && *p != '\n'))
        return FALSE;
    *StartTime = value;
    return TRUE;
}

/* Field 22 (starttime) of /proc/self/task/Tid/stat, and the state letter; FALSE if the
 * file is not there (ENOENT/ESRCH: *Gone) or unreadable. */
static BOOLEAN HostpReadTaskStat(pid_t Tid, unsigned long long *StartTime, char *State, BOOLEAN *Gone)
{
    char path[64], text[1024];
    *Gone = FALSE;
    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)Tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *Gone = errno == ENOENT || errno == ESRCH;
        return FALSE;
    }
    ssize_t n = read(fd, text, sizeof(text));
    int error = errno;
    close(fd);
    if (n <= 0) {
        *Gone = n == 0 || error == ESRCH; /* the task went away while we read */
        return FALSE;
    }
    return HostParseTaskStat(text, (size_t)n, StartTime, State);
}

VOID HostRegisterThread(PHOST_THREAD h, PETHREAD Thread)
{
    char state;
    BOOLEAN gone;
    h->Thread = Thread;
    h->Tid = (pid_t)syscall(SYS_gettid);
    if (!HostpReadTaskStat(h->Tid, &h->StartTime, &state, &gone))
        h->StartTime = 0; /* then only the tid's existence is checked */
    pthread_mutex_lock(&HostpRegistryLock);
    h->Prev = NULL;
    h->Next = HostpRegistry;
    if (HostpRegistry != NULL)
        HostpRegistry->Prev = h;
    HostpRegistry = h;
    h->Registered = TRUE;
    pthread_mutex_unlock(&HostpRegistryLock);
}

static VOID HostpUnlink(PHOST_THREAD h)
{
    if (h->Prev != NULL)
        h->Prev->Next = h->Next;
    else
        HostpRegistry = h->Next;
    if (h->Next != NULL)
        h->Next->Prev = h->Prev;
    h->Next = h->Prev = NULL;
    h->Registered = FALSE;
}

VOID HostUnregisterThread(PHOST_THREAD h)
{
    if (!h->Registered)
        return;
    pthread_mutex_lock(&HostpRegistryLock);
    HostpUnlink(h);
    pthread_mutex_unlock(&HostpRegistryLock);
}

/*
 * HostpThreadGone - TRUE only when the thread is certainly gone: its /proc/self/task entry
 * is missing, is a zombie (a main thread that called SYS_exit while others run), or
 * belongs to a later thread that reuses the tid (other start time). Any doubt: FALSE.
 */
static BOOLEAN HostpThreadGone(const HOST_THREAD *h)
{
    unsigned long long start = 0;
    char state = '?';
    BOOLEAN gone = FALSE;
    if (!HostpReadTaskStat(h->Tid, &start, &state, &gone))
        return gone;
    return state == 'Z' || state == 'X' || (h->StartTime != 0 && start != h->StartTime);
}

/*
 * HostCollectExitedThreads - during a mode change (nobody inside the gate): unlinks the
 * state of every registered thread that is gone, takes it out of HostSwitchedThreads, and
 * returns them linked through Next. The caller finishes each after the change with
 * HostReapCollected (the thread's ETHREAD references are released there).
 */
PHOST_THREAD HostCollectExitedThreads(VOID)
{
    PHOST_THREAD collected = NULL;
    pid_t self = (pid_t)syscall(SYS_gettid);
    unsigned long long start;
    char state;
    BOOLEAN gone;
    /* Without a readable /proc (not mounted, or hidden in a sandbox) every entry would look
     * gone: a live thread must never be reaped, so nothing is (Off is then refused while a
     * thread that ended without teardown is counted; docs/host.md). */
    if (!HostpReadTaskStat(self, &start, &state, &gone))
        return NULL;
    pthread_mutex_lock(&HostpRegistryLock);
    for (PHOST_THREAD h = HostpRegistry, next; h != NULL; h = next) {
        next = h->Next;
        if (h->Tid == self || !HostpThreadGone(h))
            continue;
        HostpUnlink(h);
        if (h->Initialized && !h->AtBase && h->Generation == atomic_load(&HostGeneration))
            atomic_fetch_sub(&HostSwitchedThreads, 1);
        h->Initialized = FALSE; /* HostFreeThread must not count it again */
        h->Next = collected;
        collected = h;
    }
    pthread_mutex_unlock(&HostpRegistryLock);
    return collected;
}

/* Frees each collected state and runs the teardown its thread never ran. Outside the
 * enable lock and the mode change (PspReapExitedThread may call the hooks). */
ULONG HostReapCollected(PHOST_THREAD Collected)
{
    ULONG count = 0;
    while (Collected != NULL) {
        PHOST_THREAD next = Collected->Next;
        PETHREAD thread = Collected->Thread;
        HostFreeThread(thread);
        PspReapExitedThread(thread);
        Collected = next;
        count++;
    }
    return count;
}

/* ---- fork (docs/workers.md "fork()") ---- */

/* Across fork the registry lock is held, so the child's registry is consistent. */
VOID HostGateForkPrepare(VOID)
{
    pthread_mutex_lock(&HostpRegistryLock);
}

VOID HostGateForkParent(VOID)
{
    pthread_mutex_unlock(&HostpRegistryLock);
}

/*
 * In the child, whose only thread is Self (the one that forked): the registry lock is
 * released (Self took it); only Self can be inside the gate, and no mode change is in progress (its
 * thread is gone; HostForkPrepare made sure it had not started changing anything). Self's
 * registry entry takes the child's tid, so that the next mode change finds the parent's other
 * threads gone (and stops counting them as switched) but not Self.
 */
VOID HostGateForkChild(PETHREAD Self)
{
    atomic_store(&HostpInFlight, HostpGateDepth != 0 ? 1 : 0);
    atomic_store(&HostpChanging, 0);
    atomic_store(&HostpWaiting, 0);
    PHOST_THREAD h = Self != NULL ? Self->Host : NULL;
    if (h != NULL && h->Registered) {
        h->Tid = (pid_t)syscall(SYS_gettid);
        h->StartTime = 0; /* then only the tid's existence is checked */
    }
    pthread_mutex_unlock(&HostpRegistryLock); /* locked by this thread in HostGateForkPrepare */
}
