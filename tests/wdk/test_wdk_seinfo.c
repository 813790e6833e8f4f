/*
 * test_wdk_seinfo.c - query and set security on a file, and the descriptor of a new file,
 * re-created (not copied) after the patterns of ReactOS npfs seinfo.c, WinFsp security.c /
 * create.c and Dokany security.c: SeQuerySecurityDescriptorInfo into the caller's buffer
 * (STATUS_BUFFER_OVERFLOW with the size when short), SeSetSecurityDescriptorInfo +
 * ObLogSecurityDescriptor + ExFreePoolWithTag(..., 0) + ObDereferenceSecurityDescriptor,
 * SeAssignSecurity from the parent for a create.
 */
#include <ntifs.h>
#include "fsdstubs.h"
#include "harness.h"

static NTSTATUS FsdCommonQuerySecurityInfo(PFSD_FCB Fcb, PFSD_REQUEST Request)
{
    NTSTATUS Status;
    PAGED_CODE();
    Status = SeQuerySecurityDescriptorInfo(&Request->SecurityInformation, Request->UserBuffer,
                                           &Request->Length, &Fcb->SecurityDescriptor);
    if (Status == STATUS_BUFFER_TOO_SMALL) {
        Request->Information = Request->Length;
        Status = STATUS_BUFFER_OVERFLOW;
    }
    return Status;
}

static NTSTATUS FsdCommonSetSecurityInfo(PFSD_FCB Fcb, PFSD_REQUEST Request)
{
    PSECURITY_DESCRIPTOR OldSecurityDescriptor, TempSecurityDescriptor, NewSecurityDescriptor;
    NTSTATUS Status;
    PAGED_CODE();
    OldSecurityDescriptor = TempSecurityDescriptor = Fcb->SecurityDescriptor;
    Status = SeSetSecurityDescriptorInfo(NULL, &Request->SecurityInformation, Request->NewDescriptor,
                                         &TempSecurityDescriptor, PagedPool, IoGetFileObjectGenericMapping());
    if (!NT_SUCCESS(Status))
        return Status;
    Status = ObLogSecurityDescriptor(TempSecurityDescriptor, &NewSecurityDescriptor, 1);
    ASSERT(TempSecurityDescriptor != OldSecurityDescriptor);
    ExFreePoolWithTag(TempSecurityDescriptor, 0);
    if (!NT_SUCCESS(Status))
        return Status;
    Fcb->SecurityDescriptor = NewSecurityDescriptor;
    ObDereferenceSecurityDescriptor(OldSecurityDescriptor, 1);
    return Status;
}

/* The descriptor of a new file under Parent, by the requestor's subject context. */
static NTSTATUS FsdAssignNewFileSecurity(PFSD_FCB Parent, PACCESS_STATE AccessState, PFSD_FCB NewFcb)
{
    PSECURITY_DESCRIPTOR Assigned = NULL;
    NTSTATUS Status;
    PAGED_CODE();
    Status = SeAssignSecurity(Parent->SecurityDescriptor, AccessState->SecurityDescriptor, &Assigned,
                              NewFcb->IsDirectory, &AccessState->SubjectSecurityContext,
                              IoGetFileObjectGenericMapping(), PagedPool);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = ObLogSecurityDescriptor(Assigned, &NewFcb->SecurityDescriptor, 1);
    SeDeassignSecurity(&Assigned);
    return Status;
}

static SECURITY_INFORMATION AllParts = OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                       DACL_SECURITY_INFORMATION;

typedef struct _SCENE {
    FSD_FCB Dir, File;
    NTSTATUS Assign, Check;
    BOOLEAN Allowed;
    PSID Creator;
} SCENE;

static VOID SceneCreate(PVOID Context)
{
    SCENE *S = Context;
    ACCESS_STATE AccessState;
    AUX_ACCESS_DATA AuxData;
    ACCESS_MASK Granted;
    WDK_CHECK_STATUS(SeCreateAccessState(&AccessState, &AuxData, FILE_GENERIC_WRITE,
                                         IoGetFileObjectGenericMapping()), STATUS_SUCCESS);
    S->File.IsDirectory = FALSE;
    S->File.Parent = &S->Dir;
    S->Assign = FsdAssignNewFileSecurity(&S->Dir, &AccessState, &S->File);
    /* The creator (CREATOR OWNER in the parent's inheritable ACE) may write the new file. */
    if (NT_SUCCESS(S->Assign))
        S->Allowed = SeAccessCheck(S->File.SecurityDescriptor, &AccessState.SubjectSecurityContext, FALSE,
                                   FILE_WRITE_DATA, 0, NULL, IoGetFileObjectGenericMapping(), UserMode,
                                   &Granted, &S->Check);
    SeDeleteAccessState(&AccessState);
}

