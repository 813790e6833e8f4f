/*
 * shutdown.c - NtsecShutdown: the orderly end of the library (DESIGN "Setup API").
 *
 * Order: (1) drain the worker queues and join the system worker threads (their routines
 * may still use handles and processes), then every unjoined PsCreateSystemThread thread;
 * (2) close every kernel handle (each owns a reference); (3) tear the calling thread down
 * as at its exit if ntsec adopted it and it holds nothing (PspDetachCurrentThread), then
 * release the System and host processes (src/ps); (4) with the verifier on, report every
 * object, subject context and client context still alive - by now everything the caller
 * took should have been given back; (5) free the verifier's quarantine. A second call does
 * nothing.
 */
#include <stdatomic.h>
#include <stdio.h>
#include "ex/exp.h"
#include "ob/obp.h"
#include "ps/psp.h"
#include "verifier/vf.h"

static atomic_flag ExpShutdownDone = ATOMIC_FLAG_INIT;

/*
 * NtsecShutdown - see above. Releases the references held by the worker threads, the
 * handle table and the System/host processes; reports (verifier) the ones the caller
 * still holds. Must be called from a thread that is not a system worker thread (a worker
 * cannot join itself): such a call prints an error and returns without shutting down.
 */
VOID NtsecShutdown(VOID)
{
    if (ExpIsWorkerThread()) {
        fprintf(stderr, "ntsec: NtsecShutdown called on a system worker thread; ignored\n");
        return;
    }
    if (atomic_flag_test_and_set(&ExpShutdownDone))
        return;
    ExpShutdownWorkers();
    PspJoinSystemThreads();
    ObpCloseAllHandles();
    PspDetachCurrentThread();
    PspShutdownProcesses();
    if (VfIsEnabled())
        VfReportLeaks();
    VfFlushQuarantine();
    /* After the quarantine is gone, what is left of the pool is held by someone. */
    if (VfIsEnabled())
        VfReportPoolUsage();
}
