/*
 * specfixture.h - the fixture of spec section 6: tokens PT_A .. ANONx, processes ProcA,
 * ProcB, ProcSVC and runner threads tA, tA2 (ProcA), tC (ProcB), tSvc (ProcSVC).
 *
 * SpecFixtureSetUp creates everything; the fixture owns one reference on every token,
 * process and thread. SpecFixtureTearDown stops the threads, checks that every token is
 * back to exactly the fixture's references (no leak and no lost reference in the test),
 * and releases them. Policy is set to VISTA.
 */
#ifndef NTSEC_SPECFIXTURE_H
#define NTSEC_SPECFIXTURE_H

#include "ntsec.h"
#include "threadrunner.h"

typedef struct _SPEC_FIXTURE {
    /* primary tokens */
    PACCESS_TOKEN PT_A;     /* user A, auth LA, Medium, no SeImpersonatePrivilege */
    PACCESS_TOKEN PT_B;     /* user B, auth LB, Medium */
    PACCESS_TOKEN PT_SVC;   /* user SVC, SeImpersonatePrivilege enabled, System IL */
    PACCESS_TOKEN PT_S;     /* the System process's token (PsInitialSystemProcess) */
    PACCESS_TOKEN PT_SVCd;  /* user SVC2, SeImpersonatePrivilege present but disabled (case 53) */
    PACCESS_TOKEN PT_Ar;    /* user A, auth LA, restricted (case 55) */
    /* impersonation tokens */
    PACCESS_TOKEN IT_A0, IT_A1, IT_A2, IT_A3; /* duplicates of PT_A at levels 0..3 */
    PACCESS_TOKEN IT_A2hi;  /* user A, level 2, High IL */
    PACCESS_TOKEN IT_A2r;   /* user A, level 2, restricted */
    PACCESS_TOKEN IT_B0, IT_B1, IT_B2, IT_B3; /* duplicates of PT_B at levels 0..3 */
    PACCESS_TOKEN IT_B2x;   /* user B, level 2, origin LB */
    PACCESS_TOKEN IT_B2o;   /* user B, level 2, origin LA, Medium */
    PACCESS_TOKEN ANON;     /* system anonymous token */
    PACCESS_TOKEN ANONx;    /* anonymous logon id, source "User32  " */
    /* processes */
    PEPROCESS ProcA, ProcB, ProcSVC, ProcSVCd, ProcAr;
    /* threads */
    TEST_THREAD *tA, *tA2, *tC, *tSvc;
} SPEC_FIXTURE;

/* Test prologue for cases run on thread tA: F is the fixture, tA the ETHREAD of runner tA. */
#define SPEC_FX_TA                                                                           \
    SPEC_FIXTURE *F = *state;                                                                \
    PETHREAD tA __attribute__((unused)) = TrThread(F->tA)

/* Thread impersonates Token (PsImpersonateClient with these flags and level); the test fails
 * unless it returns STATUS_SUCCESS (at the caller's line). The thread takes its own reference. */
#define SPEC_IMPERSONATE(Thread, Token, CopyOnOpen, EffectiveOnly, Level)                      \
    assert_status(PsImpersonateClient((Thread), (Token), (CopyOnOpen), (EffectiveOnly), (Level)), \
                  STATUS_SUCCESS)

/* cmocka group/test setup and teardown: *state becomes a SPEC_FIXTURE. */
int SpecSetUp(void **state);
int SpecTearDown(void **state);

/* Reference count snapshot of every fixture token (for "refs unchanged" assertions). */
#define SPEC_TOKEN_COUNT 24
typedef struct _SPEC_REFS {
    LONG_PTR Count[SPEC_TOKEN_COUNT];
} SPEC_REFS;
VOID SpecSnapshotRefs(SPEC_FIXTURE *F, SPEC_REFS *Refs);
/* The same snapshot as a value: SPEC_REFS refs = SpecRefs(F); */
SPEC_REFS SpecRefs(SPEC_FIXTURE *F);
/* Fails the test naming the token whose count differs. */
VOID SpecAssertRefs(SPEC_FIXTURE *F, const SPEC_REFS *Refs);

/* The user SID of a token (points into the token). */
PSID SpecTokenUser(PACCESS_TOKEN Token);
/* A fixture user SID: 'A', 'B', 'S' (SVC). */
PSID SpecUserSid(char Which);

#endif

/* The thread's impersonation token and stored flags, or NULL if it is not (actively)
 * impersonating. Takes a reference through PsReferenceImpersonationToken and releases it
 * before returning: the pointer is only for identity comparisons. */
PACCESS_TOKEN SpecThreadToken(PETHREAD Thread, BOOLEAN *CopyOnOpen, BOOLEAN *EffectiveOnly,
                              SECURITY_IMPERSONATION_LEVEL *Level);

/* Asserts (at the caller's line) that Thread impersonates Token with the stored flags
 * CopyOnOpen and EffectiveOnly (each compared as true/false) and Level (SpecThreadToken). */
#define SPEC_ASSERT_IMPERSONATING(Thread, Token, CopyOnOpen, EffectiveOnly, Level)              \
    do {                                                                                     \
        BOOLEAN coo_, eo_;                                                                   \
        SECURITY_IMPERSONATION_LEVEL lvl_;                                                   \
        assert_ptr_equal(SpecThreadToken((Thread), &coo_, &eo_, &lvl_), (Token));            \
        assert_int_equal(coo_ != FALSE, (CopyOnOpen) != FALSE);                              \
        assert_int_equal(eo_ != FALSE, (EffectiveOnly) != FALSE);                            \
        assert_int_equal(lvl_, (Level));                                                     \
    } while (0)

/* Token deletion watch: after SpecWatchDeletion(T), SpecDeleted() is TRUE once T's last
 * reference is gone (observed through the token type's delete procedure). */
VOID SpecWatchDeletion(PACCESS_TOKEN Token);
BOOLEAN SpecDeleted(VOID);

/* A new impersonation duplicate of Source at Level; the caller owns its single reference. */
PACCESS_TOKEN SpecDuplicate(PACCESS_TOKEN Source, SECURITY_IMPERSONATION_LEVEL Level);

/* SID equality by value. */
BOOLEAN SpecSidEqual(PSID A, PSID B);

/* Private token fields, for assertions. */
TOKEN_TYPE SpecTokenType(PACCESS_TOKEN Token);
SECURITY_IMPERSONATION_LEVEL SpecTokenLevel(PACCESS_TOKEN Token);
LUID SpecTokenId(PACCESS_TOKEN Token);