int main(void)
{
    SCENE S;
    RtlZeroMemory(&S, sizeof(S));
    /* The parent: SYSTEM all; CREATOR OWNER all on new files; Everyone read, inherited. */
    ULONG AclBuffer[64];
    PACL Acl = (PACL)AclBuffer;
    SECURITY_DESCRIPTOR Sd;
    UCHAR Relative[1024];
    ULONG Length = sizeof(Relative);
    RtlCreateAcl(Acl, sizeof(AclBuffer), ACL_REVISION);
    RtlAddAccessAllowedAceEx(Acl, ACL_REVISION, OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE, FILE_ALL_ACCESS,
                             SeExports->SeLocalSystemSid);
    RtlAddAccessAllowedAceEx(Acl, ACL_REVISION, OBJECT_INHERIT_ACE | INHERIT_ONLY_ACE, GENERIC_ALL,
                             SeExports->SeCreatorOwnerSid);
    RtlAddAccessAllowedAceEx(Acl, ACL_REVISION, OBJECT_INHERIT_ACE, FILE_GENERIC_READ, SeExports->SeWorldSid);
    RtlCreateSecurityDescriptor(&Sd, SECURITY_DESCRIPTOR_REVISION);
    RtlSetOwnerSecurityDescriptor(&Sd, SeExports->SeAliasAdminsSid, FALSE);
    RtlSetGroupSecurityDescriptor(&Sd, SeExports->SeLocalSystemSid, FALSE);
    RtlSetDaclSecurityDescriptor(&Sd, TRUE, Acl, FALSE);
    WDK_CHECK_STATUS(RtlAbsoluteToSelfRelativeSD(&Sd, Relative, &Length), STATUS_SUCCESS);
    WDK_CHECK_STATUS(ObLogSecurityDescriptor(Relative, &S.Dir.SecurityDescriptor, 1), STATUS_SUCCESS);
    S.Dir.IsDirectory = TRUE;

    /* Create a file as a user: the file is the user's, and the user may write it. */
    PACCESS_TOKEN User = WdkToken("user=S-1-5-21-5-5-5-1001 groups=WD,BU");
    PEPROCESS UserProcess = WdkProcess(User);
    WdkRunThread(UserProcess, SceneCreate, &S);
    WDK_CHECK_STATUS(S.Assign, STATUS_SUCCESS);
    WDK_CHECK(S.Allowed);

    /* Query: first too small (the size comes back), then into a large enough buffer. */
    FSD_REQUEST Request;
    UCHAR Buffer[512];
    RtlZeroMemory(&Request, sizeof(Request));
    Request.SecurityInformation = AllParts;
    Request.UserBuffer = Buffer;
    Request.Length = 8;
    WDK_CHECK_STATUS(FsdCommonQuerySecurityInfo(&S.File, &Request), STATUS_BUFFER_OVERFLOW);
    WDK_CHECK(Request.Information > 8);
    Request.Length = sizeof(Buffer);
    WDK_CHECK_STATUS(FsdCommonQuerySecurityInfo(&S.File, &Request), STATUS_SUCCESS);
    PSID Owner = NULL;
    BOOLEAN Defaulted;
    WDK_CHECK_STATUS(RtlGetOwnerSecurityDescriptor(Buffer, &Owner, &Defaulted), STATUS_SUCCESS);
    PTOKEN_USER UserInfo = NULL;
    WDK_CHECK_STATUS(SeQueryInformationToken(User, TokenUser, (PVOID *)&UserInfo), STATUS_SUCCESS);
    WDK_CHECK(Owner != NULL && UserInfo != NULL && RtlEqualSid(Owner, UserInfo->User.Sid));
    if (UserInfo)
        ExFreePool(UserInfo);

    /* Set a new DACL (generic rights in it are mapped); the old shared descriptor goes. */
    ULONG NewAclBuffer[32];
    SECURITY_DESCRIPTOR NewSd;
    RtlCreateAcl((PACL)NewAclBuffer, sizeof(NewAclBuffer), ACL_REVISION);
    RtlAddAccessAllowedAce((PACL)NewAclBuffer, ACL_REVISION, GENERIC_READ, SeExports->SeAliasUsersSid);
    RtlCreateSecurityDescriptor(&NewSd, SECURITY_DESCRIPTOR_REVISION);
    RtlSetDaclSecurityDescriptor(&NewSd, TRUE, (PACL)NewAclBuffer, FALSE);
    PSECURITY_DESCRIPTOR Before = S.File.SecurityDescriptor;
    Request.SecurityInformation = DACL_SECURITY_INFORMATION;
    Request.NewDescriptor = &NewSd;
    WDK_CHECK_STATUS(FsdCommonSetSecurityInfo(&S.File, &Request), STATUS_SUCCESS);
    WDK_CHECK(S.File.SecurityDescriptor != Before);
    BOOLEAN Present;
    PACL Dacl = NULL;
    PACCESS_ALLOWED_ACE Ace = NULL;
    WDK_CHECK_STATUS(RtlGetDaclSecurityDescriptor(S.File.SecurityDescriptor, &Present, &Dacl, &Defaulted),
                     STATUS_SUCCESS);
    WDK_CHECK(Present && Dacl != NULL && Dacl->AceCount == 1);
    if (Dacl && NT_SUCCESS(RtlGetAce(Dacl, 0, (PVOID *)&Ace)))
        WDK_CHECK(Ace->Mask == FILE_GENERIC_READ);
    /* The owner survived the DACL change. */
    WDK_CHECK_STATUS(RtlGetOwnerSecurityDescriptor(S.File.SecurityDescriptor, &Owner, &Defaulted), STATUS_SUCCESS);
    WDK_CHECK(Owner != NULL);

    ObDereferenceSecurityDescriptor(S.File.SecurityDescriptor, 1);
    ObDereferenceSecurityDescriptor(S.Dir.SecurityDescriptor, 1);
    ObDereferenceObject(UserProcess);
    ObDereferenceObject(User);
    return WdkFinish("test_wdk_seinfo");
}
