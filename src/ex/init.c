/*
 * init.c - the library's one initialisation sequence, like NT's phase initialisation
 * (ExpInitializeExecutive calling each component's init routine in a written order).
 *
 * A single constructor runs when libntsec is loaded, so PsInitialSystemProcess and every
 * routine are usable from main's first line (DESIGN.md). The order is the dependency order;
 * nothing else in the library runs at load time.
 *
 *   1. VfInitializeFromEnvironment  verifier flags first, so objects created at load are tracked
 *   2. SepInitializeTokenType       the token type's delete procedure;
 *      ObpRegisterSecurityMethods   se's descriptor routines for Zw{Query,Set}SecurityObject
 *                                   and the access check of UserMode opens
 *   3. PspInitializeThreads         the thread type and the TLS key of thread teardown
 *   4. PspRegisterHostIdentityProvider, PspInitializeProcesses
 *                                   the System process and the host process, whose token
 *                                   the host identity part builds (HostBuildProcessToken)
 *   5. ExpInitializeFork            pthread_atfork handlers (fork.c, docs/workers.md "fork()")
 *
 * In the static archive this object is pulled in by src/ob/object.c, which names
 * ExpInitializeLibrary: every program that creates or uses an ntsec object links it, and a
 * program that uses only Rtl routines needs no initialisation.
 *
 * A failing step is fatal (NTSEC_INITIALIZATION_FAILED, P1 = step, P2 = status): without
 * the System and host processes no routine can keep its contract.
 */
#include "ex/exp.h"

VOID ExpInitializeLibrary(VOID);
#include "host/host.h"
#include "ob/obp.h"
#include "ps/psp.h"
#include "se/sep.h"
#include "verifier/vf.h"

/* Ob's security method (obp.h): se's routines, as SeDefaultObjectMethod is NT's. */
static const OBP_SECURITY_METHODS ExpSecurityMethods = {
    .Query = SeQuerySecurityDescriptorInfo,
    .Set = SeSetSecurityDescriptorInfoEx,
    .CheckOpen = SepCheckObjectOpen,
};

__attribute__((constructor)) VOID ExpInitializeLibrary(VOID)
{
    VfInitializeFromEnvironment();
    SepInitializeTokenType();
    ObpRegisterSecurityMethods(&ExpSecurityMethods);
    PspInitializeThreads();
    PspRegisterHostIdentityProvider(HostBuildProcessToken);
    NTSTATUS status = PspInitializeProcesses();
    if (!NT_SUCCESS(status))
        KeBugCheckEx(NTSEC_INITIALIZATION_FAILED, 4, (ULONG_PTR)status, 0, 0);
    if (ExpInitializeFork() != 0)
        KeBugCheckEx(NTSEC_INITIALIZATION_FAILED, 5, (ULONG_PTR)STATUS_INSUFFICIENT_RESOURCES, 0, 0);
}
