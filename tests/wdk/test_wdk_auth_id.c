/*
 * test_wdk_auth_id.c - OpenAFS AFSGeneric.cpp's security patterns, re-created (not copied):
 * the caller's logon id from its effective token (PsReferenceImpersonationToken, else
 * PsReferencePrimaryToken; SeQueryInformationToken(TokenStatistics); each token released the
 * way it was referenced; the statistics freed with ExFreePool), and a default descriptor
 * built by hand - a World SID from SeWorldSidAuthority, a SACL holding an inheritable Low
 * mandatory label with NO_WRITE_UP, World as owner - made self-relative, then checked.
 */
#include <ntifs.h>
#include "harness.h"

#define FSD_AFS_TAG 0x41467364 /* pool tag of the descriptor pieces */

typedef struct _SCENE {
    PACCESS_TOKEN Client;             /* impersonated when not NULL */
    LARGE_INTEGER AuthId;
    NTSTATUS Status;
    PSECURITY_DESCRIPTOR Sd;          /* the default descriptor, for the access checks */
    ACCESS_MASK Desired;
    BOOLEAN Granted;
    ACCESS_MASK GrantedAccess;
} SCENE;

/* The effective token's logon id (0 when there is no token). */
static LARGE_INTEGER FsdGetAuthenticationId(NTSTATUS *Result)
{
    LARGE_INTEGER AuthId = { 0 };
    PACCESS_TOKEN Token;
    PTOKEN_STATISTICS Statistics = NULL;
    BOOLEAN CopyOnOpen = FALSE, EffectiveOnly = FALSE, Primary = FALSE;
    SECURITY_IMPERSONATION_LEVEL Level;
    NTSTATUS Status;

    Token = PsReferenceImpersonationToken(PsGetCurrentThread(), &CopyOnOpen, &EffectiveOnly, &Level);
    if (Token == NULL) {
        Token = PsReferencePrimaryToken(PsGetCurrentProcess());
        if (Token == NULL) {
            *Result = STATUS_NO_TOKEN;
            return AuthId;
        }
        Primary = TRUE;
    }
    Status = SeQueryInformationToken(Token, TokenStatistics, (PVOID *)&Statistics);
    if (NT_SUCCESS(Status)) {
        AuthId.HighPart = Statistics->AuthenticationId.HighPart;
        AuthId.LowPart = Statistics->AuthenticationId.LowPart;
        ExFreePool(Statistics);
    }
    if (Primary)
        PsDereferencePrimaryToken(Token);
    else
        PsDereferenceImpersonationToken(Token);
    *Result = Status;
    return AuthId;
}

static VOID SceneAuthId(PVOID Context)
{
    SCENE *S = Context;
    if (S->Client != NULL)
        WDK_CHECK_STATUS(PsImpersonateClient(PsGetCurrentThread(), S->Client, FALSE, FALSE,
                                             SecurityImpersonation), STATUS_SUCCESS);
    S->AuthId = FsdGetAuthenticationId(&S->Status);
    if (S->Client != NULL)
        PsRevertToSelf();
}

/* World owner, a Low mandatory label (no write up) for objects and containers below. */
static PSECURITY_DESCRIPTOR FsdCreateDefaultSecurityDescriptor(VOID)
{
    PSID WorldSid = NULL;
    PSYSTEM_MANDATORY_LABEL_ACE Ace = NULL;
    PACL Sacl = NULL;
    SECURITY_DESCRIPTOR Sd;
    PSECURITY_DESCRIPTOR Relative = NULL;
    ULONG SidLength = RtlLengthRequiredSid(1), AceSize, SaclSize, Length = PAGE_SIZE;
    NTSTATUS Status = STATUS_INSUFFICIENT_RESOURCES;

    WorldSid = ExAllocatePoolWithTag(PagedPool, SidLength, FSD_AFS_TAG);
    if (WorldSid == NULL)
        goto Exit;
    RtlZeroMemory(WorldSid, SidLength);
    RtlInitializeSid(WorldSid, &SeWorldSidAuthority, 1);
    *RtlSubAuthoritySid(WorldSid, 0) = SECURITY_WORLD_RID;

    AceSize = FIELD_OFFSET(SYSTEM_MANDATORY_LABEL_ACE, SidStart) + RtlLengthSid(SeExports->SeLowMandatorySid);
    Ace = ExAllocatePoolWithTag(PagedPool, AceSize, FSD_AFS_TAG);
    SaclSize = sizeof(ACL) + AceSize;
    Sacl = ExAllocatePoolWithTag(PagedPool, SaclSize, FSD_AFS_TAG);
    if (Ace == NULL || Sacl == NULL)
        goto Exit;
    RtlZeroMemory(Ace, AceSize);
    Ace->Header.AceType = SYSTEM_MANDATORY_LABEL_ACE_TYPE;
    Ace->Header.AceFlags = OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE;
    Ace->Header.AceSize = (USHORT)AceSize;
    Ace->Mask = SYSTEM_MANDATORY_LABEL_NO_WRITE_UP;
    Status = RtlCopySid(RtlLengthSid(SeExports->SeLowMandatorySid), (PSID)&Ace->SidStart,
                        SeExports->SeLowMandatorySid);
    if (NT_SUCCESS(Status))
        Status = RtlCreateAcl(Sacl, SaclSize, ACL_REVISION);
    if (NT_SUCCESS(Status))
        Status = RtlAddAce(Sacl, ACL_REVISION, 0, Ace, Ace->Header.AceSize);
    if (NT_SUCCESS(Status))
        Status = RtlCreateSecurityDescriptor(&Sd, SECURITY_DESCRIPTOR_REVISION);
    if (NT_SUCCESS(Status))
        Status = RtlSetSaclSecurityDescriptor(&Sd, TRUE, Sacl, FALSE);
    if (NT_SUCCESS(Status))
        Status = RtlSetOwnerSecurityDescriptor(&Sd, WorldSid, FALSE);
    if (NT_SUCCESS(Status) && !RtlValidSecurityDescriptor(&Sd))
        Status = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(Status)) {
        Relative = ExAllocatePoolWithTag(NonPagedPool, PAGE_SIZE, FSD_AFS_TAG);
        Status = Relative != NULL ? RtlAbsoluteToSelfRelativeSD(&Sd, Relative, &Length)
                                  : STATUS_INSUFFICIENT_RESOURCES;
    }
    if (!NT_SUCCESS(Status) && Relative != NULL) {
        ExFreePoolWithTag(Relative, FSD_AFS_TAG);
        Relative = NULL;
    }
