/*
 * test_wdk_process_token.c - who is asking, re-created (not copied) after the patterns of
 * OpenAFS AFSProcessSupport.cpp / AFSGeneric.cpp and Dokany/WinFsp util code: attaching to
 * the requesting process (KeStackAttachProcess), its primary token and session
 * (PsReferencePrimaryToken, SeQueryInformationToken(TokenSessionId, (PVOID *)&ULONG)), the
 * user SID as text (RtlConvertSidToUnicodeString), the logon id (SeQueryAuthenticationIdToken),
 * token queries by handle (ZwOpenProcessTokenEx, ZwQueryInformationToken, ZwClose,
 * ObCloseHandle), L"" names with RtlInitUnicodeString, InitializeObjectAttributes.
 */
#include <ntifs.h>
#include "fsdstubs.h"
#include "harness.h"

typedef struct _FSD_PROCESS_INFO {
    ULONG SessionId;
    LUID AuthenticationId;
    UNICODE_STRING UserSid;    /* allocated: RtlFreeUnicodeString */
    BOOLEAN IsAdmin;
    HANDLE CallerId;
} FSD_PROCESS_INFO;

static NTSTATUS FsdGetProcessInfo(PEPROCESS Process, FSD_PROCESS_INFO *Info)
{
    KAPC_STATE ApcState;
    PACCESS_TOKEN Token;
    PTOKEN_USER User = NULL;
    NTSTATUS Status;
    PAGED_CODE();
    RtlZeroMemory(Info, sizeof(*Info));
    Info->CallerId = PsGetCurrentProcessId();
    KeStackAttachProcess(Process, &ApcState);
    Token = PsReferencePrimaryToken(PsGetCurrentProcess());
    KeUnstackDetachProcess(&ApcState);
    if (Token == NULL)
        return STATUS_NO_TOKEN;
    Status = SeQueryInformationToken(Token, TokenSessionId, (PVOID *)&Info->SessionId);
    if (NT_SUCCESS(Status))
        Status = SeQueryAuthenticationIdToken(Token, &Info->AuthenticationId);
    if (NT_SUCCESS(Status))
        Status = SeQueryInformationToken(Token, TokenUser, (PVOID *)&User);
    if (NT_SUCCESS(Status)) {
        Status = RtlConvertSidToUnicodeString(&Info->UserSid, User->User.Sid, TRUE);
        ExFreePool(User);
    }
    Info->IsAdmin = SeTokenIsAdmin(Token);
    PsDereferencePrimaryToken(Token);
    return Status;
}

/* The same facts by handle, as code that only has ZwXxx does. */
static NTSTATUS FsdGetStatisticsByHandle(PTOKEN_STATISTICS Statistics)
{
    HANDLE TokenHandle;
    ULONG Returned;
    NTSTATUS Status;
    PAGED_CODE();
    Status = ZwOpenProcessTokenEx(NtCurrentProcess(), TOKEN_QUERY, OBJ_KERNEL_HANDLE, &TokenHandle);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = ZwQueryInformationToken(TokenHandle, TokenStatistics, Statistics, sizeof(*Statistics), &Returned);
    ObCloseHandle(TokenHandle, KernelMode);
    return Status;
}

static BOOLEAN FsdUnicodeEquals(PUNICODE_STRING A, PCWSTR B)
{
    UNICODE_STRING Bs;
    RtlInitUnicodeString(&Bs, B);
    return A->Length == Bs.Length && RtlEqualMemory(A->Buffer, Bs.Buffer, A->Length);
}

typedef struct _SCENE {
    PEPROCESS Target;
    FSD_PROCESS_INFO Info;
    NTSTATUS InfoStatus, StatsStatus;
    TOKEN_STATISTICS Stats;
    PEPROCESS AttachedSeen, OwnerSeen;
    PACCESS_TOKEN CapturedPrimary;
} SCENE;

