/*
 * workers.c - the server's privileged chores on system worker threads (ExQueueWorkItem):
 * the audit log (a file only the server can write), per-user quota accounting, and (for
 * ntacl.c) descriptor writes. A request thread never raises itself: it queues the work,
 * and the worker runs in the System process as the server's own identity.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fsd.h"

typedef struct _FSD_WAIT_ITEM {
    WORK_QUEUE_ITEM Item;
    PWORKER_THREAD_ROUTINE Routine;
    PVOID Context;
    pthread_mutex_t Lock;
    pthread_cond_t Done;
    int Finished;
} FSD_WAIT_ITEM;

static VOID FsdpWaitRoutine(PVOID Parameter)
{
    FSD_WAIT_ITEM *w = Parameter;
    w->Routine(w->Context);
    pthread_mutex_lock(&w->Lock);
    w->Finished = 1;
    pthread_cond_signal(&w->Done);
    pthread_mutex_unlock(&w->Lock);
}

/* FsdRunOnWorker - runs Routine on a delayed system worker and waits until it returned.
 * Must not be called from a worker routine (fixed thread count). */
VOID FsdRunOnWorker(PWORKER_THREAD_ROUTINE Routine, PVOID Context)
{
    FSD_WAIT_ITEM w;
    memset(&w, 0, sizeof w);
    w.Routine = Routine;
    w.Context = Context;
    pthread_mutex_init(&w.Lock, NULL);
    pthread_cond_init(&w.Done, NULL);
    ExInitializeWorkItem(&w.Item, FsdpWaitRoutine, &w);
    ExQueueWorkItem(&w.Item, DelayedWorkQueue);
    pthread_mutex_lock(&w.Lock);
    while (!w.Finished)
        pthread_cond_wait(&w.Done, &w.Lock);
    pthread_mutex_unlock(&w.Lock);
    pthread_cond_destroy(&w.Done);
    pthread_mutex_destroy(&w.Lock);
}

/* ---- audit ---- */

static int FsdpAuditFd = -1;

NTSTATUS FsdOpenAudit(const char *Path)
{
    FsdpAuditFd = open(Path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    return FsdpAuditFd < 0 ? STATUS_ACCESS_DENIED : STATUS_SUCCESS;
}

typedef struct _FSD_AUDIT_ITEM {
    WORK_QUEUE_ITEM Item;
    size_t Length;
    char Line[];
} FSD_AUDIT_ITEM;

static VOID FsdpAuditRoutine(PVOID Parameter)
{
    FSD_AUDIT_ITEM *a = Parameter;
    ssize_t n = write(FsdpAuditFd, a->Line, a->Length);
    (void)n;
    free(a);
}

/* FsdAudit - queues one audit record (who, what, outcome) for a worker to append; the item
 * is freed by the worker. Modifying requests and every refusal are audited. */
VOID FsdAudit(FSD_REQ *Req)
{
    if (FsdpAuditFd < 0)
        return;
    BOOLEAN modifying = strcmp(Req->Method, "GET") && strcmp(Req->Method, "HEAD") &&
                        strcmp(Req->Method, "PROPFIND") && strcmp(Req->Method, "OPTIONS");
    if (!modifying && Req->Status < 400)
        return;
    char line[1024];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02dZ user=\"%s\" method=%s path=/%s status=%d layer=%s\n",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     Req->Conn && Req->Conn->Authenticated ? Req->Conn->Principal : "-", Req->Method,
                     Req->Path ? Req->Path : "?", Req->Status, Req->Layer ? Req->Layer : "-");
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = sizeof line - 1;
    FSD_AUDIT_ITEM *a = malloc(sizeof *a + (size_t)n + 1);
    if (a == NULL)
        return;
    memcpy(a->Line, line, (size_t)n + 1);
    a->Length = (size_t)n;
    ExInitializeWorkItem(&a->Item, FsdpAuditRoutine, a);
    ExQueueWorkItem(&a->Item, DelayedWorkQueue);
}

/* ---- quota ---- */

typedef struct _FSD_QUOTA_ENTRY {
    char Sid[128];
    unsigned long long Used;
} FSD_QUOTA_ENTRY;

static FSD_QUOTA_ENTRY FsdpQuota[256];   /* only touched by worker routines */
static pthread_mutex_t FsdpQuotaLock = PTHREAD_MUTEX_INITIALIZER;

typedef struct _FSD_QUOTA_CALL {
    const char *Sid;
    unsigned long long Bytes;
    BOOLEAN Allowed;
} FSD_QUOTA_CALL;

static VOID FsdpQuotaRoutine(PVOID Parameter)
{
    FSD_QUOTA_CALL *q = Parameter;
    pthread_mutex_lock(&FsdpQuotaLock);
    FSD_QUOTA_ENTRY *e = NULL;
    for (size_t i = 0; i < sizeof FsdpQuota / sizeof FsdpQuota[0]; i++) {
        if (strcmp(FsdpQuota[i].Sid, q->Sid) == 0 || FsdpQuota[i].Sid[0] == 0) {
            e = &FsdpQuota[i];
            break;
        }
    }
    if (e == NULL) {
        q->Allowed = FALSE;        /* table full: fail closed */
    } else {
        if (e->Sid[0] == 0)
            snprintf(e->Sid, sizeof e->Sid, "%s", q->Sid);
        /* no wrap: a Content-Length near 2^64 must not bring the account round to a
         * small number (Used <= QuotaBytes always holds) */
        q->Allowed = q->Bytes <= FsdConfig.QuotaBytes - e->Used;
        if (q->Allowed)
            e->Used += q->Bytes;
    }
    pthread_mutex_unlock(&FsdpQuotaLock);
}

/* FsdQuotaCharge - charges Bytes to the connection's user on a worker; FALSE: over quota. */
BOOLEAN FsdQuotaCharge(FSD_REQ *Req, unsigned long long Bytes)
{
    if (FsdConfig.QuotaBytes == 0)
        return TRUE;
    FSD_QUOTA_CALL q = {Req->Conn->Identity, Bytes, FALSE};
    FsdRunOnWorker(FsdpQuotaRoutine, &q);
    return q.Allowed;
}
