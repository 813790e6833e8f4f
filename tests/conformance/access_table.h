/*
 * access_table.h - shared helpers of the access-check conformance table and unit tests.
 */
#ifndef NTSEC_ACCESS_TABLE_H
#define NTSEC_ACCESS_TABLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ntsec_test.h"
#include "se/accesschk.h"
#include "se/rights.h"

/*
 * AtToken - a token from the documented text form plus two test-only words the text form
 * does not have: "write-restricted" (sets TOKEN_WRITE_RESTRICTED) and "integrity=none"
 * (the token carries no integrity SID: spec 5-D19). Caller owns the reference.
 */
static inline PACCESS_TOKEN AtToken(PCSTR Text)
{
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", Text);
    BOOLEAN writeRestricted = FALSE, noIntegrity = FALSE;
    char *p;
    if ((p = strstr(buf, " write-restricted")) != NULL) {
        memmove(p, p + 17, strlen(p + 17) + 1);
        writeRestricted = TRUE;
    }
    if ((p = strstr(buf, " integrity=none")) != NULL) {
        memmove(p, p + 15, strlen(p + 15) + 1);
        noIntegrity = TRUE;
    }
    PTOKEN t = TestToken(buf);
    SepAcquireTokenLockExclusive(t);
    if (writeRestricted)
        atomic_fetch_or(&t->TokenFlags, TOKEN_WRITE_RESTRICTED);
    if (noIntegrity)
        t->IntegrityIndex = SEP_NO_INTEGRITY;
    SepReleaseTokenLock(t);
    return t;
}

static inline PSECURITY_DESCRIPTOR AtSd(PCSTR Sddl)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG len = 0;
    NTSTATUS st = NtsecSddlToSecurityDescriptor(Sddl, &sd, &len);
    if (st != STATUS_SUCCESS)
        fail_msg("SDDL did not parse (0x%08x): %s", (unsigned)st, Sddl);
    return sd;
}

/* An absolute descriptor pointing into a self-relative one (no copies). */
static inline VOID AtAbsolute(PSECURITY_DESCRIPTOR SelfRelative, SECURITY_DESCRIPTOR *Abs)
{
    SEP_SD_VIEW v;
    assert_status(SepCaptureSdView(SelfRelative, &v), STATUS_SUCCESS);
    memset(Abs, 0, sizeof(*Abs));
    Abs->Revision = SECURITY_DESCRIPTOR_REVISION;
    Abs->Control = v.Control & ~SE_SELF_RELATIVE;
    Abs->Owner = v.Owner;
    Abs->Group = v.Group;
    Abs->Dacl = v.Dacl;
    Abs->Sacl = v.Sacl;
}

/* A subject context whose effective token is Token (no references taken). */
static inline VOID AtSubject(PACCESS_TOKEN Token, PSECURITY_SUBJECT_CONTEXT Ctx)
{
    PTOKEN t = Token;
    memset(Ctx, 0, sizeof(*Ctx));
    Ctx->PrimaryToken = Token;
    if (t->TokenType == TokenImpersonation) {
        Ctx->ClientToken = Token;
        Ctx->ImpersonationLevel = t->ImpersonationLevel;
    }
}

#endif
