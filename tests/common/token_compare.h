/*
 * token_compare.h - field-by-field token comparison shared by the token tests.
 * Compares every field the token text form covers (docs/token-text.md); ids that are fresh
 * per token (TokenId, ModifiedId) are not compared.
 */
#ifndef NTSEC_TEST_TOKEN_COMPARE_H
#define NTSEC_TEST_TOKEN_COMPARE_H

#include <string.h>
#include "ntsec_test.h"
#include "se/sep.h"

static inline void AssertSidArraysEqual(ULONG n, PSID_AND_ATTRIBUTES a, PSID_AND_ATTRIBUTES b)
{
    for (ULONG i = 0; i < n; i++) {
        assert_true(RtlEqualSid(a[i].Sid, b[i].Sid));
        assert_int_equal(a[i].Attributes, b[i].Attributes);
    }
}

static inline void AssertTokensEqual(PACCESS_TOKEN A, PACCESS_TOKEN B)
{
    PTOKEN a = A, b = B;
    assert_int_equal(a->TokenType, b->TokenType);
    if (a->TokenType == TokenImpersonation)
        assert_int_equal(a->ImpersonationLevel, b->ImpersonationLevel);
    assert_int_equal(a->UserAndGroupCount, b->UserAndGroupCount);
    AssertSidArraysEqual(a->UserAndGroupCount, a->UserAndGroups, b->UserAndGroups);
    assert_int_equal(a->IntegrityIndex, b->IntegrityIndex);
    assert_int_equal(SepTokenIntegrityRid(a), SepTokenIntegrityRid(b));
    assert_int_equal(a->RestrictedSidCount, b->RestrictedSidCount);
    AssertSidArraysEqual(a->RestrictedSidCount, a->RestrictedSids, b->RestrictedSids);
    assert_int_equal(a->PrivilegeCount, b->PrivilegeCount);
    for (ULONG i = 0; i < a->PrivilegeCount; i++) {
        assert_true(SepLuidEqual(a->Privileges[i].Luid, b->Privileges[i].Luid));
        assert_int_equal(a->Privileges[i].Attributes, b->Privileges[i].Attributes);
    }
    assert_true(SepLuidEqual(a->AuthenticationId, b->AuthenticationId));
    assert_true(SepLuidEqual(a->OriginatingLogonSession, b->OriginatingLogonSession));
    assert_memory_equal(a->TokenSource.SourceName, b->TokenSource.SourceName, TOKEN_SOURCE_LENGTH);
    assert_int_equal(a->DefaultOwnerIndex, b->DefaultOwnerIndex);
    assert_true(RtlEqualSid(a->PrimaryGroup, b->PrimaryGroup));
    assert_int_equal(a->DefaultDacl == NULL, b->DefaultDacl == NULL);
    if (a->DefaultDacl) {
        assert_int_equal(a->DefaultDacl->AceCount, b->DefaultDacl->AceCount);
        assert_int_equal(a->DefaultDacl->AclSize, b->DefaultDacl->AclSize);
        assert_memory_equal(a->DefaultDacl, b->DefaultDacl, a->DefaultDacl->AclSize);
    }
    assert_int_equal(a->SessionId, b->SessionId);
    assert_int_equal(atomic_load(&a->TokenFlags) & (TOKEN_WRITE_RESTRICTED | TOKEN_IS_RESTRICTED),
                     atomic_load(&b->TokenFlags) & (TOKEN_WRITE_RESTRICTED | TOKEN_IS_RESTRICTED));
}

/* Canonical text of Token into a static-size buffer; fails the test if it does not format. */
static inline void FormatInto(PACCESS_TOKEN Token, char *Buffer, SIZE_T Size)
{
    SIZE_T needed = 0;
    NTSTATUS st = NtsecFormatToken(Token, Buffer, Size, &needed);
    assert_status(st, STATUS_SUCCESS);
    assert_int_equal(needed, strlen(Buffer) + 1);
}

#endif