Exit:
    WDK_CHECK_STATUS(Status, STATUS_SUCCESS);
    if (Sacl != NULL)
        ExFreePoolWithTag(Sacl, FSD_AFS_TAG);
    if (Ace != NULL)
        ExFreePoolWithTag(Ace, FSD_AFS_TAG);
    if (WorldSid != NULL)
        ExFreePoolWithTag(WorldSid, FSD_AFS_TAG);
    return Relative;
}

static VOID SceneCheck(PVOID Context)
{
    SCENE *S = Context;
    SECURITY_SUBJECT_CONTEXT Subject;
    NTSTATUS Status;
    SeCaptureSubjectContext(&Subject);
    S->Granted = SeAccessCheck(S->Sd, &Subject, FALSE, S->Desired, 0, NULL,
                               IoGetFileObjectGenericMapping(), UserMode, &S->GrantedAccess, &Status);
    SeReleaseSubjectContext(&Subject);
}

int main(void)
{
    SCENE S;
    RtlZeroMemory(&S, sizeof S);
    PACCESS_TOKEN Server = WdkToken("user=S-1-5-21-4-4-4-1001 groups=WD privileges=SeImpersonatePrivilege "
                                    "auth-id=0x0:0x5151");
    PACCESS_TOKEN Client = WdkToken("user=S-1-5-21-4-4-4-1002 groups=WD type=impersonation "
                                    "level=impersonation auth-id=0x1:0x7272");
    PEPROCESS ServerProcess = WdkProcess(Server);
    LONG_PTR ServerRefs = WdkReferences(Server), ClientRefs = WdkReferences(Client);

    /* No impersonation: the primary token's logon id. */
    WdkRunThread(ServerProcess, SceneAuthId, &S);
    WDK_CHECK_STATUS(S.Status, STATUS_SUCCESS);
    WDK_CHECK(S.AuthId.HighPart == 0 && S.AuthId.LowPart == 0x5151);
    /* Impersonating: the client's. */
    S.Client = Client;
    WdkRunThread(ServerProcess, SceneAuthId, &S);
    WDK_CHECK_STATUS(S.Status, STATUS_SUCCESS);
    WDK_CHECK(S.AuthId.HighPart == 1 && S.AuthId.LowPart == 0x7272);
    WDK_CHECK(WdkReferences(Server) == ServerRefs && WdkReferences(Client) == ClientRefs);

    /* The default descriptor: no DACL, so everyone reads; the Low label keeps an Untrusted
     * caller from writing while a Medium one may. */
    S.Sd = FsdCreateDefaultSecurityDescriptor();
    WDK_CHECK(S.Sd != NULL && RtlValidSecurityDescriptor(S.Sd));
    PACCESS_TOKEN Untrusted = WdkToken("user=S-1-5-21-4-4-4-1003 groups=WD integrity=untrusted");
    PEPROCESS UntrustedProcess = WdkProcess(Untrusted);
    S.Desired = FILE_GENERIC_READ;
    WdkRunThread(UntrustedProcess, SceneCheck, &S);
    WDK_CHECK(S.Granted && S.GrantedAccess == FILE_GENERIC_READ);
    S.Desired = FILE_WRITE_DATA;
    WdkRunThread(UntrustedProcess, SceneCheck, &S);
    WDK_CHECK(!S.Granted);
    WdkRunThread(ServerProcess, SceneCheck, &S); /* medium integrity */
    WDK_CHECK(S.Granted && S.GrantedAccess == FILE_WRITE_DATA);
    if (S.Sd != NULL)
        ExFreePoolWithTag(S.Sd, FSD_AFS_TAG);

    ObDereferenceObject(UntrustedProcess);
    ObDereferenceObject(Untrusted);
    ObDereferenceObject(ServerProcess);
    ObDereferenceObject(Client);
    ObDereferenceObject(Server);
    return WdkFinish("test_wdk_auth_id");
}
