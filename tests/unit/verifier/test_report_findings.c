/*
 * test_report_findings.c - every verifier finding (docs/verifier.md) provoked once, with the
 * report's kind, object and text asserted. The handler copies each report.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ntsec_test.h"
#include "ex/exp.h"
#include "ob/obp.h"
#include "ps/psp.h"

#define PT_A_TEXT "user=S-1-5-21-1-2-3-1001 groups=WD,AU,BU integrity=ME"
#define IT_A2_TEXT PT_A_TEXT " type=impersonation level=impersonation"
#define IT_B2_TEXT "user=S-1-5-21-1-2-3-1002 groups=WD,AU integrity=ME type=impersonation level=impersonation"

typedef struct _SEEN {
    NTSEC_VERIFIER_FINDING Kind;
    NTSEC_VERIFIER_SEVERITY Severity;
    PVOID Object;
    char ObjectType[32];
    char Routine[64];
    char Message[1400];
    BOOLEAN HasCreationStack;
    BOOLEAN HasMisuseStack;
    int Order;
} SEEN;

static pthread_mutex_t SeenLock = PTHREAD_MUTEX_INITIALIZER;
static SEEN Seen[64];
static int SeenCount;
static _Atomic int Sequence;

static VOID Collect(const NTSEC_VERIFIER_REPORT *Report, PVOID Context)
{
    pthread_mutex_lock(&SeenLock);
    if (SeenCount < 64) {
        SEEN *s = &Seen[SeenCount++];
        s->Kind = Report->Kind;
        s->Severity = Report->Severity;
        s->Object = Report->Object;
        snprintf(s->ObjectType, sizeof s->ObjectType, "%s", Report->ObjectType);
        snprintf(s->Routine, sizeof s->Routine, "%s", Report->Routine);
        snprintf(s->Message, sizeof s->Message, "%s", Report->Message);
        s->HasCreationStack = strstr(Report->CreationStack, "#0 ") != NULL;
        s->HasMisuseStack = strstr(Report->MisuseStack, "#0 ") != NULL;
        s->Order = atomic_fetch_add(&Sequence, 1);
    }
    pthread_mutex_unlock(&SeenLock);
}

/* The only report of Kind (fails if there is none or more than one). */
static SEEN *Only(NTSEC_VERIFIER_FINDING Kind)
{
    SEEN *found = NULL;
    int n = 0;
    for (int i = 0; i < SeenCount; i++)
        if (Seen[i].Kind == Kind) {
            found = &Seen[i];
            n++;
        }
    if (n != 1)
        fail_msg("expected one '%s' finding, got %d", NtsecVerifierFindingName(Kind), n);
    return found;
}

static int Setup(void **state)
{
    SeenCount = 0;
    NtsecEnableVerifier(NTSEC_VERIFIER_ENABLED);
    NtsecSetVerifierHandler(Collect, NULL);
    return 0;
}

static int Teardown(void **state)
{
    NtsecSetVerifierHandler(NULL, NULL);
    return 0;
}

static OBJECT_TYPE TestObjectType = { "TestObject", NULL };

