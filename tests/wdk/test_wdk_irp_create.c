/*
 * test_wdk_irp_create.c - the IRP's security data on IRP_MJ_CREATE and a secure device,
 * re-created (not copied) after the patterns of WinFsp create.c/fileinfo.c (the create
 * "prepare" step: the subject context duplicated into an Identification-level client token,
 * a UserMode handle to it for the user-mode file system with IoGetRequestorProcessId, and
 * the handle closed later from another thread attached to the requestor), fastfat create.c
 * (ACCESS_SYSTEM_SECURITY granted only with SeSinglePrivilegeCheck of SeSecurityPrivilege)
 * and Dokany init.c (IoCreateDeviceSecure with SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R).
 */
#include <ntifs.h>
#include <wdmsec.h>
#include "harness.h"

/* What the create dispatch hands to the user-mode side and what the scene checks. */
typedef struct _SCENE {
    ACCESS_MASK Desired;
    NTSTATUS Prepare;
    NTSTATUS SystemSecurity;
    HANDLE UserModeToken;
    PEPROCESS Process;                /* one reference (the handle lives in its context) */
    ULONG OriginatingProcessId;
    ULONG RequestorId;                /* PsGetProcessId of the requestor, seen by the scene */
    ACCESS_MASK Granted;              /* PreviouslyGrantedAccess after the system-security step */
    ACCESS_MASK Remaining;
    SECURITY_IMPERSONATION_LEVEL HandleLevel;
    TOKEN_TYPE HandleType;
    NTSTATUS Close;
} SCENE;

static LUID FsdSecurityPrivilege = { SE_SECURITY_PRIVILEGE, 0 };

/* ACCESS_SYSTEM_SECURITY moves from remaining to granted only with SeSecurityPrivilege. */
static NTSTATUS FsdCheckSystemSecurityAccess(PIRP Irp)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PACCESS_STATE AccessState;
    PAGED_CODE();
    NT_ASSERT(IrpSp->Parameters.Create.SecurityContext != NULL);
    AccessState = IrpSp->Parameters.Create.SecurityContext->AccessState;
    if (FlagOn(AccessState->RemainingDesiredAccess, ACCESS_SYSTEM_SECURITY)) {
        if (!SeSinglePrivilegeCheck(FsdSecurityPrivilege, UserMode))
            return STATUS_ACCESS_DENIED;
        ClearFlag(AccessState->RemainingDesiredAccess, ACCESS_SYSTEM_SECURITY);
        SetFlag(AccessState->PreviouslyGrantedAccess, ACCESS_SYSTEM_SECURITY);
    }
    return STATUS_SUCCESS;
}

/* The create's "prepare" step: an Identification-level copy of the opener's token and a
 * UserMode handle to it, plus the originating process id, for the user-mode file system. */
static NTSTATUS FsdCreatePrepare(PIRP Irp, SCENE *S)
{
    PIO_STACK_LOCATION IrpSp = IoGetCurrentIrpStackLocation(Irp);
    PSECURITY_SUBJECT_CONTEXT SubjectContext;
    SECURITY_QUALITY_OF_SERVICE Qos;
    SECURITY_CLIENT_CONTEXT ClientContext;
    HANDLE UserModeToken;
    NTSTATUS Result;
    PAGED_CODE();
    ASSERT(IrpSp->MajorFunction == IRP_MJ_CREATE);
    SubjectContext = &IrpSp->Parameters.Create.SecurityContext->AccessState->SubjectSecurityContext;
    Qos.Length = sizeof Qos;
    Qos.ImpersonationLevel = SecurityIdentification;
    Qos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    Qos.EffectiveOnly = FALSE;
    SeLockSubjectContext(SubjectContext);
    Result = SeCreateClientSecurityFromSubjectContext(SubjectContext, &Qos, FALSE, &ClientContext);
    SeUnlockSubjectContext(SubjectContext);
    if (!NT_SUCCESS(Result))
        return Result;
    ASSERT(TokenImpersonation == SeTokenType(ClientContext.ClientToken));
    Result = ObOpenObjectByPointer(ClientContext.ClientToken, 0, NULL, TOKEN_QUERY,
                                   *SeTokenObjectType, UserMode, &UserModeToken);
    SeDeleteClientSecurity(&ClientContext);
    if (!NT_SUCCESS(Result))
        return Result;
    S->Process = PsGetCurrentProcess();
    ObReferenceObject(S->Process);
    S->OriginatingProcessId = IoGetRequestorProcessId(Irp);
    S->UserModeToken = UserModeToken;
    return STATUS_SUCCESS;
}

