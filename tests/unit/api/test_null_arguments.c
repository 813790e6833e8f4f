/*
 * test_null_arguments.c - every public routine, called with each of its pointer parameters
 * NULL in turn (the others valid), gives its documented outcome (issue 9 item 8;
 * docs/null-arguments.md).
 *
 * The call table (null_arguments_cases.inc) is generated at build time from
 * the headers in include/ntsec by tests/unit/api/gen_null_arguments.py, with the outcomes of
 * tests/unit/api/null_arguments.expect (a routine the file does not name gets the default of its
 * return type). Each call runs in a forked child with a fresh fixture, so a crash is reported
 * as a failure naming the routine and the parameter instead of ending the test. The parent
 * makes no ntsec calls and starts no threads (fork under TSan).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ntsec_test.h"
#include "wdmsec.h"
#include "sspi.h"

#define NULL_TOKEN_TEXT "user=S-1-5-21-1-2-3-1001 groups=WD,BU privileges=SeChangeNotifyPrivilege " \
                        "type=impersonation level=impersonation"
#define NULL_PRIMARY_TEXT "user=S-1-5-21-1-2-3-1001 groups=WD,BU privileges=SeChangeNotifyPrivilege"

typedef struct {
    PACCESS_TOKEN Token, PrimaryToken, ExtraTokenReference;
    PETHREAD Thread;
    PEPROCESS Process;
    _Alignas(16) UCHAR Sid[68];
    _Alignas(16) UCHAR SidBuffer[68];
    _Alignas(16) UCHAR SidBuffer2[68];
    _Alignas(16) UCHAR AclStorage[1024];
    _Alignas(16) UCHAR AclBuffer[1024];
    _Alignas(16) UCHAR AclBuffer2[1024];
    _Alignas(16) UCHAR AceList[256];
    _Alignas(16) UCHAR SdBuffer[4096];
    _Alignas(16) char Text[4096];
    PACL Acl;
    ULONG AceListLength;
    SECURITY_DESCRIPTOR SdAbsolute;
    PSECURITY_DESCRIPTOR Sd, RelSd, AssignedSd;
    ULONG RelSdLength;
    SID_IDENTIFIER_AUTHORITY Authority;
    GENERIC_MAPPING Mapping;
    SECURITY_SUBJECT_CONTEXT Subject, SubjectOut;
    SECURITY_CLIENT_CONTEXT Client, ClientOut;
    SECURITY_QUALITY_OF_SERVICE Qos;
    PRIVILEGE_SET PrivilegeSet[1];
    TOKEN_PRIVILEGES Privileges[1];
    TOKEN_GROUPS Groups[1];
    OBJECT_TYPE_LIST TypeList[1];
    GUID Guid;
    SE_IMPERSONATION_STATE ImpersonationState;
    WORK_QUEUE_ITEM WorkItem;
    DRIVER_OBJECT Driver;
    PDEVICE_OBJECT Device;
    PIO_WORKITEM IoWorkItem, IoItemBuffer, IoItemInitialized;
    CLIENT_ID ClientId;
    OBJECT_HANDLE_INFORMATION HandleInformation;
    HANDLE TokenHandle, HandleOut;
    CtxtHandle Ctx, CtxOut;
    int Socket;
    PCSTR IdMapPath;
    PVOID PoolBlock;
    PPRIVILEGE_SET PrivilegesOut, PrivilegesToFree;
    ACL_SIZE_INFORMATION AclSize;
    LUID ChangeNotify, Luid;
    ULONG Ulong, Size1, Size2, Size3, Size4, Size5;
    BOOLEAN Boolean;
    ACCESS_MASK Mask;
    NTSTATUS Status;
    SIZE_T SizeT;
    SECURITY_IMPERSONATION_LEVEL Level;
    TOKEN_TYPE TokenType;
    SECURITY_DESCRIPTOR_CONTROL Control;
    PSECURITY_DESCRIPTOR SdOut;
    PSID SidOut;
    PACL AclOut;
    PVOID PointerOut;
    PSTR TextOut;
    PACCESS_TOKEN TokenOut;
    PEPROCESS ProcessOut;
    PETHREAD ThreadOut;
    PDEVICE_OBJECT DeviceOut;
    PTOKEN_PRIVILEGES PrivilegesStateOut;
    ACCESS_STATE AccessState, AccessStateOut;
    AUX_ACCESS_DATA AuxData, AuxDataOut;
    KAPC_STATE ApcState;
    UNICODE_STRING UnicodeOut;
    SECURITY_INFORMATION SecInfo;
    PSECURITY_DESCRIPTOR LoggedSd;
} NULL_FIXTURE;

typedef struct {
    intptr_t Value;
    ULONG BugCheck;    /* first bug check code, 0 if none */
    ULONG Findings;    /* verifier findings */
    int Completed;     /* the call returned */
} NULL_RESULT;

