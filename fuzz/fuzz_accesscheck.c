/*
 * fuzz_accesscheck.c - libFuzzer target for the access check and security assignment on
 * hostile descriptors, against fixed tokens (plain with a deny-only group, restricted,
 * low integrity with privileges).
 *
 * The first input byte picks the layout:
 *   bit 0 clear: the rest is a self-relative descriptor (exactly-sized heap copy), checked
 *                only when RtlValidRelativeSecurityDescriptor accepts it (SeAccessCheck has
 *                no length: its callers hand it captured, validated descriptors);
 *   bit 0 set:   the rest is one ACL (copied to a heap buffer of exactly AclSize bytes, so
 *                ASan sees any read past AclSize), used as DACL (bit 1) and/or SACL (bit 2)
 *                of an absolute descriptor; the check itself must refuse a bad ACL.
 * Invariants (abort on violation): a failed check grants 0; SeAccessCheck and the explicit
 * check agree on which descriptors are malformed (INVALID_ACL / INVALID_SID); a successful one without
 * MAXIMUM_ALLOWED grants exactly what was asked; SeAssignSecurity's output is a valid
 * self-relative descriptor, and its explain path (SepAssignSecurity with a trace) returns a
 * descriptor exactly when it succeeds; no status other than the documented ones.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"
#include "se/accesschk.h"
#include "se/assign.h" /* SepAssignSecurity with a trace */
#include "se/rights.h" /* SepFileMapping */

static PACCESS_TOKEN FuzzTokens[3];

static void FuzzInitTokens(void)
{
    static const char *texts[3] = {
        "type=impersonation level=impersonation user=S-1-5-21-1-2-3-1001 "
        "groups=WD,AU,BU,S-1-5-21-1-2-3-513:deny-only integrity=medium",
        "type=impersonation level=impersonation user=S-1-5-21-1-2-3-1001 groups=WD,AU,BU "
        "restricted=WD,S-1-5-21-1-2-3-1001 integrity=medium",
        "type=impersonation level=impersonation user=S-1-5-21-1-2-3-1001 groups=WD,AU "
        "privileges=SeSecurityPrivilege:enabled,SeTakeOwnershipPrivilege:enabled integrity=low",
    };
    if (FuzzTokens[0] != NULL)
        return;
    FuzzSetDomainSidOnce();
    for (int i = 0; i < 3; i++)
        if (NtsecCreateTokenFromText(texts[i], &FuzzTokens[i]) != STATUS_SUCCESS)
            abort();
}

static int FuzzCheckStatus(NTSTATUS Status)
{
    return Status == STATUS_SUCCESS || Status == STATUS_INVALID_SECURITY_DESCR ||
           Status == STATUS_INVALID_ACL || Status == STATUS_INVALID_SID;
}