/* The requestor's thread: builds the create IRP the I/O manager would send and dispatches. */
static VOID SceneCreate(PVOID Context)
{
    SCENE *S = Context;
    ACCESS_STATE AccessState;
    AUX_ACCESS_DATA AuxData;
    IO_SECURITY_CONTEXT SecurityContext;
    IO_STACK_LOCATION Stack;
    IRP Irp;
    RtlZeroMemory(&Irp, sizeof Irp);
    RtlZeroMemory(&Stack, sizeof Stack);
    WDK_CHECK_STATUS(SeCreateAccessState(&AccessState, &AuxData, S->Desired,
                                         IoGetFileObjectGenericMapping()), STATUS_SUCCESS);
    SecurityContext.SecurityQos = NULL;
    SecurityContext.AccessState = &AccessState;
    SecurityContext.DesiredAccess = S->Desired;
    SecurityContext.FullCreateOptions = FILE_NON_DIRECTORY_FILE;
    Stack.MajorFunction = IRP_MJ_CREATE;
    Stack.Flags = SL_FORCE_ACCESS_CHECK;
    Stack.Parameters.Create.SecurityContext = &SecurityContext;
    Stack.Parameters.Create.Options = (FILE_OPEN << 24) | FILE_NON_DIRECTORY_FILE;
    Stack.Parameters.Create.ShareAccess = FILE_SHARE_READ;
    Irp.Type = IO_TYPE_IRP;
    Irp.Size = sizeof Irp;
    Irp.RequestorMode = KernelMode;  /* SL_FORCE_ACCESS_CHECK makes it a UserMode check */
    Irp.Tail.Overlay.Thread = PsGetCurrentThread();
    Irp.Tail.Overlay.CurrentStackLocation = &Stack;
    S->RequestorId = (ULONG)(ULONG_PTR)PsGetCurrentProcessId();

    S->SystemSecurity = FsdCheckSystemSecurityAccess(&Irp);
    S->Granted = AccessState.PreviouslyGrantedAccess;
    S->Remaining = AccessState.RemainingDesiredAccess;
    S->Prepare = NT_SUCCESS(S->SystemSecurity) ? FsdCreatePrepare(&Irp, S) : S->SystemSecurity;
    Irp.IoStatus.Status = S->Prepare;
    Irp.IoStatus.Information = NT_SUCCESS(S->Prepare) ? FILE_OPENED : 0;
    SeDeleteAccessState(&AccessState);
}

/* The request's clean-up on another thread: attach to the requestor to close its handle. */
static VOID SceneFini(PVOID Context)
{
    SCENE *S = Context;
    KAPC_STATE ApcState;
    BOOLEAN Attach = S->Process != PsGetCurrentProcess();
    PACCESS_TOKEN Token = NULL;
    if (Attach)
        KeStackAttachProcess(S->Process, &ApcState);
    if (NT_SUCCESS(ObReferenceObjectByHandle(S->UserModeToken, TOKEN_QUERY, *SeTokenObjectType,
                                             UserMode, (PVOID *)&Token, NULL))) {
        S->HandleLevel = SeTokenImpersonationLevel(Token);
        S->HandleType = SeTokenType(Token);
        ObDereferenceObject(Token);
    }
    S->Close = ObCloseHandle(S->UserModeToken, UserMode);
    if (Attach)
        KeUnstackDetachProcess(&ApcState);
    ObDereferenceObject(S->Process);
    S->Process = NULL;
}

/* Dokany's device: SYSTEM all, Administrators RWX, Everyone RW, Restricted R. */
static VOID SceneSecureDevice(PDRIVER_OBJECT Driver)
{
    PDEVICE_OBJECT Device = NULL;
    WDK_CHECK_STATUS(IoCreateDeviceSecure(Driver, 0, NULL, FILE_DEVICE_UNKNOWN,
                                          FILE_DEVICE_SECURE_OPEN | FILE_AUTOGENERATED_DEVICE_NAME,
                                          FALSE, &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R, NULL,
                                          &Device), STATUS_SUCCESS);
    if (Device == NULL)
        return;
    SECURITY_SUBJECT_CONTEXT Subject;
    ACCESS_MASK Granted = 0;
    NTSTATUS Status;
    SeCaptureSubjectContext(&Subject);
    SeLockSubjectContext(&Subject);
    /* Everyone may open it for read and write, not for execute. */
    WDK_CHECK(SeAccessCheck(Device->SecurityDescriptor, &Subject, TRUE, FILE_GENERIC_READ | FILE_WRITE_DATA,
                            0, NULL, IoGetFileObjectGenericMapping(), UserMode, &Granted, &Status));
    WDK_CHECK(Granted == (FILE_GENERIC_READ | FILE_WRITE_DATA));
    WDK_CHECK(!SeAccessCheck(Device->SecurityDescriptor, &Subject, TRUE, FILE_EXECUTE, 0, NULL,
                             IoGetFileObjectGenericMapping(), UserMode, &Granted, &Status));
    WDK_CHECK_STATUS(Status, STATUS_ACCESS_DENIED);
    SeUnlockSubjectContext(&Subject);
    SeReleaseSubjectContext(&Subject);
    IoDeleteDevice(Device);
}

