/*
 * specfixture.c - the spec section 6 fixture (see specfixture.h).
 *
 * Tokens are built with SepCreateToken / SepDuplicateToken so that every field the rule
 * reads (AuthenticationId, OriginatingLogonSession, TokenSource, integrity, restriction,
 * privilege state) is set exactly as the spec's fixture says.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdatomic.h>
#include "ntsec_test.h"
#include "specfixture.h"
#include "ps/psp.h"
#include "se/sep.h"

typedef struct {
    UCHAR Revision;
    UCHAR SubAuthorityCount;
    SID_IDENTIFIER_AUTHORITY IdentifierAuthority;
    ULONG SubAuthority[8];
} SPEC_SID;

#define NT_AUTH {{0, 0, 0, 0, 0, 5}}
static SPEC_SID SidUserA = {1, 5, NT_AUTH, {21, 1, 2, 3, 1001}};
static SPEC_SID SidUserB = {1, 5, NT_AUTH, {21, 1, 2, 3, 1002}};
static SPEC_SID SidUserSvc = {1, 5, NT_AUTH, {21, 1, 2, 3, 1003}};
static SPEC_SID SidUserSvc2 = {1, 5, NT_AUTH, {21, 1, 2, 3, 1004}};
static SPEC_SID SidAnonymous = {1, 1, NT_AUTH, {7}};
static SPEC_SID SidEveryone = {1, 1, {{0, 0, 0, 0, 0, 1}}, {0}};
static SPEC_SID SidUsers = {1, 2, NT_AUTH, {32, 545}};
static SPEC_SID SidRestrictedCode = {1, 1, NT_AUTH, {12}};

PSID SpecUserSid(char Which)
{
    switch (Which) {
    case 'A': return &SidUserA;
    case 'B': return &SidUserB;
    default: return &SidUserSvc;
    }
}

PSID SpecTokenUser(PACCESS_TOKEN Token)
{
    return SepTokenUserSid((PTOKEN)Token);
}

typedef struct {
    TOKEN_TYPE Type;
    SECURITY_IMPERSONATION_LEVEL Level;
    PSID User;
    LUID AuthenticationId;
    LUID Origin;
    ULONG Integrity;
    int ImpersonatePrivilege; /* 0 absent, 1 enabled, 2 present disabled */
    BOOLEAN Restricted;
    const char *Source;       /* NULL: default */
} SPEC_TOKEN_DESC;

static PACCESS_TOKEN SpecMakeToken(const SPEC_TOKEN_DESC *d)
{
    SID_AND_ATTRIBUTES groups[2] = {
        {&SidEveryone, SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED},
        {&SidUsers, SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED},
    };
    LUID_AND_ATTRIBUTES privileges[2] = {
        {{SE_CHANGE_NOTIFY_PRIVILEGE, 0}, SE_PRIVILEGE_ENABLED_BY_DEFAULT | SE_PRIVILEGE_ENABLED},
        {{SE_IMPERSONATE_PRIVILEGE, 0}, 0},
    };
    SID_AND_ATTRIBUTES restricted[1] = {{&SidRestrictedCode, 0}};
    SEP_TOKEN_TEMPLATE t;
    memset(&t, 0, sizeof t);
    t.TokenType = d->Type;
    t.ImpersonationLevel = d->Level;
    t.User = d->User;
    t.GroupCount = 2;
    t.Groups = groups;
    t.HasIntegrity = TRUE;
    t.IntegrityRid = d->Integrity;
    t.PrivilegeCount = d->ImpersonatePrivilege ? 2 : 1;
    if (d->ImpersonatePrivilege == 1)
        privileges[1].Attributes = SE_PRIVILEGE_ENABLED_BY_DEFAULT | SE_PRIVILEGE_ENABLED;
    t.Privileges = privileges;
    if (d->Restricted) {
        t.RestrictedSidCount = 1;
        t.RestrictedSids = restricted;
    }
    t.AuthenticationId = d->AuthenticationId;
    t.OriginatingLogonSession = d->Origin;
    if (d->Source != NULL)
        memcpy(t.TokenSource.SourceName, d->Source, TOKEN_SOURCE_LENGTH);
    PTOKEN token = NULL;
    assert_status(SepCreateToken(&t, "token (spec fixture)", &token), STATUS_SUCCESS);
    return token;
}

PACCESS_TOKEN SpecDuplicate(PACCESS_TOKEN Source, SECURITY_IMPERSONATION_LEVEL Level)
{
    PTOKEN token = NULL;
    assert_status(SepDuplicateToken((PTOKEN)Source, TokenImpersonation, Level, FALSE,
                                    "token (spec fixture)", &token),
                  STATUS_SUCCESS);
    return token;
}

static PEPROCESS SpecProcess(PACCESS_TOKEN Token)
{
    PEPROCESS p = NULL;
    assert_status(NtsecCreateProcess(Token, &p), STATUS_SUCCESS);
    return p;
}