/* Runs on a thread of the caller's process; looks at the target process's identity. */
static VOID SceneInspect(PVOID Context)
{
    SCENE *S = Context;
    KAPC_STATE ApcState;
    SECURITY_SUBJECT_CONTEXT Subject;
    S->InfoStatus = FsdGetProcessInfo(S->Target, &S->Info);
    S->StatsStatus = FsdGetStatisticsByHandle(&S->Stats);
    KeStackAttachProcess(S->Target, &ApcState);
    S->AttachedSeen = PsGetCurrentProcess();
    S->OwnerSeen = PsGetThreadProcess(PsGetCurrentThread());
    SeCaptureSubjectContext(&Subject);
    S->CapturedPrimary = Subject.PrimaryToken;
    SeReleaseSubjectContext(&Subject);
    KeUnstackDetachProcess(&ApcState);
}

static KSTART_ROUTINE FsdSystemWorker; /* declared as Dokany init.c does */

static VOID FsdSystemWorker(PVOID Context)
{
    PAGED_CODE();
    WDK_CHECK(PsIsSystemThread(PsGetCurrentThread()));
    WdkEventSet((WDK_EVENT *)Context);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

int main(void)
{
    SCENE S;
    RtlZeroMemory(&S, sizeof(S));
    PACCESS_TOKEN Caller = WdkToken("user=S-1-5-21-3-3-3-1001 groups=WD,BU session=2 auth-id=0x0:0x5151");
    PACCESS_TOKEN Target = WdkToken("user=S-1-5-21-3-3-3-500 groups=WD,BA session=9 auth-id=0x0:0x7272");
    PEPROCESS CallerProcess = WdkProcess(Caller);
    S.Target = WdkProcess(Target);
    LONG_PTR TargetRefs = WdkReferences(S.Target);
    WdkRunThread(CallerProcess, SceneInspect, &S);
    WDK_CHECK_STATUS(S.InfoStatus, STATUS_SUCCESS);
    WDK_CHECK(S.Info.SessionId == 9);
    WDK_CHECK(S.Info.AuthenticationId.LowPart == 0x7272 && S.Info.AuthenticationId.HighPart == 0);
    WDK_CHECK(FsdUnicodeEquals(&S.Info.UserSid, L"S-1-5-21-3-3-3-500"));
    WDK_CHECK(S.Info.IsAdmin);
    WDK_CHECK(S.Info.CallerId == PsGetProcessId(CallerProcess));
    WDK_CHECK_STATUS(S.StatsStatus, STATUS_SUCCESS);
    WDK_CHECK(S.Stats.AuthenticationId.LowPart == 0x5151); /* the caller's own token */
    WDK_CHECK(S.Stats.TokenType == TokenPrimary);
    WDK_CHECK(S.AttachedSeen == S.Target);
    WDK_CHECK(S.OwnerSeen == CallerProcess);
    WDK_CHECK(S.CapturedPrimary == Target);                 /* the attached process's token */
    WDK_CHECK(WdkReferences(S.Target) == TargetRefs);
    RtlFreeUnicodeString(&S.Info.UserSid);
    WDK_CHECK(S.Info.UserSid.Buffer == NULL);

    /* A system thread with object attributes, as drivers start their workers. */
    OBJECT_ATTRIBUTES Attributes;
    HANDLE Thread;
    InitializeObjectAttributes(&Attributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    WDK_CHECK(Attributes.Length == sizeof(OBJECT_ATTRIBUTES) && Attributes.Attributes == OBJ_KERNEL_HANDLE);
    WDK_EVENT Started;
    WdkEventInit(&Started);
    WDK_CHECK_STATUS(PsCreateSystemThread(&Thread, THREAD_ALL_ACCESS, &Attributes, NULL, NULL,
                                          FsdSystemWorker, &Started), STATUS_SUCCESS);
    WdkEventWait(&Started);
    WDK_CHECK_STATUS(ZwClose(Thread), STATUS_SUCCESS);

    ObDereferenceObject(S.Target);
    ObDereferenceObject(CallerProcess);
    ObDereferenceObject(Target);
    ObDereferenceObject(Caller);
    return WdkFinish("test_wdk_process_token");
}
