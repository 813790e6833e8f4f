/*
 * fork.c - what a fork() in a process using ntsec leaves the child (docs/workers.md
 * "fork()"; issue 9 item 9). Registered with pthread_atfork by ExpInitializeLibrary.
 *
 * Only the forking thread exists in the child. Before the fork the global locks are taken in
 * their order (host enable lock, worker queues, system-thread list, object lock, host thread
 * registry) so that no other thread is half-way through changing what they guard; the parent
 * releases them; in the child the forking thread, their owner, releases them too and repairs
 * what described the parent's other threads:
 *   - worker queues: no workers, nothing running, pending items dropped (not queued); the
 *     next item queued starts fresh workers (ExpForkChild);
 *   - threads: a new fork generation; joining a thread of an earlier one does not wait but
 *     finishes its teardown (PspForkChild, NtsecJoinThread), so NtsecShutdown returns;
 *   - host backend: only the forking thread can be inside the gate, no mode change is under
 *     way, and the forking thread's registry entry takes its new tid, so the next mode
 *     change finds the others gone and no longer counts them as switched (HostGateForkChild).
 * The forking thread keeps its impersonation, and fork gave the child process its Linux
 * credentials. The child handlers allocate nothing and wait for no lock. (The host enable
 * lock is not taken when the forking thread is inside the host gate; the child re-creates it.)
 */
#include <pthread.h>
#include <stdatomic.h>
#include "ex/exp.h"
#include "ob/obp.h"
#include "ps/psp.h"
#include "verifier/vf.h"

/* The host switching part's handlers (ExpRegisterForkBackend), loaded once in prepare and
 * kept for the parent and child handlers of the same fork, so one fork never runs a
 * backend's parent or child handler without its prepare. Thread-local: two threads may fork
 * at once, and each one's prepare handler runs before any of the global locks is taken (a
 * shared variable here was a data race TSan found in CI); the forking thread is the one that
 * runs all three handlers of its fork, and in the child it is the only thread. */
static _Atomic(const EXP_FORK_BACKEND *) ExpForkBackend;
static __thread const EXP_FORK_BACKEND *ExpForkBackendInForce;

/* ExpRegisterForkBackend - see exp.h. Backend is static data; no references. */
VOID ExpRegisterForkBackend(const EXP_FORK_BACKEND *Backend)
{
    atomic_store_explicit(&ExpForkBackend, Backend, memory_order_release);
}

static VOID ExpForkPrepareAll(VOID)
{
    const EXP_FORK_BACKEND *backend = atomic_load_explicit(&ExpForkBackend, memory_order_acquire);
    ExpForkBackendInForce = backend;
    if (backend != NULL)
        backend->PrepareFirst();
    ExpForkPrepare();
    PspForkPrepare();
    ObpForkPrepare();
    VfForkPrepare();
    if (backend != NULL)
        backend->PrepareLast();
}

static VOID ExpForkParentAll(VOID)
{
    const EXP_FORK_BACKEND *backend = ExpForkBackendInForce;
    if (backend != NULL)
        backend->ParentFirst();
    VfForkParent();
    ObpForkParent();
    PspForkParent();
    ExpForkParent();
    if (backend != NULL)
        backend->ParentLast();
}

static VOID ExpForkChildAll(VOID)
{
    const EXP_FORK_BACKEND *backend = ExpForkBackendInForce;
    if (backend != NULL)
        backend->ChildFirst(PspCurrentThreadIfBound());
    VfForkChild();
    ObpForkChild();
    PspForkChild();
    ExpForkChild();
    if (backend != NULL)
        backend->ChildLast();
}

/* ExpInitializeFork - init step 5: registers the handlers above. Returns the pthread_atfork
 * error (0 on success). */
int ExpInitializeFork(VOID)
{
    return pthread_atfork(ExpForkPrepareAll, ExpForkParentAll, ExpForkChildAll);
}
