/*
 * vfexpect.c - the counting verifier handler behind EXPECT_VERIFIER_FINDING (vfexpect.h).
 *
 * The handler may run on any thread (thread-exit findings arrive on the ending thread),
 * so the expected kind and the count are atomics; Begin/End run on the test thread.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include "ntsec_test.h"

static _Atomic int VfxExpectedKind = -1;      /* -1: no scope open */
static _Atomic ULONG VfxSeen;

static VOID VfxHandler(const NTSEC_VERIFIER_REPORT *Report, PVOID Context)
{
    (void)Context;
    if ((int)Report->Kind == atomic_load(&VfxExpectedKind)) {
        atomic_fetch_add(&VfxSeen, 1);
        return;
    }
    if (Report->Severity == NtsecSeverityHint)
        return;
    /* An error nobody expected: report it as the default handler would, in one write. */
    fprintf(stderr, "ntsec verifier error (unexpected inside an expected-finding scope for '%s'): "
            "%s in %s: %s\n%s%s%s%s",
            NtsecVerifierFindingName((NTSEC_VERIFIER_FINDING)atomic_load(&VfxExpectedKind)),
            Report->KindName, Report->Routine, Report->Message,
            Report->CreationStack[0] ? "  created at:\n" : "", Report->CreationStack,
            Report->MisuseStack[0] ? "  seen at:\n" : "", Report->MisuseStack);
    if (NtsecVerifierFlags() & NTSEC_VERIFIER_FATAL) {
        fputs("ntsec verifier: unexpected finding with NTSEC_VERIFIER_FATAL set; aborting\n",
              stderr);
        abort();
    }
}

VOID TestExpectFindingBegin(NTSEC_VERIFIER_FINDING Kind)
{
    int none = -1;
    if (!atomic_compare_exchange_strong(&VfxExpectedKind, &none, (int)Kind))
        fail_msg("TestExpectFindingBegin: a scope for '%s' is already open",
                 NtsecVerifierFindingName((NTSEC_VERIFIER_FINDING)none));
    atomic_store(&VfxSeen, 0);
    NtsecSetVerifierHandler(VfxHandler, NULL);
}

ULONG TestExpectFindingEnd(VOID)
{
    NtsecSetVerifierHandler(NULL, NULL);
    ULONG seen = atomic_load(&VfxSeen);
    atomic_store(&VfxExpectedKind, -1);
    return seen;
}
