/*
 * test_wdk_create_access.c - the access checks a file system makes on IRP_MJ_CREATE,
 * re-created (not copied) after the patterns of fastfat acchksup.c/create.c, WinFsp
 * create.c/security.c and Dokany access.c: ACCESS_STATE from the IO_SECURITY_CONTEXT,
 * SeLockSubjectContext + SeAccessCheck + SeAppendPrivileges/SeFreePrivileges, the traverse
 * bypass, a volume-open check against DEVICE_OBJECT.SecurityDescriptor (also with a token
 * whose Everyone group SeFilterToken made deny-only, swapped into the locked subject
 * context), SePrivilegeCheck of SE_MANAGE_VOLUME_PRIVILEGE, and a "manage volume" check
 * against a descriptor built from SeExports.
 */
#include <ntifs.h>
#include "fsdstubs.h"
#include "harness.h"

/* The requestor's access to Fcb for what is still wanted; on success the granted bits move
 * from RemainingDesiredAccess to PreviouslyGrantedAccess. */
static NTSTATUS FsdCheckFileAccess(PFSD_FCB Fcb, PFSD_REQUEST Request)
{
    PACCESS_STATE AccessState = Request->SecurityContext->AccessState;
    PPRIVILEGE_SET Privileges = NULL;
    ACCESS_MASK GrantedAccess = 0;
    NTSTATUS Status;
    KPROCESSOR_MODE Mode;
    BOOLEAN Granted;

    PAGED_CODE();
    ASSERT(AccessState != NULL);
    Mode = FlagOn(Request->StackFlags, SL_FORCE_ACCESS_CHECK) ? UserMode : Request->RequestorMode;
    if (Mode == KernelMode)
        return STATUS_SUCCESS;

    SeLockSubjectContext(&AccessState->SubjectSecurityContext);
    Granted = SeAccessCheck(Fcb->SecurityDescriptor, &AccessState->SubjectSecurityContext, TRUE,
                            AccessState->RemainingDesiredAccess, AccessState->PreviouslyGrantedAccess,
                            &Privileges, IoGetFileObjectGenericMapping(), Mode, &GrantedAccess, &Status);
    if (Privileges != NULL) {
        (VOID)SeAppendPrivileges(AccessState, Privileges);
        SeFreePrivileges(Privileges);
    }
    if (Granted) {
        SetFlag(AccessState->PreviouslyGrantedAccess, GrantedAccess);
        ClearFlag(AccessState->RemainingDesiredAccess, GrantedAccess | MAXIMUM_ALLOWED);
        Status = STATUS_SUCCESS;
    }
    SeUnlockSubjectContext(&AccessState->SubjectSecurityContext);
    return Status;
}

/* Traverse check on the parent: skipped when the opener holds the bypass privilege. */
static NTSTATUS FsdCheckTraverse(PFSD_FCB Parent, PFSD_REQUEST Request)
{
    PACCESS_STATE AccessState = Request->SecurityContext->AccessState;
    ACCESS_MASK Granted;
    NTSTATUS Status;
    PAGED_CODE();
    if (BooleanFlagOn(AccessState->Flags, TOKEN_HAS_TRAVERSE_PRIVILEGE))
        return STATUS_SUCCESS;
    SeLockSubjectContext(&AccessState->SubjectSecurityContext);
    BOOLEAN Ok = SeAccessCheck(Parent->SecurityDescriptor, &AccessState->SubjectSecurityContext, TRUE,
                               FILE_TRAVERSE, 0, NULL, IoGetFileObjectGenericMapping(), UserMode,
                               &Granted, &Status);
    SeUnlockSubjectContext(&AccessState->SubjectSecurityContext);
    return Ok ? STATUS_SUCCESS : Status;
}

/* A volume open: the device's own descriptor decides. */
static BOOLEAN FsdExplicitDeviceAccessGranted(PDEVICE_OBJECT DeviceObject, PACCESS_STATE AccessState,
                                              KPROCESSOR_MODE ProcessorMode)
{
    ACCESS_MASK GrantedAccess;
    NTSTATUS AccessStatus;
    PPRIVILEGE_SET Privileges = NULL;
    BOOLEAN Result;
    PAGED_CODE();
    SeLockSubjectContext(&AccessState->SubjectSecurityContext);
    Result = SeAccessCheck(DeviceObject->SecurityDescriptor, &AccessState->SubjectSecurityContext, TRUE,
                           AccessState->OriginalDesiredAccess, 0, &Privileges,
                           IoGetFileObjectGenericMapping(), ProcessorMode, &GrantedAccess, &AccessStatus);
    if (Privileges != NULL)
        SeFreePrivileges(Privileges);
    SeUnlockSubjectContext(&AccessState->SubjectSecurityContext);
    return Result;
}

