/*
 * fuzz_cond_binary.c - libFuzzer target for binary conditional expressions (MS-DTYP
 * 2.4.4.17): validation, evaluation against a token, SDDL formatting, and the access check
 * on a DACL of one callback ACE carrying the input as application data.
 *
 * The input (after the first byte) is copied to a heap buffer of exactly its size, so ASan
 * sees any read past the expression. Byte 0 bit 0 prefixes "artx" (to reach past the
 * signature check), bit 1 picks a deny (else allow) callback ACE.
 * Invariants (abort on violation): SepCondValidate returns only STATUS_SUCCESS or
 * STATUS_INVALID_ACE_CONDITION; an expression that does not validate evaluates to UNKNOWN
 * and does not format; one that validates formats to text; the evaluation result is one of
 * TRUE/FALSE/UNKNOWN; an allow callback ACE whose condition is not TRUE grants nothing, a
 * deny callback ACE whose condition is not FALSE denies.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"
#include "se/cond.h"
#include "se/rights.h" /* SepFileMapping */

static PACCESS_TOKEN FuzzToken;
static const UCHAR FuzzWorld[12] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}; /* S-1-1-0 */

static void FuzzInit(void)
{
    if (FuzzToken != NULL)
        return;
    FuzzSetDomainSidOnce();
    if (NtsecCreateTokenFromText("type=impersonation level=impersonation user=S-1-5-21-1-2-3-1001 "
                                 "groups=WD,AU,BA,S-1-5-21-1-2-3-513:deny-only integrity=medium",
                                 &FuzzToken) != STATUS_SUCCESS)
        abort();
}

/* The access check on O:SYG:SY D:(callback ACE for WD, FILE_READ_DATA, Expr), followed for a
 * deny ACE by (A;;FA;;;WD): granted iff the allow condition is TRUE / the deny one FALSE. */
static void FuzzCheck(const UCHAR *Expr, size_t Size, BOOLEAN Deny, SEP_COND_VALUE Value)
{
    ULONG aceSize = (ULONG)((8 + sizeof(FuzzWorld) + Size + 3) & ~(size_t)3);
    ULONG aclSize = 8 + aceSize + (Deny ? 20 : 0);
    if (aclSize > 0xFFFF)
        return;
    PUCHAR acl = calloc(1, aclSize);
    if (acl == NULL)
        abort();
    acl[0] = ACL_REVISION;
    acl[2] = (UCHAR)aclSize; acl[3] = (UCHAR)(aclSize >> 8);
    acl[4] = Deny ? 2 : 1;
    PUCHAR ace = acl + 8;
    ace[0] = Deny ? ACCESS_DENIED_CALLBACK_ACE_TYPE : ACCESS_ALLOWED_CALLBACK_ACE_TYPE;
    ace[2] = (UCHAR)aceSize; ace[3] = (UCHAR)(aceSize >> 8);
    ace[4] = 0x01; /* FILE_READ_DATA */
    memcpy(ace + 8, FuzzWorld, sizeof(FuzzWorld));
    memcpy(ace + 8 + sizeof(FuzzWorld), Expr, Size);
    if (Deny) {
        PUCHAR allow = ace + aceSize; /* (A;;FA;;;WD) */
        allow[0] = ACCESS_ALLOWED_ACE_TYPE;
        allow[2] = 20;
        ULONG fa = 0x1F01FF;
        memcpy(allow + 4, &fa, 4);
        memcpy(allow + 8, FuzzWorld, sizeof(FuzzWorld));
    }

    static const UCHAR system[12] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
    SECURITY_DESCRIPTOR sd;
    memset(&sd, 0, sizeof(sd));
    sd.Revision = SECURITY_DESCRIPTOR_REVISION;
    sd.Control = SE_DACL_PRESENT;
    sd.Owner = (PSID)system;
    sd.Group = (PSID)system;
    sd.Dacl = (PACL)acl;
    GENERIC_MAPPING m = SepFileMapping;
    ACCESS_MASK granted = 0xDEADBEEF;
    NTSTATUS access = 0;
    if (NtsecAccessCheckToken(&sd, FuzzToken, 0x1, &m, &granted, &access) != STATUS_SUCCESS)
        abort();
    BOOLEAN expectGranted = Deny ? (Value == SepCondFalse) : (Value == SepCondTrue);
    if ((access == STATUS_SUCCESS) != expectGranted)
        abort();
    if (access == STATUS_SUCCESS ? granted != 0x1 : granted != 0)
        abort();
    free(acl);
}

int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size)
{
    FuzzInit();
    if (Size < 1 || Size > 60000)
        return 0;
    UCHAR mode = Data[0];
    size_t n = Size - 1 + ((mode & 1) ? 4 : 0);
    PUCHAR expr = malloc(n ? n : 1);
    if (expr == NULL)
        abort();
    if (mode & 1)
        memcpy(expr, "artx", 4);
    memcpy(expr + ((mode & 1) ? 4 : 0), Data + 1, Size - 1);

    ULONG count = 0;
    NTSTATUS v = SepCondValidate(expr, (ULONG)n, &count);
    if (v != STATUS_SUCCESS && v != STATUS_INVALID_ACE_CONDITION)
        abort();
    SEP_COND_CONTEXT ctx = {.Token = FuzzToken, .Restricted = FALSE,
                            .MatchBit = (mode & 2) ? SEP_MATCH_DENY : SEP_MATCH_ALLOW};
    PCSTR reason = NULL;
    SepAcquireTokenLockShared(FuzzToken);
    SEP_COND_VALUE value = SepCondEvaluate(expr, (ULONG)n, &ctx, &reason);
    SepReleaseTokenLock(FuzzToken);
    if (value != SepCondTrue && value != SepCondFalse && value != SepCondUnknown)
        abort();
    if (v != STATUS_SUCCESS && (value != SepCondUnknown || reason == NULL))
        abort();
    SEP_TRACE text = {0};
    NTSTATUS f = SepCondFormat(expr, (ULONG)n, &text);
    if (v == STATUS_SUCCESS ? (f != STATUS_SUCCESS || text.Buffer == NULL)
                            : (f != STATUS_INVALID_ACE_CONDITION || text.Length != 0))
        abort();
    if (text.Buffer)
        NtsecFree(text.Buffer);
    /* Only when the ACE needs no padding, so that its application data is exactly expr. */
    if ((n & 3) == 0)
        FuzzCheck(expr, n, (mode & 2) != 0, value);
    free(expr);
    return 0;
}