typedef enum { NullExpectStatus, NullExpectReturns, NullExpectBugCheck, NullExpectAccepted, NullExpectFails } NULL_EXPECT;

typedef struct {
    PCSTR Header, Routine;
    int Index;
    PCSTR Parameter;
    void (*Call)(NULL_FIXTURE *F, NULL_RESULT *R);
    NULL_EXPECT Kind;
    intptr_t Expected;
    int HasReturn;     /* bugcheck ... returns X */
    intptr_t Return;
    PCSTR Text;
} NULL_CASE;

static NULL_RESULT *NullChildResult;

static VOID NullBugCheckHandler(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4, PVOID Context)
{
    (void)P1, (void)P2, (void)P3, (void)P4, (void)Context;
    if (NullChildResult != NULL && NullChildResult->BugCheck == 0)
        NullChildResult->BugCheck = Code;
}

static VOID NullVerifierHandler(const NTSEC_VERIFIER_REPORT *Report, PVOID Context)
{
    (void)Report, (void)Context;
    if (NullChildResult != NULL)
        NullChildResult->Findings++;
}

static VOID NullWorkRoutine(PVOID Parameter) { (void)Parameter; }
static VOID NullStartRoutine(PVOID Context) { (void)Context; }
static VOID NullIoWorkRoutine(PDEVICE_OBJECT Device, PVOID Context) { (void)Device, (void)Context; }

#define NULL_REQUIRE(x) do { if (!(x)) { fprintf(stderr, "fixture: %s failed\n", #x); _exit(90); } } while (0)