/* The manage-volume privilege, by LUID. */
static BOOLEAN FsdHasManageVolumePrivilege(PACCESS_STATE AccessState, KPROCESSOR_MODE ProcessorMode)
{
    PRIVILEGE_SET PrivilegeSet;
    PAGED_CODE();
    PrivilegeSet.PrivilegeCount = 1;
    PrivilegeSet.Control = PRIVILEGE_SET_ALL_NECESSARY;
    PrivilegeSet.Privilege[0].Luid = RtlConvertLongToLuid(SE_MANAGE_VOLUME_PRIVILEGE);
    PrivilegeSet.Privilege[0].Attributes = 0;
    return SePrivilegeCheck(&PrivilegeSet, &AccessState->SubjectSecurityContext, ProcessorMode);
}

/* Access to the device granted other than through Everyone: the effective token is
 * swapped for one whose Everyone group is deny-only, and the check is made again. */
static NTSTATUS FsdExplicitDeviceAccess(PDEVICE_OBJECT DeviceObject, PACCESS_STATE AccessState,
                                        KPROCESSOR_MODE ProcessorMode)
{
    TOKEN_GROUPS SidsToDisable;
    PACCESS_TOKEN Original, Restricted = NULL, *Effective;
    ACCESS_MASK Granted;
    NTSTATUS Status;
    PAGED_CODE();
    if (FsdHasManageVolumePrivilege(AccessState, ProcessorMode))
        return STATUS_SUCCESS;
    SeLockSubjectContext(&AccessState->SubjectSecurityContext);
    Effective = ARGUMENT_PRESENT(AccessState->SubjectSecurityContext.ClientToken)
                    ? &AccessState->SubjectSecurityContext.ClientToken
                    : &AccessState->SubjectSecurityContext.PrimaryToken;
    Original = *Effective;
    SidsToDisable.GroupCount = 1;
    SidsToDisable.Groups[0].Attributes = 0;
    SidsToDisable.Groups[0].Sid = SeExports->SeWorldSid;
    Status = SeFilterToken(Original, 0, &SidsToDisable, NULL, NULL, &Restricted);
    if (!NT_SUCCESS(Status)) {
        SeUnlockSubjectContext(&AccessState->SubjectSecurityContext);
        return Status;
    }
    *Effective = Restricted;
    SeAccessCheck(DeviceObject->SecurityDescriptor, &AccessState->SubjectSecurityContext, FALSE,
                  AccessState->OriginalDesiredAccess, 0, NULL, IoGetFileObjectGenericMapping(),
                  ProcessorMode, &Granted, &Status);
    *Effective = Original;
    SeUnlockSubjectContext(&AccessState->SubjectSecurityContext);
    ObDereferenceObject(Restricted);
    return Status;
}

/* Only Administrators and SYSTEM may manage the volume: a descriptor built on the stack. */
static BOOLEAN FsdCheckManageVolumeAccess(PACCESS_STATE AccessState, KPROCESSOR_MODE ProcessorMode)
{
    ULONG AclBuffer[64];
    PACL Acl = (PACL)AclBuffer;
    SECURITY_DESCRIPTOR Sd;
    ACCESS_MASK Granted;
    NTSTATUS Status;
    ACCESS_MASK Desired = FILE_READ_DATA | FILE_WRITE_DATA;
    PAGED_CODE();
    RtlZeroMemory(AclBuffer, sizeof(AclBuffer));
    if (!NT_SUCCESS(RtlCreateAcl(Acl, sizeof(AclBuffer), ACL_REVISION)) ||
        !NT_SUCCESS(RtlAddAccessAllowedAce(Acl, ACL_REVISION, Desired, SeExports->SeAliasAdminsSid)) ||
        !NT_SUCCESS(RtlAddAccessAllowedAce(Acl, ACL_REVISION, Desired, SeExports->SeLocalSystemSid)) ||
        !NT_SUCCESS(RtlCreateSecurityDescriptor(&Sd, SECURITY_DESCRIPTOR_REVISION)) ||
        !NT_SUCCESS(RtlSetDaclSecurityDescriptor(&Sd, TRUE, Acl, FALSE)) ||
        !NT_SUCCESS(RtlSetOwnerSecurityDescriptor(&Sd, SeExports->SeAliasAdminsSid, FALSE)) ||
        !NT_SUCCESS(RtlSetGroupSecurityDescriptor(&Sd, SeExports->SeAliasAdminsSid, FALSE)))
        return FALSE;
    SeLockSubjectContext(&AccessState->SubjectSecurityContext);
    BOOLEAN Ok = SeAccessCheck(&Sd, &AccessState->SubjectSecurityContext, TRUE, Desired, 0, NULL,
                               IoGetFileObjectGenericMapping(), ProcessorMode, &Granted, &Status);
    SeUnlockSubjectContext(&AccessState->SubjectSecurityContext);
    return Ok;
}