static void FuzzRun(PSECURITY_DESCRIPTOR Sd)
{
    static const ACCESS_MASK desired[] = {0x1 /* FILE_READ_DATA */, 0x1F01FF /* FILE_ALL_ACCESS */, MAXIMUM_ALLOWED,
                                          WRITE_OWNER | READ_CONTROL,
                                          MAXIMUM_ALLOWED | ACCESS_SYSTEM_SECURITY};
    GENERIC_MAPPING m = SepFileMapping;
    for (int t = 0; t < 3; t++) {
        for (size_t d = 0; d < sizeof(desired) / sizeof(desired[0]); d++) {
            ACCESS_MASK granted = 0xDEADBEEF;
            NTSTATUS access = 0, status;
            status = NtsecAccessCheckToken(Sd, FuzzTokens[t], desired[d], &m, &granted, &access);
            if (!FuzzCheckStatus(status))
                abort();
            if (status == STATUS_SUCCESS) {
                if (access != STATUS_SUCCESS && granted != 0)
                    abort();
                if (access == STATUS_SUCCESS && !(desired[d] & MAXIMUM_ALLOWED) &&
                    granted != desired[d])
                    abort();
            }
            SECURITY_SUBJECT_CONTEXT ctx;
            memset(&ctx, 0, sizeof(ctx));
            ctx.PrimaryToken = FuzzTokens[t];
            ctx.ClientToken = FuzzTokens[t];
            ctx.ImpersonationLevel = SecurityImpersonation;
            PPRIVILEGE_SET privileges = NULL;
            granted = 0xDEADBEEF;
            BOOLEAN ok = SeAccessCheck(Sd, &ctx, FALSE, desired[d], 0, &privileges, &m, UserMode,
                                       &granted, &access);
            if (ok != (access == STATUS_SUCCESS) || (!ok && granted != 0))
                abort();
            /* SeAccessCheck checks the DACL's ACEs in its walk (issue 15 §3), the explicit
             * check before it: a malformed descriptor fails both with one status, and one
             * the explicit check evaluated is not malformed for SeAccessCheck. */
            if ((status == STATUS_INVALID_ACL || status == STATUS_INVALID_SID) && access != status)
                abort();
            if (status == STATUS_SUCCESS && (access == STATUS_INVALID_ACL || access == STATUS_INVALID_SID))
                abort();
            SeFreePrivileges(privileges);
        }
        /* The by-type check on a fixed tree (GUIDs 1..4; 2 and 3 under 1, 4 under 3): a
         * denied node reports at most the desired bits (its partial grant), a node that fails
         * otherwise grants 0; the single answer is the root's status, 0 when denied; the
         * explain form gives the list's answers. */
        static GUID guids[5] = {{0}, {1, 0, 0, {0}}, {2, 0, 0, {0}}, {3, 0, 0, {0}}, {4, 0, 0, {0}}};
        OBJECT_TYPE_LIST tree[4] = {{0, 0, &guids[1]}, {1, 0, &guids[2]}, {1, 0, &guids[3]}, {2, 0, &guids[4]}};
        SECURITY_SUBJECT_CONTEXT tctx;
        memset(&tctx, 0, sizeof(tctx));
        tctx.PrimaryToken = tctx.ClientToken = FuzzTokens[t];
        tctx.ImpersonationLevel = SecurityImpersonation;
        for (size_t d = 0; d < sizeof(desired) / sizeof(desired[0]); d++) {
            ACCESS_MASK list[4], one = 0xDEADBEEF;
            NTSTATUS statuses[4], st = 0;
            BOOLEAN all = NtsecAccessCheckByTypeResultList(Sd, NULL, &tctx, FALSE, desired[d], 0, tree, 4, NULL, &m,
                                                           UserMode, list, statuses);
            if (all != (statuses[0] == STATUS_SUCCESS))
                abort();
            BOOLEAN ok = SeAccessCheckByType(Sd, NULL, &tctx, FALSE, desired[d], 0, tree, 4, NULL, &m, UserMode,
                                             &one, &st);
            if (ok != (st == STATUS_SUCCESS) || st != statuses[0] || one != (ok ? list[0] : 0))
                abort();
            ACCESS_MASK xlist[4];
            NTSTATUS xstatuses[4];
            PSTR xtrace = NULL;
            if (NtsecAccessCheckByTypeExplain(Sd, NULL, FuzzTokens[t], desired[d], tree, 4, &m, xlist, xstatuses,
                                              &xtrace) != STATUS_SUCCESS ||
                memcmp(xlist, list, sizeof(list)) != 0 || memcmp(xstatuses, statuses, sizeof(statuses)) != 0)
                abort();
            NtsecFree(xtrace);
            for (int i = 0; i < 4; i++)
                if ((statuses[i] != STATUS_SUCCESS && statuses[i] != STATUS_ACCESS_DENIED && list[i] != 0) ||
                    (statuses[i] == STATUS_ACCESS_DENIED && !(desired[d] & MAXIMUM_ALLOWED) &&
                     (list[i] & ~desired[d]) != 0) ||
                    (statuses[i] == STATUS_SUCCESS && !(desired[d] & MAXIMUM_ALLOWED) && list[i] != desired[d]))
                    abort();
        }
        PSTR trace = NULL;
        ACCESS_MASK granted;
        NTSTATUS access;
        NtsecAccessCheckExplain(Sd, FuzzTokens[t], MAXIMUM_ALLOWED, &m, 0, &granted, &access, &trace);
        NtsecFree(trace);
    }
    /* Security assignment with the descriptor as parent (inheritance) and as explicit. */
    SECURITY_SUBJECT_CONTEXT ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.PrimaryToken = FuzzTokens[2];
    ctx.ClientToken = FuzzTokens[2];
    ctx.ImpersonationLevel = SecurityImpersonation;
    for (int dir = 0; dir < 2; dir++) {
        for (int asParent = 0; asParent < 2; asParent++) {
            PSECURITY_DESCRIPTOR out = NULL;
            NTSTATUS st = SeAssignSecurityEx(asParent ? Sd : NULL, asParent ? NULL : Sd, &out, NULL,
                                             (BOOLEAN)dir,
                                             SEF_DACL_AUTO_INHERIT | SEF_SACL_AUTO_INHERIT |
                                                 SEF_AVOID_OWNER_CHECK,
                                             &ctx, &m, PagedPool);
            if (st == STATUS_SUCCESS) {
                SEP_SD_VIEW v;
                if (out == NULL || SepCaptureSdView(out, &v) != STATUS_SUCCESS)
                    abort();
                SeDeassignSecurity(&out);
            } else if (out != NULL) {
                abort();
            }
            /* The explain path (ntsec assign --explain), with the descriptor as parent and as
             * parent plus explicit (the merge path when it carries AR). */
            SEP_TRACE trace = {0};
            PSECURITY_DESCRIPTOR again = NULL;
            NTSTATUS st2 = SepAssignSecurity(Sd, asParent ? NULL : Sd, &again, NULL, (BOOLEAN)dir,
                                             SEF_DACL_AUTO_INHERIT | SEF_SACL_AUTO_INHERIT | SEF_AVOID_OWNER_CHECK,
                                             &ctx, &m, PagedPool, &trace);
            if ((st2 == STATUS_SUCCESS) != (again != NULL))
                abort();
            SeDeassignSecurity(&again);
            if (trace.Buffer)
                ExFreePool(trace.Buffer);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size)
{
    if (Size < 1 || Size > 0x10000)
        return 0;
    FuzzInitTokens();
    UCHAR mode = Data[0];
    Data++;
    Size--;
    if (!(mode & 1)) {
        PUCHAR bytes = malloc(Size ? Size : 1);
        memcpy(bytes, Data, Size);
        if (RtlValidRelativeSecurityDescriptor(bytes, (ULONG)Size, 0))
            FuzzRun(bytes);
        free(bytes);
        return 0;
    }
    if (Size < sizeof(ACL))
        return 0;
    USHORT aclSize;
    memcpy(&aclSize, Data + 2, sizeof(aclSize));
    if (aclSize < sizeof(ACL) || aclSize > Size)
        return 0;
    PACL acl = malloc(aclSize);
    memcpy(acl, Data, aclSize);
    static const UCHAR owner[16] = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 32, 2, 0, 0}; /* BA */
    SECURITY_DESCRIPTOR sd;
    memset(&sd, 0, sizeof(sd));
    sd.Revision = SECURITY_DESCRIPTOR_REVISION;
    sd.Owner = (PSID)owner;
    sd.Group = (PSID)owner;
    if (mode & 2) {
        sd.Control |= SE_DACL_PRESENT;
        sd.Dacl = acl;
    }
    if (mode & 4) {
        sd.Control |= SE_SACL_PRESENT;
        sd.Sacl = acl;
    }
    FuzzRun(&sd);
    free(acl);
    return 0;
}
