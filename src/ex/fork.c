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
#include "ex/exp.h"
#include "host/hostp.h"
#include "ob/obp.h"
#include "ps/psp.h"
#include "verifier/vf.h"

static VOID ExpForkPrepareAll(VOID)
{
    HostForkPrepare();
    ExpForkPrepare();
    PspForkPrepare();
    ObpForkPrepare();
    VfForkPrepare();
    HostGateForkPrepare();
}

static VOID ExpForkParentAll(VOID)
{
    HostGateForkParent();
    VfForkParent();
    ObpForkParent();
    PspForkParent();
    ExpForkParent();
    HostForkParent();
}

static VOID ExpForkChildAll(VOID)
{
    HostGateForkChild(PspCurrentThreadIfBound());
    VfForkChild();
    ObpForkChild();
    PspForkChild();
    ExpForkChild();
    HostForkChild();
}

/* ExpInitializeFork - init step 5: registers the handlers above. Returns the pthread_atfork
 * error (0 on success). */
int ExpInitializeFork(VOID)
{
    return pthread_atfork(ExpForkPrepareAll, ExpForkParentAll, ExpForkChildAll);
}