/* ---- The scene: the I/O manager's part of a create, done by hand ---- */

typedef struct _SCENE {
    FSD_FCB Dir, File;
    PDEVICE_OBJECT Device;
    NTSTATUS Create, Traverse;
    ACCESS_MASK Granted, Remaining;
    BOOLEAN Volume, Manage, Traversed;
    NTSTATUS Explicit;
    ACCESS_MASK Desired;
} SCENE;

static VOID SceneOpen(PVOID Context)
{
    SCENE *S = Context;
    ACCESS_STATE AccessState;
    AUX_ACCESS_DATA AuxData;
    IO_SECURITY_CONTEXT SecurityContext;
    FSD_REQUEST Request;
    RtlZeroMemory(&Request, sizeof(Request));
    WDK_CHECK_STATUS(SeCreateAccessState(&AccessState, &AuxData, S->Desired, IoGetFileObjectGenericMapping()),
                     STATUS_SUCCESS);
    SecurityContext.SecurityQos = NULL;
    SecurityContext.AccessState = &AccessState;
    SecurityContext.DesiredAccess = AccessState.OriginalDesiredAccess;
    SecurityContext.FullCreateOptions = FILE_NON_DIRECTORY_FILE;
    Request.SecurityContext = &SecurityContext;
    Request.RequestorMode = UserMode;
    S->Traverse = FsdCheckTraverse(&S->Dir, &Request);
    S->Traversed = BooleanFlagOn(AccessState.Flags, TOKEN_HAS_TRAVERSE_PRIVILEGE);
    S->Create = FsdCheckFileAccess(&S->File, &Request);
    S->Granted = AccessState.PreviouslyGrantedAccess;
    S->Remaining = AccessState.RemainingDesiredAccess;
    S->Volume = FsdExplicitDeviceAccessGranted(S->Device, &AccessState, UserMode);
    S->Manage = FsdCheckManageVolumeAccess(&AccessState, UserMode);
    S->Explicit = FsdExplicitDeviceAccess(S->Device, &AccessState, UserMode);
    /* Kernel-mode requestors are not checked unless SL_FORCE_ACCESS_CHECK. */
    Request.RequestorMode = KernelMode;
    WDK_CHECK_STATUS(FsdCheckFileAccess(&S->File, &Request), STATUS_SUCCESS);
    SeDeleteAccessState(&AccessState);
}

static PSECURITY_DESCRIPTOR FsdLogDescriptor(PACCESS_MASK Rights, PSID *Sids, ULONG Count)
{
    ULONG AclBuffer[128];
    SECURITY_DESCRIPTOR Sd;
    UCHAR Relative[1024];
    ULONG Length = sizeof(Relative);
    PSECURITY_DESCRIPTOR Logged = NULL;
    RtlCreateAcl((PACL)AclBuffer, sizeof(AclBuffer), ACL_REVISION);
    for (ULONG i = 0; i < Count; i++)
        RtlAddAccessAllowedAce((PACL)AclBuffer, ACL_REVISION, Rights[i], Sids[i]);
    RtlCreateSecurityDescriptor(&Sd, SECURITY_DESCRIPTOR_REVISION);
    RtlSetOwnerSecurityDescriptor(&Sd, SeExports->SeAliasAdminsSid, FALSE);
    RtlSetGroupSecurityDescriptor(&Sd, SeExports->SeLocalSystemSid, FALSE);
    RtlSetDaclSecurityDescriptor(&Sd, TRUE, (PACL)AclBuffer, FALSE);
    WDK_CHECK_STATUS(RtlAbsoluteToSelfRelativeSD(&Sd, Relative, &Length), STATUS_SUCCESS);
    WDK_CHECK_STATUS(ObLogSecurityDescriptor(Relative, &Logged, 1), STATUS_SUCCESS);
    return Logged;
}

