/*
 * test_wdk_client_worker.c - capturing the requestor's security for a worker, re-created
 * (not copied) after the patterns of ReactOS npfs secursup.c/create.c (a static client
 * context per connection, SeImpersonateClientEx, a hand-written cleanup doing what the
 * SeDeleteClientSecurity macro does), WinFsp wq.c/security.c and Dokany (subject context
 * capture, SeCreateClientSecurityFromSubjectContext, a work item that impersonates) and
 * fastfat workque.c (ExInitializeWorkItem/ExQueueWorkItem).
 */
#include <ntifs.h>
#include "fsdstubs.h"
#include "harness.h"

typedef struct _FSD_CONNECTION {
    SECURITY_QUALITY_OF_SERVICE ClientQos;
    PSECURITY_CLIENT_CONTEXT ClientContext;  /* pool, or NULL for dynamic tracking */
} FSD_CONNECTION, *PFSD_CONNECTION;

/* The hand-written cleanup: the same steps as the WDK's SeDeleteClientSecurity macro. */
static VOID FsdFreeClientSecurityContext(PSECURITY_CLIENT_CONTEXT ClientContext)
{
    if (!ClientContext)
        return;
    if (SeTokenType(ClientContext->ClientToken) == TokenPrimary)
        PsDereferencePrimaryToken(ClientContext->ClientToken);
    else if (ClientContext->ClientToken != NULL)
        ObDereferenceObject(ClientContext->ClientToken);
    ExFreePool(ClientContext);
}

static NTSTATUS FsdInitializeSecurity(PFSD_CONNECTION Connection, PSECURITY_QUALITY_OF_SERVICE SecurityQos,
                                      PETHREAD Thread)
{
    PAGED_CODE();
    if (SecurityQos) {
        Connection->ClientQos = *SecurityQos;
    } else {
        Connection->ClientQos.Length = sizeof(Connection->ClientQos);
        Connection->ClientQos.ImpersonationLevel = SecurityImpersonation;
        Connection->ClientQos.ContextTrackingMode = SECURITY_DYNAMIC_TRACKING;
        Connection->ClientQos.EffectiveOnly = TRUE;
    }
    FsdFreeClientSecurityContext(Connection->ClientContext);
    Connection->ClientContext = NULL;
    if (Connection->ClientQos.ContextTrackingMode == SECURITY_DYNAMIC_TRACKING)
        return STATUS_SUCCESS;
    Connection->ClientContext = ExAllocatePoolWithQuotaTag(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE,
                                                           sizeof(SECURITY_CLIENT_CONTEXT), FSD_TAG);
    if (!Connection->ClientContext)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS Status = SeCreateClientSecurity(Thread, &Connection->ClientQos, FALSE, Connection->ClientContext);
    if (!NT_SUCCESS(Status)) {
        ExFreePool(Connection->ClientContext);
        Connection->ClientContext = NULL;
    }
    return Status;
}

static NTSTATUS FsdImpersonateClient(PFSD_CONNECTION Connection)
{
    PAGED_CODE();
    if (Connection->ClientContext)
        return SeImpersonateClientEx(Connection->ClientContext, NULL);
    return STATUS_CANNOT_IMPERSONATE;
}

/* ---- A deferred request: the requestor's identity travels with the work item ---- */

typedef struct _FSD_WORK {
    WORK_QUEUE_ITEM Item;
    SECURITY_CLIENT_CONTEXT Client;
    PSECURITY_DESCRIPTOR Descriptor;
    WDK_EVENT Done;
    BOOLEAN SawClient, Allowed;
    NTSTATUS Impersonate;
    ULONG Session;
} FSD_WORK, *PFSD_WORK;

static WORKER_THREAD_ROUTINE FsdWorker; /* declared as WinFsp util.c does */

static VOID FsdWorker(PVOID Parameter)
{
    PFSD_WORK Work = Parameter;
    SECURITY_SUBJECT_CONTEXT Subject;
    ACCESS_MASK Granted;
    NTSTATUS Status;
    PAGED_CODE();
    Work->Impersonate = SeImpersonateClientEx(&Work->Client, NULL);
    SeCaptureSubjectContext(&Subject);
    PACCESS_TOKEN Token = SeQuerySubjectContextToken(&Subject);
    Work->SawClient = Subject.ClientToken != NULL && Token == Subject.ClientToken;
    (VOID)SeQueryInformationToken(Token, TokenSessionId, (PVOID *)&Work->Session);
    Work->Allowed = SeAccessCheck(Work->Descriptor, &Subject, FALSE, FILE_READ_DATA, 0, NULL,
                                  IoGetFileObjectGenericMapping(), UserMode, &Granted, &Status);
    SeReleaseSubjectContext(&Subject);
    PsRevertToSelf(); /* a worker must not return impersonating */
    WdkEventSet(&Work->Done);
}

typedef struct _SCENE {
    FSD_CONNECTION Static, Dynamic;
    PFSD_WORK Work;
    PSECURITY_DESCRIPTOR Descriptor;
    NTSTATUS Init, InitDynamic, CreateFromSubject, Impersonate;
    PACCESS_TOKEN ClientToken;
} SCENE;