static void NullFixtureSetup(NULL_FIXTURE *F)
{
    memset(F, 0, sizeof(*F));
    NULL_REQUIRE(NtsecCreateTokenFromText(NULL_TOKEN_TEXT, &F->Token) == STATUS_SUCCESS);
    NULL_REQUIRE(NtsecCreateTokenFromText(NULL_PRIMARY_TEXT, &F->PrimaryToken) == STATUS_SUCCESS);
    F->ExtraTokenReference = F->Token;
    ObReferenceObject(F->Token);
    F->Thread = PsGetCurrentThread();
    F->Process = PsGetCurrentProcess();
    SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
    F->Authority = nt;
    NULL_REQUIRE(RtlInitializeSid(F->Sid, &nt, 1) == STATUS_SUCCESS);
    *RtlSubAuthoritySid(F->Sid, 0) = SECURITY_LOCAL_SYSTEM_RID;
    F->Acl = (PACL)F->AclStorage;
    NULL_REQUIRE(RtlCreateAcl(F->Acl, sizeof(F->AclStorage), ACL_REVISION) == STATUS_SUCCESS);
    NULL_REQUIRE(RtlAddAccessAllowedAce(F->Acl, ACL_REVISION, 1, F->Sid) == STATUS_SUCCESS);
    PVOID ace = NULL;
    NULL_REQUIRE(RtlGetAce(F->Acl, 0, &ace) == STATUS_SUCCESS);
    F->AceListLength = ((PACE_HEADER)ace)->AceSize;
    memcpy(F->AceList, ace, F->AceListLength);
    NULL_REQUIRE(RtlCreateSecurityDescriptor(&F->SdAbsolute, SECURITY_DESCRIPTOR_REVISION) == STATUS_SUCCESS);
    NULL_REQUIRE(RtlSetOwnerSecurityDescriptor(&F->SdAbsolute, F->Sid, FALSE) == STATUS_SUCCESS);
    NULL_REQUIRE(RtlSetGroupSecurityDescriptor(&F->SdAbsolute, F->Sid, FALSE) == STATUS_SUCCESS);
    NULL_REQUIRE(RtlSetDaclSecurityDescriptor(&F->SdAbsolute, TRUE, F->Acl, FALSE) == STATUS_SUCCESS);
    F->Sd = &F->SdAbsolute;
    NULL_REQUIRE(NtsecSddlToSecurityDescriptor("O:BAG:BAD:(A;;GA;;;WD)", &F->RelSd, &F->RelSdLength) == STATUS_SUCCESS);
    F->Size1 = sizeof(F->SdBuffer);
    F->Size2 = F->Size3 = sizeof(F->AclBuffer);
    F->Size4 = F->Size5 = sizeof(F->SidBuffer);
    F->Ulong = 4096;
    F->Mapping = (GENERIC_MAPPING){ 0x1, 0x2, 0x4, 0x7 };
    SeCaptureSubjectContext(&F->Subject);
    F->Qos.Length = sizeof(F->Qos);
    F->Qos.ImpersonationLevel = SecurityImpersonation;
    F->Qos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    F->Qos.EffectiveOnly = FALSE;
    NULL_REQUIRE(SeCreateClientSecurity(F->Thread, &F->Qos, FALSE, &F->Client) == STATUS_SUCCESS);
    F->ChangeNotify.LowPart = SE_CHANGE_NOTIFY_PRIVILEGE;
    F->PrivilegeSet[0].PrivilegeCount = 1;
    F->PrivilegeSet[0].Privilege[0].Luid = F->ChangeNotify;
    F->Privileges[0].PrivilegeCount = 1;
    F->Privileges[0].Privileges[0].Luid = F->ChangeNotify;
    F->Privileges[0].Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
    F->Groups[0].GroupCount = 1;
    F->Groups[0].Groups[0].Sid = F->Sid;
    F->TypeList[0].ObjectType = &F->Guid;
    ExInitializeWorkItem(&F->WorkItem, NullWorkRoutine, NULL);
    NULL_REQUIRE(IoCreateDevice(&F->Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &F->Device) == STATUS_SUCCESS);
    NULL_REQUIRE((F->IoWorkItem = IoAllocateWorkItem(F->Device)) != NULL);
    F->IoItemBuffer = calloc(1, IoSizeofWorkItem());
    F->IoItemInitialized = calloc(1, IoSizeofWorkItem());
    IoInitializeWorkItem(F->Device, F->IoItemInitialized);
    NULL_REQUIRE(ObOpenObjectByPointer(F->Token, OBJ_KERNEL_HANDLE, NULL, 0, *SeTokenObjectType, KernelMode,
                                       &F->TokenHandle) == STATUS_SUCCESS);
    NULL_REQUIRE(NtsecCreateSecurityContextForToken(F->Token, SecurityImpersonation, 0, &F->Ctx) == STATUS_SUCCESS);
    int sv[2];
    NULL_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    F->Socket = sv[0];
    F->IdMapPath = "/dev/null";
    NULL_REQUIRE((F->PoolBlock = ExAllocatePoolWithTag(PagedPool, 16, 0x6c6c754e)) != NULL);
    NULL_REQUIRE(SeCreateAccessState(&F->AccessState, &F->AuxData, FILE_READ_DATA,
                                     IoGetFileObjectGenericMapping()) == STATUS_SUCCESS);
    KeStackAttachProcess(F->Process, &F->ApcState); /* KeUnstackDetachProcess's valid state */
    F->SecInfo = OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;
    NULL_REQUIRE(ObLogSecurityDescriptor(F->RelSd, &F->LoggedSd, 4) == STATUS_SUCCESS);
}

#include "null_arguments_cases.inc"

/* Runs one case in a child; *Result gets what the child reported. Returns the wait status. */
static int NullRunCase(const NULL_CASE *C, NULL_RESULT *Result)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        /* cmocka's handlers would turn a crash into an exit status: crash for real. */
        static const int crash[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGALRM };
        for (size_t s = 0; s < sizeof(crash) / sizeof(crash[0]); s++)
            signal(crash[s], SIG_DFL);
        alarm(30);
        static NULL_FIXTURE fixture;
        NULL_RESULT r = { 0 };
        NullChildResult = &r;
        NtsecSetBugCheckHandler(NullBugCheckHandler, NULL);
        NtsecSetVerifierHandler(NullVerifierHandler, NULL);
        NullFixtureSetup(&fixture);
        r.Findings = 0;
        C->Call(&fixture, &r);
        r.Completed = 1;
        ssize_t n = write(fds[1], &r, sizeof(r));
        /* Leave without exit-time checks: the fixture (and threads some calls start) are
         * abandoned on purpose, which LSan/TSan would report as leaks. */
        syscall(SYS_exit_group, n == (ssize_t)sizeof(r) ? 0 : 91);
    }
    close(fds[1]);
    memset(Result, 0, sizeof(*Result));
    ssize_t got = 0, n;
    while (got < (ssize_t)sizeof(*Result) && (n = read(fds[0], (char *)Result + got, sizeof(*Result) - got)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        got += n;
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got != (ssize_t)sizeof(*Result))
        Result->Completed = 0;
    return status;
}