static PACCESS_TOKEN *SpecTokenSlot(SPEC_FIXTURE *F, int i, const char **Name)
{
#define SLOT(n, f) case n: *Name = #f; return &F->f
    switch (i) {
    SLOT(0, PT_A); SLOT(1, PT_B); SLOT(2, PT_SVC); SLOT(3, PT_S); SLOT(4, PT_SVCd);
    SLOT(5, PT_Ar); SLOT(6, IT_A0); SLOT(7, IT_A1); SLOT(8, IT_A2); SLOT(9, IT_A3);
    SLOT(10, IT_A2hi); SLOT(11, IT_A2r); SLOT(12, IT_B0); SLOT(13, IT_B1); SLOT(14, IT_B2);
    SLOT(15, IT_B3); SLOT(16, IT_B2x); SLOT(17, IT_B2o); SLOT(18, ANON); SLOT(19, ANONx);
    default: *Name = NULL; return NULL;
    }
#undef SLOT
}

VOID SpecSnapshotRefs(SPEC_FIXTURE *F, SPEC_REFS *Refs)
{
    memset(Refs, 0, sizeof *Refs);
    const char *name;
    PACCESS_TOKEN *slot;
    for (int i = 0; (slot = SpecTokenSlot(F, i, &name)) != NULL; i++)
        Refs->Count[i] = NtsecReferenceCount(*slot);
}

SPEC_REFS SpecRefs(SPEC_FIXTURE *F)
{
    SPEC_REFS refs;
    SpecSnapshotRefs(F, &refs);
    return refs;
}

VOID SpecAssertRefs(SPEC_FIXTURE *F, const SPEC_REFS *Refs)
{
    const char *name;
    PACCESS_TOKEN *slot;
    for (int i = 0; (slot = SpecTokenSlot(F, i, &name)) != NULL; i++) {
        LONG_PTR now = NtsecReferenceCount(*slot);
        if (now != Refs->Count[i])
            fail_msg("ref(%s) is %ld, expected %ld", name, (long)now, (long)Refs->Count[i]);
    }
}

static SPEC_REFS SpecBaseline;

int SpecSetUp(void **state)
{
    SPEC_FIXTURE *F = calloc(1, sizeof *F);
    assert_non_null(F);
    assert_status(NtsecSetImpersonationPolicy(NtsecPolicyVista), STATUS_SUCCESS);

    LUID la = SepAllocateLuid(), lb = SepAllocateLuid(), lsvc = SepAllocateLuid();
    LUID none = {0, 0}, anon = ANONYMOUS_LOGON_LUID;
    const ULONG me = SECURITY_MANDATORY_MEDIUM_RID;
    const ULONG sy = SECURITY_MANDATORY_SYSTEM_RID;

    SPEC_TOKEN_DESC d[] = {
        /* PT_A */ {TokenPrimary, 0, &SidUserA, la, none, me, 0, FALSE, NULL},
        /* PT_B */ {TokenPrimary, 0, &SidUserB, lb, none, me, 0, FALSE, NULL},
        /* PT_SVC */ {TokenPrimary, 0, &SidUserSvc, lsvc, none, sy, 1, FALSE, NULL},
        /* PT_SVCd */ {TokenPrimary, 0, &SidUserSvc2, SepAllocateLuid(), none, sy, 2, FALSE, NULL},
        /* PT_Ar */ {TokenPrimary, 0, &SidUserA, la, none, me, 0, TRUE, NULL},
        /* IT_A2hi */ {TokenImpersonation, 2, &SidUserA, la, none, SECURITY_MANDATORY_HIGH_RID, 0, FALSE, NULL},
        /* IT_A2r */ {TokenImpersonation, 2, &SidUserA, la, none, me, 0, TRUE, NULL},
        /* IT_B2x */ {TokenImpersonation, 2, &SidUserB, SepAllocateLuid(), lb, me, 0, FALSE, NULL},
        /* IT_B2o */ {TokenImpersonation, 2, &SidUserB, SepAllocateLuid(), la, me, 0, FALSE, NULL},
        /* ANON */ {TokenImpersonation, 2, &SidAnonymous, anon, none, SECURITY_MANDATORY_UNTRUSTED_RID, 0, FALSE, "*SYSTEM*"},
        /* ANONx */ {TokenImpersonation, 2, &SidAnonymous, anon, none, SECURITY_MANDATORY_UNTRUSTED_RID, 0, FALSE, "User32  "},
    };
    F->PT_A = SpecMakeToken(&d[0]);
    F->PT_B = SpecMakeToken(&d[1]);
    F->PT_SVC = SpecMakeToken(&d[2]);
    F->PT_SVCd = SpecMakeToken(&d[3]);
    F->PT_Ar = SpecMakeToken(&d[4]);
    F->IT_A2hi = SpecMakeToken(&d[5]);
    F->IT_A2r = SpecMakeToken(&d[6]);
    F->IT_B2x = SpecMakeToken(&d[7]);
    F->IT_B2o = SpecMakeToken(&d[8]);
    F->ANON = SpecMakeToken(&d[9]);
    F->ANONx = SpecMakeToken(&d[10]);
    F->PT_S = PsReferencePrimaryToken(PsInitialSystemProcess);
    for (int l = 0; l <= 3; l++) {
        PACCESS_TOKEN a = SpecDuplicate(F->PT_A, l), b = SpecDuplicate(F->PT_B, l);
        switch (l) {
        case 0: F->IT_A0 = a; F->IT_B0 = b; break;
        case 1: F->IT_A1 = a; F->IT_B1 = b; break;
        case 2: F->IT_A2 = a; F->IT_B2 = b; break;
        default: F->IT_A3 = a; F->IT_B3 = b; break;
        }
    }
    F->ProcA = SpecProcess(F->PT_A);
    F->ProcB = SpecProcess(F->PT_B);
    F->ProcSVC = SpecProcess(F->PT_SVC);
    F->ProcSVCd = SpecProcess(F->PT_SVCd);
    F->ProcAr = SpecProcess(F->PT_Ar);
    F->tA = TrStart(F->ProcA);
    F->tA2 = TrStart(F->ProcA);
    F->tC = TrStart(F->ProcB);
    F->tSvc = TrStart(F->ProcSVC);
    SpecSnapshotRefs(F, &SpecBaseline);
    *state = F;
    return 0;
}