/* Runs in the client's process: what the file system does in the requestor's context. */
static VOID SceneRequest(PVOID Context)
{
    SCENE *S = Context;
    SECURITY_QUALITY_OF_SERVICE Qos = { sizeof(Qos), SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE };
    S->Init = FsdInitializeSecurity(&S->Static, &Qos, PsGetCurrentThread());
    /* Re-initialised on the same connection (a reconnect): the old context is freed by hand
     * and a new one made, very likely in the same pool block. */
    S->Init = NT_SUCCESS(S->Init) ? FsdInitializeSecurity(&S->Static, &Qos, PsGetCurrentThread()) : S->Init;
    S->InitDynamic = FsdInitializeSecurity(&S->Dynamic, NULL, PsGetCurrentThread());

    PFSD_WORK Work = ExAllocatePoolWithTag(NonPagedPool, sizeof(FSD_WORK), FSD_TAG);
    S->Work = Work;
    if (Work == NULL)
        return;
    RtlZeroMemory(Work, sizeof(*Work));
    WdkEventInit(&Work->Done);
    Work->Descriptor = S->Descriptor;
    SECURITY_SUBJECT_CONTEXT Subject;
    SeCaptureSubjectContext(&Subject);
    S->ClientToken = SeQuerySubjectContextToken(&Subject);
    S->CreateFromSubject = SeCreateClientSecurityFromSubjectContext(&Subject, &Qos, FALSE, &Work->Client);
    SeReleaseSubjectContext(&Subject);
    ExInitializeWorkItem(&Work->Item, FsdWorker, Work);
    ExQueueWorkItem(&Work->Item, DelayedWorkQueue);
}

int main(void)
{
    SCENE S;
    RtlZeroMemory(&S, sizeof(S));
    ULONG AclBuffer[32];
    SECURITY_DESCRIPTOR Sd;
    RtlCreateAcl((PACL)AclBuffer, sizeof(AclBuffer), ACL_REVISION);
    PACCESS_TOKEN Client = WdkToken("user=S-1-5-21-9-9-9-1001 groups=WD,BU session=4");
    PACCESS_TOKEN Other = WdkToken("user=S-1-5-21-9-9-9-1002 groups=WD");
    /* Only the client's user may read. */
    PTOKEN_USER User = NULL;
    WDK_CHECK_STATUS(SeQueryInformationToken(Client, TokenUser, (PVOID *)&User), STATUS_SUCCESS);
    if (User == NULL)
        return 1;
    RtlAddAccessAllowedAce((PACL)AclBuffer, ACL_REVISION, FILE_GENERIC_READ, User->User.Sid);
    ExFreePool(User);
    RtlCreateSecurityDescriptor(&Sd, SECURITY_DESCRIPTOR_REVISION);
    RtlSetOwnerSecurityDescriptor(&Sd, SeExports->SeAliasAdminsSid, FALSE);
    RtlSetGroupSecurityDescriptor(&Sd, SeExports->SeAliasAdminsSid, FALSE);
    RtlSetDaclSecurityDescriptor(&Sd, TRUE, (PACL)AclBuffer, FALSE);
    S.Descriptor = &Sd;

    PEPROCESS ClientProcess = WdkProcess(Client);
    LONG_PTR Before = WdkReferences(Client);
    WdkRunThread(ClientProcess, SceneRequest, &S);
    WDK_CHECK_STATUS(S.Init, STATUS_SUCCESS);
    WDK_CHECK_STATUS(S.InitDynamic, STATUS_SUCCESS);
    WDK_CHECK(S.Dynamic.ClientContext == NULL);   /* dynamic: nothing captured up front */
    WDK_CHECK(S.Static.ClientContext != NULL);
    WDK_CHECK(S.ClientToken == Client);
    WDK_CHECK_STATUS(S.CreateFromSubject, STATUS_SUCCESS);
    WDK_CHECK(S.Work != NULL);
    if (S.Work != NULL) {
        WdkEventWait(&S.Work->Done);
        WDK_CHECK_STATUS(S.Work->Impersonate, STATUS_SUCCESS);
        WDK_CHECK(S.Work->SawClient);
        WDK_CHECK(S.Work->Allowed);                /* the worker acted as the client */
        WDK_CHECK(S.Work->Session == 4);           /* ULONG written in place */
        SeDeleteClientSecurity(&S.Work->Client);
        ExFreePoolWithTag(S.Work, FSD_TAG);
    }

    /* The static context belongs to the connection: a server thread of another identity
     * impersonates it later and is the client, then reverts. */
    PEPROCESS OtherProcess = WdkProcess(Other);
    WDK_CHECK_STATUS(FsdImpersonateClient(&S.Static), STATUS_SUCCESS);
    BOOLEAN CopyOnOpen, EffectiveOnly;
    SECURITY_IMPERSONATION_LEVEL Level;
    PACCESS_TOKEN Now = PsReferenceImpersonationToken(PsGetCurrentThread(), &CopyOnOpen, &EffectiveOnly, &Level);
    WDK_CHECK(Now == S.Static.ClientContext->ClientToken);
    WDK_CHECK(Level == SecurityImpersonation);
    if (Now)
        PsDereferenceImpersonationToken(Now);
    PsRevertToSelf();
    WDK_CHECK_STATUS(FsdImpersonateClient(&S.Dynamic), STATUS_CANNOT_IMPERSONATE);
    FsdFreeClientSecurityContext(S.Static.ClientContext);
    S.Static.ClientContext = NULL;
    WDK_CHECK(WdkReferences(Client) == Before);

    ObDereferenceObject(OtherProcess);
    ObDereferenceObject(ClientProcess);
    ObDereferenceObject(Other);
    ObDereferenceObject(Client);
    return WdkFinish("test_wdk_client_worker");
}
