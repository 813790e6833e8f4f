/*
 * test_shutdown_clean.c - a program that gave back everything it took gets no finding at all
 * from NtsecShutdown, not even a pool hint: the calling thread (main, adopted on its first
 * call) is torn down there as at its exit (its ETHREAD, its reference on the host process and
 * so that process's primary token), and what the library keeps for the process's life by
 * design (the ksec handle table's chunks) is not the caller's to give back. Before, every
 * such program - ntsec-fsd among them - printed "pool blocks still in use" hints for the
 * tags NObj, Tokn, SeIx and KsCt (docs/verifier.md "Pool"). After shutdown the thread is not
 * adopted again into the released host process. One test per binary: shutdown is final.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include "ntsec_test.h"
#include "sspi.h"

static _Atomic int Findings;
static char FirstFinding[512];

static VOID CollectFinding(const NTSEC_VERIFIER_REPORT *Report, PVOID Context)
{
    if (atomic_fetch_add(&Findings, 1) == 0)
        snprintf(FirstFinding, sizeof FirstFinding, "%s", Report->Message);
}

static _Atomic int WorkRuns;
static VOID CountRoutine(PVOID Parameter)
{
    atomic_fetch_add(&WorkRuns, 1);
}

static ULONG Tag(const char Text[4])
{
    return (ULONG)(unsigned char)Text[0] | (ULONG)(unsigned char)Text[1] << 8 |
           (ULONG)(unsigned char)Text[2] << 16 | (ULONG)(unsigned char)Text[3] << 24;
}

static void test_shutdown_of_a_clean_program_reports_nothing(void **state)
{
    NtsecEnableVerifier(NTSEC_VERIFIER_ENABLED);
    NtsecSetVerifierHandler(CollectFinding, NULL);

    PETHREAD me = PsGetCurrentThread();   /* main is adopted into the host process */
    assert_non_null(me);
    assert_non_null(PsGetThreadProcess(me));

    /* A token, taken and given back. */
    PACCESS_TOKEN token;
    assert_status(NtsecCreateTokenFromText("user=S-1-5-21-1-2-3-1001 groups=WD,AU", &token), STATUS_SUCCESS);
    ObDereferenceObject(token);

    /* An SSPI context (the ksec handle table allocates its first chunk), impersonated and
     * deleted. */
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    CtxtHandle h;
    assert_status(NtsecAcceptLocalPeer(sv[0], SecurityImpersonation, &h), STATUS_SUCCESS);
    assert_int_equal(ImpersonateSecurityContext(&h), SEC_E_OK);
    assert_int_equal(RevertSecurityContext(&h), SEC_E_OK);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    close(sv[0]);
    close(sv[1]);

    /* A work item on a system worker thread. */
    static WORK_QUEUE_ITEM item;
    ExInitializeWorkItem(&item, CountRoutine, NULL);
    ExQueueWorkItem(&item, DelayedWorkQueue);

    NtsecShutdown();

    assert_int_equal(atomic_load(&WorkRuns), 1);
    if (atomic_load(&Findings) != 0)
        fail_msg("%d finding(s) at shutdown, the first: %s", atomic_load(&Findings), FirstFinding);
    assert_int_equal(NtsecPoolBlocksInUse(Tag("NObj"), NULL), 0);   /* thread, process objects */
    assert_int_equal(NtsecPoolBlocksInUse(Tag("Tokn"), NULL), 0);   /* the host primary token */
    assert_int_equal(NtsecPoolBlocksInUse(Tag("SeIx"), NULL), 0);   /* its SID index */
    assert_null(PsInitialSystemProcess);

    /* No adoption into the released host process afterwards. */
    assert_null(PsGetCurrentThread());
    NtsecSetVerifierHandler(NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shutdown_of_a_clean_program_reports_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