/* NULL if the result is the expected one, else why not (static buffer). */
static const char *NullJudge(const NULL_CASE *C, const NULL_RESULT *R, int Status)
{
    static char why[256];
    if (WIFSIGNALED(Status)) {
        snprintf(why, sizeof why, "killed by signal %d (%s)", WTERMSIG(Status), strsignal(WTERMSIG(Status)));
        return why;
    }
    if (!R->Completed) {
        snprintf(why, sizeof why, "child exited %d without returning from the call", WEXITSTATUS(Status));
        return why;
    }
    switch (C->Kind) {
    case NullExpectStatus:
    case NullExpectReturns:
        if (R->BugCheck != 0)
            snprintf(why, sizeof why, "bug check 0x%08X", (unsigned)R->BugCheck);
        else if (R->Value != C->Expected)
            snprintf(why, sizeof why, "returned 0x%lx", (unsigned long)(C->Kind == NullExpectStatus ? (uint32_t)R->Value : R->Value));
        else
            return NULL;
        return why;
    case NullExpectBugCheck:
        if ((intptr_t)R->BugCheck != C->Expected)
            snprintf(why, sizeof why, "bug check 0x%08X", (unsigned)R->BugCheck);
        else if (C->HasReturn && R->Value != C->Return)
            snprintf(why, sizeof why, "returned 0x%lx after the bug check", (unsigned long)R->Value);
        else if (NtsecVerifierFlags() != 0 && R->Findings == 0)
            snprintf(why, sizeof why, "no verifier finding with the verifier on");
        else
            return NULL;
        return why;
    case NullExpectFails:
        if (R->BugCheck != 0)
            snprintf(why, sizeof why, "bug check 0x%08X", (unsigned)R->BugCheck);
        else if ((int32_t)R->Value >= 0)
            snprintf(why, sizeof why, "returned 0x%lx, a success", (unsigned long)(uint32_t)R->Value);
        else
            return NULL;
        return why;
    case NullExpectAccepted:
        if (R->BugCheck != 0)
            snprintf(why, sizeof why, "bug check 0x%08X", (unsigned)R->BugCheck);
        else
            return NULL;
        return why;
    }
    return "bad case";
}

static void test_every_public_routine_with_each_pointer_argument_null(void **state)
{
    (void)state;
    const size_t n = sizeof(NullCases) / sizeof(NullCases[0]);
    int record = getenv("NTSEC_NULL_RECORD") != NULL;  /* print every outcome */
    const char *only = getenv("NTSEC_NULL_ONLY");       /* run one routine's cases */
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        const NULL_CASE *c = &NullCases[i];
        if (only != NULL && strcmp(only, c->Routine) != 0)
            continue;
        NULL_RESULT r;
        int status = NullRunCase(c, &r);
        const char *why = NullJudge(c, &r, status);
        if (record)
            printf("%s %s %s value=0x%lx bugcheck=0x%x findings=%u%s\n", c->Routine, c->Parameter,
                   why ? "FAIL" : "ok", (unsigned long)r.Value, (unsigned)r.BugCheck, (unsigned)r.Findings,
                   WIFSIGNALED(status) ? " SIGNAL" : "");
        if (why != NULL) {
            failed++;
            printf("FAIL %s (%s) parameter %d %s = NULL: expected %s, got %s\n", c->Routine, c->Header, c->Index,
                   c->Parameter, c->Text, why);
        }
    }
    printf("null arguments: %zu calls, %zu failed (outcomes: tests/unit/api/null_arguments.expect, docs/null-arguments.md)\n",
           n, failed);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_public_routine_with_each_pointer_argument_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