int main(void)
{
    DRIVER_OBJECT Driver;
    SCENE S;
    RtlZeroMemory(&Driver, sizeof(Driver));
    RtlZeroMemory(&S, sizeof(S));
    WDK_CHECK_STATUS(IoCreateDevice(&Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &S.Device), STATUS_SUCCESS);
    /* The directory: Users may list and traverse. The file: Users read, Administrators all. */
    ACCESS_MASK DirRights[] = { FILE_LIST_DIRECTORY | FILE_TRAVERSE | SYNCHRONIZE, FILE_ALL_ACCESS };
    PSID DirSids[] = { SeExports->SeAliasUsersSid, SeExports->SeAliasAdminsSid };
    S.Dir.IsDirectory = TRUE;
    S.Dir.SecurityDescriptor = FsdLogDescriptor(DirRights, DirSids, 2);
    ACCESS_MASK FileRights[] = { FILE_GENERIC_READ, FILE_ALL_ACCESS };
    PSID FileSids[] = { SeExports->SeAliasUsersSid, SeExports->SeAliasAdminsSid };
    S.File.Parent = &S.Dir;
    S.File.SecurityDescriptor = FsdLogDescriptor(FileRights, FileSids, 2);

    /* A user (member of Users, with the bypass-traverse privilege) asks for read. */
    PACCESS_TOKEN User = WdkToken("user=S-1-5-21-7-7-7-1001 groups=WD,BU privileges=SeChangeNotifyPrivilege");
    PEPROCESS UserProcess = WdkProcess(User);
    S.Desired = GENERIC_READ;
    WdkRunThread(UserProcess, SceneOpen, &S);
    WDK_CHECK_STATUS(S.Traverse, STATUS_SUCCESS);
    WDK_CHECK(S.Traversed);
    WDK_CHECK_STATUS(S.Create, STATUS_SUCCESS);
    WDK_CHECK(S.Granted == FILE_GENERIC_READ);
    WDK_CHECK(S.Remaining == 0);
    WDK_CHECK(S.Volume);   /* the default device descriptor lets Everyone read */
    WDK_CHECK(!S.Manage);  /* not an administrator */
    WDK_CHECK_STATUS(S.Explicit, STATUS_ACCESS_DENIED); /* only through Everyone */

    /* The same user asking to write is refused, with the write bits still wanted. */
    S.Desired = FILE_WRITE_DATA;
    WdkRunThread(UserProcess, SceneOpen, &S);
    WDK_CHECK_STATUS(S.Create, STATUS_ACCESS_DENIED);
    WDK_CHECK(S.Remaining == FILE_WRITE_DATA);
    WDK_CHECK(!S.Volume);

    /* A user without the bypass privilege and not in Users cannot traverse the directory. */
    PACCESS_TOKEN Guest = WdkToken("user=S-1-5-21-7-7-7-1002 groups=WD");
    PEPROCESS GuestProcess = WdkProcess(Guest);
    S.Desired = FILE_READ_DATA;
    WdkRunThread(GuestProcess, SceneOpen, &S);
    WDK_CHECK_STATUS(S.Traverse, STATUS_ACCESS_DENIED);
    WDK_CHECK(!S.Traversed);

    /* An administrator may manage the volume and gets everything asked for. */
    PACCESS_TOKEN Admin = WdkToken("user=S-1-5-21-7-7-7-500 groups=WD,BA,BU privileges=SeChangeNotifyPrivilege");
    PEPROCESS AdminProcess = WdkProcess(Admin);
    S.Desired = MAXIMUM_ALLOWED;
    WdkRunThread(AdminProcess, SceneOpen, &S);
    WDK_CHECK_STATUS(S.Create, STATUS_SUCCESS);
    WDK_CHECK(S.Granted == FILE_ALL_ACCESS);
    WDK_CHECK(S.Manage);
    WDK_CHECK_STATUS(S.Explicit, STATUS_SUCCESS);      /* through Administrators */

    ObDereferenceObject(AdminProcess);
    ObDereferenceObject(Admin);
    ObDereferenceObject(GuestProcess);
    ObDereferenceObject(Guest);
    ObDereferenceObject(UserProcess);
    ObDereferenceObject(User);
    ObDereferenceSecurityDescriptor(S.File.SecurityDescriptor, 1);
    ObDereferenceSecurityDescriptor(S.Dir.SecurityDescriptor, 1);
    IoDeleteDevice(S.Device);
    return WdkFinish("test_wdk_create_access");
}
