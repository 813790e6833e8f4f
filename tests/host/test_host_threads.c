/*
 * test_host_threads.c - credentials are per thread: two threads impersonating different
 * users at the same time each see only their own rights; and a change made by another
 * thread reaches a thread no later than its next ntsec call (PsGetCurrentThread) or
 * NtsecSyncHostCredentials (docs/host.md "When credentials change").
 */
#include "host_helpers.h"

static TH_TREE Tree;
static pthread_barrier_t Barrier;

static int SetupGroup(void **state)
{
    return ThSetupEuidTree(&Tree);
}

static int TeardownGroup(void **state)
{
    return ThTeardownEuidTree(&Tree);
}

typedef struct {
    int Index;
    int Failures;
} WORKER;

/* Round r: worker 0 is A when r is even, B when odd; worker 1 the other. Both hold their
 * identity between the two barriers, so the checks interleave. */
static void *InterleavedWorker(void *Arg)
{
    WORKER *w = Arg;
    TH_GROUP ga[] = {{TH_GID_A, 0}}, gb[] = {{TH_GID_B, 0}};
    PTOKEN a = ThToken(TH_UID_A, ga, 1), b = ThToken(TH_UID_B, gb, 1);
    PETHREAD thread = PsGetCurrentThread();
    for (int round = 0; round < 20; round++) {
        int isA = ((round + w->Index) % 2) == 0;
        if (PsImpersonateClient(thread, isA ? a : b, FALSE, FALSE, SecurityImpersonation) != STATUS_SUCCESS)
            w->Failures++;
        pthread_barrier_wait(&Barrier);
        if (ThOpenRead(isA ? Tree.FileA : Tree.FileB) != 0)
            w->Failures++;
        if (ThOpenRead(isA ? Tree.FileB : Tree.FileA) != EACCES)
            w->Failures++;
        TH_IDS ids;
        ThReadIds(&ids);
        if (ids.Uid[1] != (isA ? TH_UID_A : TH_UID_B))
            w->Failures++;
        pthread_barrier_wait(&Barrier);
        if (round % 3 == 2) {
            PsRevertToSelf();
            if (ThOpenRead(Tree.FileA) != 0 || ThOpenRead(Tree.FileB) != 0)
                w->Failures++;
        }
    }
    PsRevertToSelf();
    ObfDereferenceObject(a);
    ObfDereferenceObject(b);
    return NULL;
}

static void test_two_threads_impersonating_different_users_interleaved(void **state)
{
    TH_REQUIRE_ROOT();
    pthread_barrier_init(&Barrier, NULL, 2);
    WORKER w[2] = {{0, 0}, {1, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, InterleavedWorker, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&Barrier);
    assert_int_equal(w[0].Failures, 0);
    assert_int_equal(w[1].Failures, 0);
    /* The main thread never changed. */
    assert_int_equal(ThOpenRead(Tree.FileA), 0);
}

/* ---- cross-thread ---- */
static PETHREAD Target;
static TH_IDS TargetIds[6];

static void *CrossTarget(void *Arg)
{
    Target = PsGetCurrentThread();
    ThReadIds(&TargetIds[0]);
    pthread_barrier_wait(&Barrier); /* 1: published */
    pthread_barrier_wait(&Barrier); /* 2: the server impersonated us */
    ThReadIds(&TargetIds[1]);       /* no ntsec call yet: unchanged */
    tr_check_status(NtsecSyncHostCredentials(), STATUS_SUCCESS);
    ThReadIds(&TargetIds[2]);       /* explicit sync */
    pthread_barrier_wait(&Barrier); /* 3 */
    pthread_barrier_wait(&Barrier); /* 4: the server reverted us */
    ThReadIds(&TargetIds[3]);
    (void)PsGetCurrentThread();     /* any ntsec call syncs */
    ThReadIds(&TargetIds[4]);
    pthread_barrier_wait(&Barrier); /* 5 */
    return NULL;
}

static void test_change_by_another_thread_applies_at_next_call_or_sync(void **state)
{
    TH_REQUIRE_ROOT();
    pthread_barrier_init(&Barrier, NULL, 2);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, CrossTarget, NULL), 0);
    pthread_barrier_wait(&Barrier); /* 1 */
    TH_GROUP g[] = {{TH_GID_A, 0}};
    PTOKEN token = ThToken(TH_UID_A, g, 1);
    assert_status(PsImpersonateClient(Target, token, FALSE, FALSE, SecurityImpersonation), STATUS_SUCCESS);
    /* An unmappable identity is refused for the other thread too, at the call. */
    TH_SID bad;
    /* SYSTEM: not in any mapping */
    PTOKEN system =
        ThTokenWithUserSid(ThSid(&bad, 5, 1, (const ULONG[]){SECURITY_LOCAL_SYSTEM_RID}), NULL, 0);
    assert_status(PsImpersonateClient(Target, system, FALSE, FALSE, SecurityImpersonation), STATUS_NONE_MAPPED);
    pthread_barrier_wait(&Barrier); /* 2 */
    pthread_barrier_wait(&Barrier); /* 3 */
    PsRevertThreadToSelf(Target);
    pthread_barrier_wait(&Barrier); /* 4 */
    pthread_barrier_wait(&Barrier); /* 5 */
    pthread_join(t, NULL);
    pthread_barrier_destroy(&Barrier);
    assert_true(ThIdsEqual(&TargetIds[0], &TargetIds[1]));
    assert_int_equal(TargetIds[2].Uid[1], TH_UID_A);
    assert_int_equal(TargetIds[2].Uid[3], TH_UID_A);
    assert_int_equal(TargetIds[2].Gid[1], TH_GID_A);
    assert_int_equal(TargetIds[3].Uid[1], TH_UID_A);
    assert_true(ThIdsEqual(&TargetIds[0], &TargetIds[4]));
    assert_int_equal(NtsecReferenceCount(token), 1);
    ObfDereferenceObject(token);
    ObfDereferenceObject(system);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_threads_impersonating_different_users_interleaved),
        cmocka_unit_test(test_change_by_another_thread_applies_at_next_call_or_sync),
    };
    return cmocka_run_group_tests(tests, SetupGroup, TeardownGroup);
}