/* Wrong object type: a process where a token is expected (the seed example's trap, 5-D24). */
static void test_finding_wrong_object_type_names_both_types_and_creation(void **state)
{
    PACCESS_TOKEN pt = TestToken(PT_A_TEXT);
    PEPROCESS proc;
    assert_status(NtsecCreateProcess(pt, &proc), STATUS_SUCCESS);
    LONG_PTR before = NtsecReferenceCount(proc);
    assert_status(ObReferenceObjectByPointer(proc, 0, *SeTokenObjectType, KernelMode),
                  STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(NtsecReferenceCount(proc), before);
    SEEN *s = Only(NtsecFindingWrongObjectType);
    assert_int_equal(s->Severity, NtsecSeverityError);
    assert_ptr_equal(s->Object, proc);
    assert_string_equal(s->ObjectType, "Process");
    assert_string_equal(s->Routine, "ObReferenceObjectByPointer");
    assert_non_null(strstr(s->Message, "expected a Token but was given Process"));
    assert_non_null(strstr(s->Message, "process (NtsecCreateProcess)"));
    assert_non_null(strstr(s->Message, "STATUS_OBJECT_TYPE_MISMATCH"));
    assert_true(s->HasCreationStack);
    assert_true(s->HasMisuseStack);
    ObDereferenceObject(proc);
    ObDereferenceObject(pt);
}

/* Dereference below zero: the object is quarantined, the second release is refused. */
static void test_finding_dereference_below_zero(void **state)
{
    PVOID obj;
    assert_status(ObpCreateObject(&TestObjectType, 32, "test object (below zero)", &obj),
                  STATUS_SUCCESS);
    assert_int_equal(ObDereferenceObject(obj), 0);
    assert_int_equal(SeenCount, 0);
    assert_int_equal(ObDereferenceObject(obj), 0);
    SEEN *s = Only(NtsecFindingDereferenceBelowZero);
    assert_ptr_equal(s->Object, obj);
    assert_string_equal(s->ObjectType, "TestObject");
    assert_non_null(strstr(s->Message, "below zero"));
    assert_non_null(strstr(s->Message, "test object (below zero)"));
    assert_true(s->HasCreationStack);
}

/* Use after the last reference: freed objects are poisoned and quarantined. */
static void test_finding_use_after_last_reference_poisoned(void **state)
{
    PVOID obj;
    assert_status(ObpCreateObject(&TestObjectType, 32, "test object (use after free)", &obj),
                  STATUS_SUCCESS);
    memset(obj, 0x11, 32);
    ObDereferenceObject(obj);
    assert_int_equal(NtsecReferenceCount(obj), -1);
    assert_int_equal(((PUCHAR)obj)[0], 0xFD); /* poisoned */
    assert_int_equal(((PUCHAR)obj)[31], 0xFD);
    ObReferenceObject(obj);
    SEEN *s = Only(NtsecFindingUseAfterFree);
    assert_ptr_equal(s->Object, obj);
    assert_string_equal(s->Routine, "ObfReferenceObject");
    assert_non_null(strstr(s->Message, "after its last reference was released"));
    assert_non_null(strstr(s->Message, "test object (use after free)"));
    assert_true(s->HasCreationStack);
}

/* A thread that ends while impersonating. */
static VOID ImpersonateAndReturn(PVOID Context)
{
    NTSTATUS st = PsImpersonateClient(PsGetCurrentThread(), Context, FALSE, FALSE,
                                      SecurityImpersonation);
    (void)st;
}

static void test_finding_thread_ends_impersonating(void **state)
{
    PACCESS_TOKEN pt = TestToken(PT_A_TEXT);
    PACCESS_TOKEN it = TestToken(IT_A2_TEXT);
    PEPROCESS proc;
    PETHREAD t;
    assert_status(NtsecCreateProcess(pt, &proc), STATUS_SUCCESS);
    LONG_PTR it0 = NtsecReferenceCount(it);
    assert_status(NtsecCreateThread(proc, ImpersonateAndReturn, it, &t), STATUS_SUCCESS);
    assert_status(NtsecJoinThread(t), STATUS_SUCCESS);
    SEEN *s = Only(NtsecFindingThreadExitImpersonating);
    assert_ptr_equal(s->Object, t);
    assert_string_equal(s->ObjectType, "Thread");
    assert_non_null(strstr(s->Message, "ended while impersonating Token"));
    assert_non_null(strstr(s->Message, "at level Impersonation"));
    assert_true(s->HasCreationStack);
    assert_int_equal(NtsecReferenceCount(it), it0); /* released at teardown (T4) */
    ObDereferenceObject(t);
    ObDereferenceObject(proc);
    ObDereferenceObject(it);
    ObDereferenceObject(pt);
}

/* A work item returning impersonating: reported before the 0xDF bug check. */
static _Atomic int BugCheckOrder = -1;
static _Atomic ULONG BugCheckCode;
static VOID RecordBugCheck(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4,
                           PVOID Context)
{
    BugCheckCode = Code;
    BugCheckOrder = atomic_fetch_add(&Sequence, 1);
}

static WORK_QUEUE_ITEM WorkItem;
static VOID WorkImpersonate(PVOID Parameter)
{
    NTSTATUS st = PsImpersonateClient(PsGetCurrentThread(), Parameter, FALSE, FALSE,
                                      SecurityImpersonation);
    (void)st;
}

static void test_finding_work_item_returns_impersonating_before_bugcheck(void **state)
{
    PACCESS_TOKEN it = TestToken(IT_A2_TEXT);
    LONG_PTR it0 = NtsecReferenceCount(it);
    NtsecSetBugCheckHandler(RecordBugCheck, NULL);
    ExInitializeWorkItem(&WorkItem, WorkImpersonate, it);
    ExQueueWorkItem(&WorkItem, DelayedWorkQueue);
    while (NtsecReferenceCount(it) != it0 || atomic_load(&BugCheckOrder) < 0)
        sched_yield();
    NtsecSetBugCheckHandler(NULL, NULL);
    SEEN *s = Only(NtsecFindingWorkItemImpersonating);
    assert_ptr_equal(s->Object, &WorkItem);
    assert_non_null(strstr(s->Message, "returned on system worker thread"));
    assert_non_null(strstr(s->Message, "SeStopImpersonatingClient"));
    assert_non_null(strstr(s->Message, "0xDF"));
    assert_int_equal(atomic_load(&BugCheckCode), IMPERSONATING_WORKER_THREAD);
    assert_true(s->Order < atomic_load(&BugCheckOrder));
    ObDereferenceObject(it);
}

/* Subject contexts: released twice, released while locked, never released. */
static void test_finding_subject_context_released_twice(void **state)
{
    SECURITY_SUBJECT_CONTEXT ctx;
    SeCaptureSubjectContext(&ctx);
    PACCESS_TOKEN primary = ctx.PrimaryToken;
    LONG_PTR p0 = NtsecReferenceCount(primary);
    SeReleaseSubjectContext(&ctx);
    assert_int_equal(NtsecReferenceCount(primary), p0 - 1);
    ctx.PrimaryToken = primary; /* a stale copy, as a buggy caller would hold */
    SeReleaseSubjectContext(&ctx);
    assert_int_equal(NtsecReferenceCount(primary), p0 - 1); /* refused: nothing released */
    SEEN *s = Only(NtsecFindingSubjectContextDoubleRelease);
    assert_ptr_equal(s->Object, &ctx);
    assert_string_equal(s->ObjectType, "subject context");
    assert_non_null(strstr(s->Message, "released a second time"));
    assert_true(s->HasCreationStack);
}

static void test_finding_subject_context_released_while_locked(void **state)
{
    SECURITY_SUBJECT_CONTEXT ctx;
    SeCaptureSubjectContext(&ctx);
    LONG_PTR p0 = NtsecReferenceCount(ctx.PrimaryToken);
    SeLockSubjectContext(&ctx);
    SeReleaseSubjectContext(&ctx);
    SEEN *s = Only(NtsecFindingSubjectContextReleaseLocked);
    assert_ptr_equal(s->Object, &ctx);
    assert_non_null(strstr(s->Message, "while still locked"));
    assert_int_equal(NtsecReferenceCount(ctx.PrimaryToken), p0); /* the release was refused */
    SeUnlockSubjectContext(&ctx);
    SeReleaseSubjectContext(&ctx);
    assert_int_equal(SeenCount, 1);
}

static void test_finding_subject_context_never_released(void **state)
{
    static SECURITY_SUBJECT_CONTEXT ctx;
    SeCaptureSubjectContext(&ctx);
    SeCaptureSubjectContext(&ctx); /* the first capture's references are lost */
    SEEN *s = Only(NtsecFindingSubjectContextLeak);
    assert_ptr_equal(s->Object, &ctx);
    assert_string_equal(s->Routine, "SeCaptureSubjectContext");
    assert_non_null(strstr(s->Message, "never released"));
    PACCESS_TOKEN lost = ctx.PrimaryToken;
    SeReleaseSubjectContext(&ctx);
    PsDereferencePrimaryToken(lost); /* give back the leaked reference by hand */

    /* ... and at NtsecVerifierCheckLeaks (as at NtsecShutdown). */
    SeenCount = 0;
    SeCaptureSubjectContext(&ctx);
    NtsecVerifierCheckLeaks();
    s = Only(NtsecFindingSubjectContextLeak);
    assert_ptr_equal(s->Object, &ctx);
    assert_string_equal(s->Routine, "NtsecShutdown");
    assert_non_null(strstr(s->Message, "captured but never released"));
    SeReleaseSubjectContext(&ctx);
}

/* Client contexts: deleted twice, used after delete. */
static void test_finding_client_context_deleted_twice_and_used_after_delete(void **state)
{
    SECURITY_QUALITY_OF_SERVICE qos = { sizeof qos, SecurityImpersonation,
                                        SECURITY_STATIC_TRACKING, FALSE };
    SECURITY_CLIENT_CONTEXT cc;
    assert_status(SeCreateClientSecurity(PsGetCurrentThread(), &qos, FALSE, &cc), STATUS_SUCCESS);
    PACCESS_TOKEN copy = cc.ClientToken;
    ObReferenceObject(copy);
    SeDeleteClientSecurity(&cc);
    assert_int_equal(NtsecReferenceCount(copy), 1);
    cc.ClientToken = copy; /* stale copy of the pointer */
    SeDeleteClientSecurity(&cc);
    assert_int_equal(NtsecReferenceCount(copy), 1); /* refused */
    SEEN *s = Only(NtsecFindingClientContextDoubleDelete);
    assert_ptr_equal(s->Object, &cc);
    assert_string_equal(s->ObjectType, "client context");
    assert_non_null(strstr(s->Message, "deleted a second time"));
    assert_true(s->HasCreationStack);

    NTSTATUS st = SeImpersonateClientEx(&cc, NULL);
    assert_false(NT_SUCCESS(st));
    assert_false(PspIsImpersonating(PsGetCurrentThread()));
    s = Only(NtsecFindingClientContextUseAfterDelete);
    assert_ptr_equal(s->Object, &cc);
    assert_non_null(strstr(s->Message, "after SeDeleteClientSecurity"));
    ObDereferenceObject(copy);
}

/* PsRestoreImpersonation without a matching PsDisableImpersonation; a matched pair is silent. */
static void test_finding_restore_without_disable(void **state)
{
    PACCESS_TOKEN it = TestToken(IT_A2_TEXT);
    SE_IMPERSONATION_STATE st;
    assert_status(PsImpersonateClient(PsGetCurrentThread(), it, FALSE, FALSE,
                                      SecurityImpersonation), STATUS_SUCCESS);
    assert_true(PsDisableImpersonation(PsGetCurrentThread(), &st));
    PsRestoreImpersonation(PsGetCurrentThread(), &st);
    assert_int_equal(SeenCount, 0);
    PsRevertToSelf();

    assert_false(PsDisableImpersonation(PsGetCurrentThread(), &st));
    PsRestoreImpersonation(PsGetCurrentThread(), &st);
    SEEN *s = Only(NtsecFindingRestoreWithoutDisable);
    assert_ptr_equal(s->Object, PsGetCurrentThread());
    assert_string_equal(s->Routine, "PsRestoreImpersonation");
    assert_non_null(strstr(s->Message, "only when PsDisableImpersonation returned TRUE"));
    ObDereferenceObject(it);
}

/* Downgrade hint: an Identification-level impersonation, then a UserMode access check. */
static void test_finding_downgrade_hint_names_rule_step(void **state)
{
    PACCESS_TOKEN pt = TestToken(PT_A_TEXT);
    PACCESS_TOKEN itB = TestToken(IT_B2_TEXT);
    PEPROCESS proc;
    assert_status(NtsecCreateProcess(pt, &proc), STATUS_SUCCESS);
    PSECURITY_DESCRIPTOR sd;
    ULONG len;
    assert_status(NtsecSddlToSecurityDescriptor("O:SYG:SYD:(A;;GA;;;WD)", &sd, &len),
                  STATUS_SUCCESS);
    static GENERIC_MAPPING map = { GENERIC_READ, GENERIC_WRITE, GENERIC_EXECUTE, GENERIC_ALL };

    /* The downgrade needs a thread of ProcA (no privilege, other user: rule step 5). */
    struct { PACCESS_TOKEN Token; PSECURITY_DESCRIPTOR Sd; GENERIC_MAPPING *Map;
             NTSTATUS Status; BOOLEAN Granted; } args = { itB, sd, &map, 0, TRUE };
    PETHREAD t;
    extern VOID HintThread(PVOID);
    assert_status(NtsecCreateThread(proc, HintThread, &args, &t), STATUS_SUCCESS);
    assert_status(NtsecJoinThread(t), STATUS_SUCCESS);
    assert_false(args.Granted);
    assert_status(args.Status, STATUS_BAD_IMPERSONATION_LEVEL);
    SEEN *s = Only(NtsecFindingDowngradedAccessCheck);
    assert_int_equal(s->Severity, NtsecSeverityHint);
    assert_non_null(strstr(s->Message, "STATUS_BAD_IMPERSONATION_LEVEL"));
    assert_non_null(strstr(s->Message, "Identification"));
    assert_non_null(strstr(s->Message, "downgraded"));
    assert_non_null(strstr(s->Message, NtsecDecisionText(NtsecDecisionDenyOtherUser)));
    NtsecFree(sd);
    ObDereferenceObject(t);
    ObDereferenceObject(proc);
    ObDereferenceObject(itB);
    ObDereferenceObject(pt);
}

VOID HintThread(PVOID Context)
{
    struct { PACCESS_TOKEN Token; PSECURITY_DESCRIPTOR Sd; GENERIC_MAPPING *Map;
             NTSTATUS Status; BOOLEAN Granted; } *a = Context;
    NTSTATUS st = PsImpersonateClient(PsGetCurrentThread(), a->Token, FALSE, FALSE,
                                      SecurityImpersonation);
    if (!NT_SUCCESS(st)) {
        a->Status = st;
        return;
    }
    SECURITY_SUBJECT_CONTEXT ctx;
    ACCESS_MASK granted = 0;
    SeCaptureSubjectContext(&ctx);
    a->Granted = SeAccessCheck(a->Sd, &ctx, FALSE, GENERIC_READ, 0, NULL, a->Map, UserMode,
                               &granted, &a->Status);
    SeReleaseSubjectContext(&ctx);
    PsRevertToSelf();
}

/* Delivery: the count grows for every finding; with no handler and NTSEC_VERIFIER_FATAL,
 * an error finding prints the report to stderr and aborts (CI's detector). */
static void test_unhandled_finding_is_fatal_in_fatal_mode(void **state)
{
    ULONG before = NtsecVerifierFindingCount();
    PVOID obj;
    assert_status(ObpCreateObject(&TestObjectType, 8, "test object (fatal)", &obj),
                  STATUS_SUCCESS);
    assert_status(ObReferenceObjectByPointer(obj, 0, *SeTokenObjectType, KernelMode),
                  STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(NtsecVerifierFindingCount(), before + 1);

    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        NtsecSetVerifierHandler(NULL, NULL);
        NtsecEnableVerifier(NTSEC_VERIFIER_ENABLED | NTSEC_VERIFIER_FATAL);
        (void)ObReferenceObjectByPointer(obj, 0, *SeTokenObjectType, KernelMode);
        _exit(0); /* not reached */
    }
    close(pipefd[1]);
    char text[8192] = "";
    size_t used = 0;
    ssize_t n;
    while (used < sizeof text - 1 && (n = read(pipefd[0], text + used, sizeof text - 1 - used)) > 0)
        used += (size_t)n;
    text[used] = '\0';
    close(pipefd[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    assert_non_null(strstr(text, "ntsec verifier error: wrong object type in ObReferenceObjectByPointer"));
    assert_non_null(strstr(text, "created at:"));
    assert_non_null(strstr(text, "seen at:"));
    assert_non_null(strstr(text, "NTSEC_VERIFIER_FATAL"));
    ObDereferenceObject(obj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_finding_wrong_object_type_names_both_types_and_creation, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_finding_dereference_below_zero, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_finding_use_after_last_reference_poisoned, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_finding_thread_ends_impersonating, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_finding_work_item_returns_impersonating_before_bugcheck, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_finding_subject_context_released_twice, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_finding_subject_context_released_while_locked, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_finding_subject_context_never_released, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_finding_client_context_deleted_twice_and_used_after_delete, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_finding_restore_without_disable, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_finding_downgrade_hint_names_rule_step, Setup, Teardown),
        cmocka_unit_test_setup_teardown(test_unhandled_finding_is_fatal_in_fatal_mode, Setup, Teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