int SpecTearDown(void **state)
{
    SPEC_FIXTURE *F = *state;
    /* End any impersonation the test left behind, then the threads. */
    TEST_THREAD *threads[] = {F->tA, F->tA2, F->tC, F->tSvc};
    for (unsigned i = 0; i < 4; i++) {
        PsRevertThreadToSelf(TrThread(threads[i]));
        TrStop(threads[i]);
    }
    /* Every token is back to the references it had right after set-up. */
    SpecAssertRefs(F, &SpecBaseline);
    ObDereferenceObject(F->ProcA);
    ObDereferenceObject(F->ProcB);
    ObDereferenceObject(F->ProcSVC);
    ObDereferenceObject(F->ProcSVCd);
    ObDereferenceObject(F->ProcAr);
    const char *name;
    PACCESS_TOKEN *slot;
    for (int i = 0; (slot = SpecTokenSlot(F, i, &name)) != NULL; i++) {
        if (*slot == F->PT_S)
            PsDereferencePrimaryToken(*slot);
        else {
            /* after the processes are gone the fixture holds the only reference */
            if (NtsecReferenceCount(*slot) != 1)
                fail_msg("ref(%s) is %ld at teardown, expected 1", name,
                         (long)NtsecReferenceCount(*slot));
            ObDereferenceObject(*slot);
        }
    }
    assert_status(NtsecSetImpersonationPolicy(NtsecPolicyVista), STATUS_SUCCESS);
    free(F);
    return 0;
}

PACCESS_TOKEN SpecThreadToken(PETHREAD Thread, BOOLEAN *CopyOnOpen, BOOLEAN *EffectiveOnly,
                              SECURITY_IMPERSONATION_LEVEL *Level)
{
    BOOLEAN coo = 0x55, eo = 0x55;
    SECURITY_IMPERSONATION_LEVEL lvl = (SECURITY_IMPERSONATION_LEVEL)0x55;
    PACCESS_TOKEN t = PsReferenceImpersonationToken(Thread, &coo, &eo, &lvl);
    if (t == NULL)
        return NULL;
    if (CopyOnOpen)
        *CopyOnOpen = coo;
    if (EffectiveOnly)
        *EffectiveOnly = eo;
    if (Level)
        *Level = lvl;
    PsDereferenceImpersonationToken(t);
    return t;
}

static VOID (*SpecOriginalTokenDelete)(PVOID Object);
static PVOID _Atomic SpecWatched;
static _Atomic BOOLEAN SpecWatchedDeleted;

static VOID SpecTokenDeleteHook(PVOID Object)
{
    if (Object == atomic_load(&SpecWatched))
        atomic_store(&SpecWatchedDeleted, TRUE);
    if (SpecOriginalTokenDelete != NULL)
        SpecOriginalTokenDelete(Object);
}

VOID SpecWatchDeletion(PACCESS_TOKEN Token)
{
    if (ObpTokenType.DeleteProcedure != SpecTokenDeleteHook) {
        SpecOriginalTokenDelete = ObpTokenType.DeleteProcedure;
        ObpTokenType.DeleteProcedure = SpecTokenDeleteHook;
    }
    atomic_store(&SpecWatchedDeleted, FALSE);
    atomic_store(&SpecWatched, Token);
}

BOOLEAN SpecDeleted(VOID)
{
    return atomic_load(&SpecWatchedDeleted);
}

BOOLEAN SpecSidEqual(PSID A, PSID B)
{
    PISID a = A, b = B;
    if (a->SubAuthorityCount != b->SubAuthorityCount)
        return FALSE;
    return memcmp(a, b, 8 + 4 * (size_t)a->SubAuthorityCount) == 0;
}

TOKEN_TYPE SpecTokenType(PACCESS_TOKEN Token) { return ((PTOKEN)Token)->TokenType; }
SECURITY_IMPERSONATION_LEVEL SpecTokenLevel(PACCESS_TOKEN Token) { return ((PTOKEN)Token)->ImpersonationLevel; }
LUID SpecTokenId(PACCESS_TOKEN Token) { return ((PTOKEN)Token)->TokenId; }
