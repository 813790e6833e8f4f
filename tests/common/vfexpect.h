/*
 * vfexpect.h - scoped "expected verifier finding" for tests that misuse the API on purpose.
 *
 * Some tests provoke a misuse deliberately (a Process passed where a Token belongs, a
 * thread that ends while impersonating, a subject context released twice) to pin down
 * what Windows does with it. Under NTSEC_VERIFIER=1 NTSEC_VERIFIER_FATAL=1 (CI) each such
 * misuse is a verifier error finding, which aborts the test unless a handler takes it.
 * Wrap exactly the misuse in a scope naming the finding it must raise:
 *
 *     EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType,
 *         assert_status(SeFilterToken(process, ...), STATUS_OBJECT_TYPE_MISMATCH));
 *
 * Inside a scope, findings of the expected kind are counted (from any thread, so the
 * scope may enclose a thread's run and join for findings raised at thread exit); an error
 * finding of any other kind is printed to stderr and aborts when NTSEC_VERIFIER_FATAL is
 * set, exactly as it would without the scope. Hints of other kinds are ignored. With the
 * verifier on, the macro also asserts that the expected finding was raised, so the suite
 * proves the verifier catches every misuse it provokes. Scopes do not nest.
 */
#ifndef NTSEC_VFEXPECT_H
#define NTSEC_VFEXPECT_H

#include "ntsec.h"

/* Installs the counting handler for Kind (replaces any handler; fails the test if a
 * scope is already open). */
VOID TestExpectFindingBegin(NTSEC_VERIFIER_FINDING Kind);

/* Restores the default handler (NULL: stderr, abort with FATAL) and returns how many
 * findings of the expected kind arrived since TestExpectFindingBegin. */
ULONG TestExpectFindingEnd(VOID);

/* Runs Statement in a scope expecting Kind; with the verifier on, fails the test unless
 * at least one finding of Kind arrived. */
#define EXPECT_VERIFIER_FINDING(Kind, Statement)                                         \
    do {                                                                                 \
        TestExpectFindingBegin(Kind);                                                    \
        Statement;                                                                       \
        ULONG vfexpect_seen_ = TestExpectFindingEnd();                                   \
        if (NtsecVerifierFlags() != 0 && vfexpect_seen_ == 0)                            \
            fail_msg("expected verifier finding '%s' was not raised by: %s",             \
                     NtsecVerifierFindingName(Kind), #Statement);                        \
    } while (0)

#endif /* NTSEC_VFEXPECT_H */
