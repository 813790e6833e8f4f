/*
 * process.c - processes: creation, the System and host processes, primary tokens
 * (spec 1.4, 2.1, 2.2).
 */
#include <string.h>
#include "ps/psp.h"
#include "verifier/vf.h"

PEPROCESS PsInitialSystemProcess;
PEPROCESS PspHostProcess;
static _Atomic(PSP_HOST_IDENTITY_PROVIDER) PspHostIdentityProvider;
static _Atomic ULONG_PTR PspNextProcessId = 8; /* 4 is the System process, as on Windows */

static VOID PspDeleteProcess(PVOID Object)
{
    PEPROCESS process = Object;
    if (process->PrimaryToken != NULL)
        ObfDereferenceObject(process->PrimaryToken);
}

/*
 * PspCreateProcess - a process owning one new reference on PrimaryToken (invariant P1).
 * The caller's own reference on the token is untouched; *Process holds the single
 * reference on the new process, owned by the caller.
 */
static NTSTATUS PspCreateProcess(PTOKEN PrimaryToken, HANDLE Id, PCSTR Tag, PEPROCESS *Process)
{
    PEPROCESS process;
    NTSTATUS st = ObpCreateObject(&ObpProcessType, sizeof(EPROCESS), Tag, (PVOID *)&process);
    if (!NT_SUCCESS(st))
        return st;
    ObfReferenceObject(PrimaryToken);
    process->PrimaryToken = PrimaryToken;
    process->UniqueProcessId = Id;
    *Process = process;
    return STATUS_SUCCESS;
}

/*
 * NtsecCreateProcess - a process whose primary token is PrimaryToken.
 * @remarks The token must be a primary token (an impersonation token cannot be a process
 * token: STATUS_BAD_TOKEN_TYPE). The process takes its own reference on the token; the
 * caller keeps its reference. *Process holds one reference the caller releases with
 * ObDereferenceObject.
 */
NTSTATUS NtsecCreateProcess(PACCESS_TOKEN PrimaryToken, PEPROCESS *Process)
{
    if (Process == NULL || PrimaryToken == NULL)
        return STATUS_INVALID_PARAMETER;
    *Process = NULL;
    if (!SepIsToken(PrimaryToken, "NtsecCreateProcess"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (((PTOKEN)PrimaryToken)->TokenType != TokenPrimary)
        return STATUS_BAD_TOKEN_TYPE;
    HANDLE id = (HANDLE)atomic_fetch_add(&PspNextProcessId, 4);
    return PspCreateProcess(PrimaryToken, id, "process (NtsecCreateProcess)", Process);
}

/*
 * PsReferencePrimaryToken - returns Process's primary token with one new reference the
 * caller releases with PsDereferencePrimaryToken (spec 2.1). The primary token of an
 * ntsec process never changes, so no lock is needed. Not a process: NULL (and a verifier
 * finding).
 */
PACCESS_TOKEN PsReferencePrimaryToken(PEPROCESS Process)
{
    if (!ObpCheckType(Process, &ObpProcessType, "PsReferencePrimaryToken"))
        return NULL;
    ObfReferenceObject(Process->PrimaryToken);
    return Process->PrimaryToken;
}

/*
 * PsDereferencePrimaryToken - releases one reference the caller owns (spec 2.2).
 * NULL is ignored (5-C: debug-assert-and-ignore); a non-token is reported and ignored.
 */
VOID PsDereferencePrimaryToken(PACCESS_TOKEN PrimaryToken)
{
    if (PrimaryToken == NULL || !SepIsToken(PrimaryToken, "PsDereferencePrimaryToken"))
        return;
    ObfDereferenceObject(PrimaryToken);
}

HANDLE PsGetProcessId(PEPROCESS Process)
{
    if (!ObpCheckType(Process, &ObpProcessType, "PsGetProcessId"))
        return NULL;
    return Process->UniqueProcessId;
}

/*
 * PspSetHostProcessToken - replaces the host process's primary token; consumes the
 * caller's reference on Token. Only used before any thread was adopted.
 */
NTSTATUS PspSetHostProcessToken(PTOKEN Token)
{
    PTOKEN old = PspHostProcess->PrimaryToken;
    PspHostProcess->PrimaryToken = Token;
    if (old != NULL)
        ObfDereferenceObject(old);
    return STATUS_SUCCESS;
}

/* PspRegisterHostIdentityProvider - see psp.h. No references involved. */
VOID PspRegisterHostIdentityProvider(PSP_HOST_IDENTITY_PROVIDER Provider)
{
    atomic_store_explicit(&PspHostIdentityProvider, Provider, memory_order_release);
}

/*
 * PspInitializeProcesses - init step 4 (src/ex/init.c): the System process (SYSTEM token) and
 * the host process (token from the registered host identity provider), so both exist before main's first
 * line. Returns the failure for the init sequence to raise NTSEC_INITIALIZATION_FAILED:
 * nothing in ntsec can work without them.
 */
NTSTATUS PspInitializeProcesses(VOID)
{
    ObpProcessType.DeleteProcedure = PspDeleteProcess;
    PTOKEN system, host;
    NTSTATUS st = SepCreateSystemToken(&system);
    if (NT_SUCCESS(st)) {
        st = PspCreateProcess(system, (HANDLE)4, "process (System)", &PsInitialSystemProcess);
        ObfDereferenceObject(system);
    }
    if (NT_SUCCESS(st)) {
        PsInitialSystemProcess->IsSystemProcess = TRUE;
        PSP_HOST_IDENTITY_PROVIDER provider =
            atomic_load_explicit(&PspHostIdentityProvider, memory_order_acquire);
        st = provider != NULL ? provider(&host) : STATUS_NOT_IMPLEMENTED;
    }
    if (NT_SUCCESS(st)) {
        HANDLE id = (HANDLE)atomic_fetch_add(&PspNextProcessId, 4);
        st = PspCreateProcess(host, id, "process (host)", &PspHostProcess);
        ObfDereferenceObject(host);
    }
    if (!NT_SUCCESS(st))
        return st;
    PspHostProcess->IsHostProcess = TRUE;
    return STATUS_SUCCESS;
}

VOID PspShutdownProcesses(VOID)
{
    if (PsInitialSystemProcess != NULL) {
        ObfDereferenceObject(PsInitialSystemProcess);
        PsInitialSystemProcess = NULL;
    }
    if (PspHostProcess != NULL) {
        ObfDereferenceObject(PspHostProcess);
        PspHostProcess = NULL;
    }
}