static VOID SceneDevice(PVOID Context)
{
    SceneSecureDevice(Context);
}

int main(void)
{
    SCENE S;
    DRIVER_OBJECT Driver;
    RtlZeroMemory(&S, sizeof S);
    RtlZeroMemory(&Driver, sizeof Driver);
    PACCESS_TOKEN User = WdkToken("user=S-1-5-21-7-7-7-1001 groups=WD,BU");
    PEPROCESS UserProcess = WdkProcess(User);
    LONG_PTR UserRefs = WdkReferences(User);

    /* A plain open: the prepare step hands out an Identification copy and the requestor id. */
    S.Desired = FILE_GENERIC_READ;
    WdkRunThread(UserProcess, SceneCreate, &S);
    WDK_CHECK_STATUS(S.SystemSecurity, STATUS_SUCCESS);
    WDK_CHECK_STATUS(S.Prepare, STATUS_SUCCESS);
    WDK_CHECK(S.OriginatingProcessId != 0);
    WDK_CHECK(S.OriginatingProcessId == S.RequestorId);
    WDK_CHECK(S.Process == UserProcess);
    WDK_CHECK(S.UserModeToken != NULL);
    /* The clean-up runs on a thread of another process (the System process). */
    WdkRunThread(PsInitialSystemProcess, SceneFini, &S);
    WDK_CHECK_STATUS(S.Close, STATUS_SUCCESS);
    WDK_CHECK(S.HandleType == TokenImpersonation);
    WDK_CHECK(S.HandleLevel == SecurityIdentification);
    WDK_CHECK(WdkReferences(User) == UserRefs);

    /* ACCESS_SYSTEM_SECURITY without SeSecurityPrivilege: refused, nothing handed out. */
    RtlZeroMemory(&S, sizeof S);
    S.Desired = FILE_READ_DATA | ACCESS_SYSTEM_SECURITY;
    WdkRunThread(UserProcess, SceneCreate, &S);
    WDK_CHECK_STATUS(S.SystemSecurity, STATUS_ACCESS_DENIED);
    WDK_CHECK(S.Remaining == (FILE_READ_DATA | ACCESS_SYSTEM_SECURITY));
    WDK_CHECK(S.UserModeToken == NULL && S.Process == NULL);

    /* With the privilege enabled it moves to the granted access. */
    PACCESS_TOKEN Auditor = WdkToken("user=S-1-5-21-7-7-7-1003 groups=WD privileges=SeSecurityPrivilege");
    PEPROCESS AuditorProcess = WdkProcess(Auditor);
    RtlZeroMemory(&S, sizeof S);
    S.Desired = FILE_READ_DATA | ACCESS_SYSTEM_SECURITY;
    WdkRunThread(AuditorProcess, SceneCreate, &S);
    WDK_CHECK_STATUS(S.SystemSecurity, STATUS_SUCCESS);
    WDK_CHECK(S.Granted == ACCESS_SYSTEM_SECURITY);
    WDK_CHECK(S.Remaining == FILE_READ_DATA);
    WDK_CHECK_STATUS(S.Prepare, STATUS_SUCCESS);
    WdkRunThread(PsInitialSystemProcess, SceneFini, &S);
    WDK_CHECK_STATUS(S.Close, STATUS_SUCCESS);

    /* The secure device, checked by a user of Everyone. */
    WdkRunThread(UserProcess, SceneDevice, &Driver);
    WDK_CHECK(Driver.DeviceObject == NULL);

    ObDereferenceObject(AuditorProcess);
    ObDereferenceObject(Auditor);
    ObDereferenceObject(UserProcess);
    ObDereferenceObject(User);
    return WdkFinish("test_wdk_irp_create");
}
