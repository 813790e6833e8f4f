/*
 * bench_accesscheck.c - ns per SeAccessCheck for DACLs of 5, 20 and 100 ACEs against tokens
 * of 10 and 100 groups, beside a naive baseline measured in the same run (for each ACE, a
 * linear memcmp scan of the token's groups). The wanted ACE is last, so every ACE is looked
 * up. Samba's se_access_check column needs Samba's private libraries (bench-peers.md); this
 * build does not link them and says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "se/accesschk.h"
#include "se/rights.h"

typedef struct {
    UCHAR Sid[12 + 4 * 4];
} BSID;

static void MakeSid(BSID *s, ULONG Rid)
{
    memset(s, 0, sizeof(*s));
    s->Sid[0] = 1;
    s->Sid[1] = 5;
    s->Sid[7] = 5;
    ULONG sub[5] = {21, 100, 200, 300, Rid};
    memcpy(&s->Sid[8], sub, sizeof(sub));
}

typedef struct {
    PTOKEN Token;
    PUCHAR Sd;
    SECURITY_SUBJECT_CONTEXT Ctx;
    GENERIC_MAPPING Mapping;
} BENCH_CASE;

static PUCHAR BuildSd(ULONG Aces)
{
    ULONG aceSize = 8 + 28;
    ULONG aclSize = 8 + Aces * aceSize;
    PUCHAR sd = calloc(1, 20 + aclSize);
    SECURITY_DESCRIPTOR_RELATIVE *rel = (void *)sd;
    rel->Revision = 1;
    rel->Control = SE_SELF_RELATIVE | SE_DACL_PRESENT;
    rel->Dacl = 20;
    PACL acl = (PACL)(sd + 20);
    acl->AclRevision = ACL_REVISION;
    acl->AclSize = (USHORT)aclSize;
    acl->AceCount = (USHORT)Aces;
    for (ULONG i = 0; i < Aces; i++) {
        PACCESS_ALLOWED_ACE ace = (PACCESS_ALLOWED_ACE)((PUCHAR)acl + 8 + i * aceSize);
        ace->Header.AceType = ACCESS_ALLOWED_ACE_TYPE;
        ace->Header.AceSize = (USHORT)aceSize;
        /* every ACE but the last names a SID absent from the token */
        ace->Mask = (i == Aces - 1) ? FILE_GENERIC_READ : FILE_WRITE_DATA;
        BSID s;
        MakeSid(&s, i == Aces - 1 ? 5000 + 7 : 90000 + i);
        memcpy(&ace->SidStart, s.Sid, 28);
    }
    return sd;
}

static PTOKEN BuildToken(ULONG Groups)
{
    static BSID user, group[128];
    static SID_AND_ATTRIBUTES ga[128];
    MakeSid(&user, 1001);
    for (ULONG i = 0; i < Groups; i++) {
        MakeSid(&group[i], 5000 + i);
        ga[i].Sid = group[i].Sid;
        ga[i].Attributes = SE_GROUP_ENABLED | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_MANDATORY;
    }
    SEP_TOKEN_TEMPLATE t;
    memset(&t, 0, sizeof(t));
    t.TokenType = TokenPrimary;
    t.User = user.Sid;
    t.GroupCount = Groups;
    t.Groups = ga;
    t.HasIntegrity = TRUE;
    t.IntegrityRid = SECURITY_MANDATORY_MEDIUM_RID;
    t.MandatoryPolicy = TOKEN_MANDATORY_POLICY_NO_WRITE_UP;
    PTOKEN token = NULL;
    if (SepCreateToken(&t, "bench", &token) != STATUS_SUCCESS) {
        fprintf(stderr, "SepCreateToken failed\n");
        exit(1);
    }
    return token;
}

static void RunNtsec(void *Context, uint64_t Iterations)
{
    BENCH_CASE *c = Context;
    for (uint64_t i = 0; i < Iterations; i++) {
        ACCESS_MASK g;
        NTSTATUS s;
        BOOLEAN ok = SeAccessCheck(c->Sd, &c->Ctx, FALSE, FILE_READ_DATA, 0, NULL, &c->Mapping, UserMode, &g, &s);
        BENCH_KEEP(ok);
    }
}

/* The naive baseline: same walk, each ACE SID found by a linear memcmp scan. */
static BOOLEAN NaiveCheck(PUCHAR Sd, PTOKEN Token, ACCESS_MASK Desired)
{
    PACL acl = (PACL)(Sd + ((SECURITY_DESCRIPTOR_RELATIVE *)Sd)->Dacl);
    PACE_HEADER ace = (PACE_HEADER)((PUCHAR)acl + 8);
    ACCESS_MASK granted = 0;
    for (ULONG i = 0; i < acl->AceCount; i++, ace = (PACE_HEADER)((PUCHAR)ace + ace->AceSize)) {
        PISID sid = (PISID)&((PACCESS_ALLOWED_ACE)ace)->SidStart;
        size_t len = 8 + 4 * (size_t)sid->SubAuthorityCount;
        for (ULONG j = 0; j < Token->UserAndGroupCount; j++) {
            PISID t = Token->UserAndGroups[j].Sid;
            if (8 + 4 * (size_t)t->SubAuthorityCount == len && memcmp(t, sid, len) == 0 &&
                (j == 0 || (Token->UserAndGroups[j].Attributes & SE_GROUP_ENABLED))) {
                if (ace->AceType == ACCESS_ALLOWED_ACE_TYPE)
                    granted |= ((PACCESS_ALLOWED_ACE)ace)->Mask;
                break;
            }
        }
        if ((granted & Desired) == Desired)
            return TRUE;
    }
    return FALSE;
}

static void RunNaive(void *Context, uint64_t Iterations)
{
    BENCH_CASE *c = Context;
    for (uint64_t i = 0; i < Iterations; i++) {
        BOOLEAN ok = NaiveCheck(c->Sd, c->Token, FILE_READ_DATA);
        BENCH_KEEP(ok);
    }
}

int main(int argc, char **argv)
{
    ULONG aces[] = {5, 20, 100}, groups[] = {10, 100};
    int once = argc > 1 && strcmp(argv[1], "--once-20x100") == 0; /* for callgrind */
    BenchHeader("SeAccessCheck: hashed SID index vs naive linear scan (ACE granting the right is last)");
    printf("Samba se_access_check: skipped (this build does not link Samba's private "
           "libsamba-security; see /work/shared/bench-peers.md)\n");
    for (int a = 0; a < 3; a++) {
        for (int g = 0; g < 2; g++) {
            if (once && (aces[a] != 20 || groups[g] != 100))
                continue;
            BENCH_CASE c;
            c.Token = BuildToken(groups[g]);
            c.Sd = BuildSd(aces[a]);
            memset(&c.Ctx, 0, sizeof(c.Ctx));
            c.Ctx.PrimaryToken = c.Token;
            c.Mapping = SepFileMapping;
            ACCESS_MASK gr = 0;
            NTSTATUS s = 0;
            if (!SeAccessCheck(c.Sd, &c.Ctx, FALSE, FILE_READ_DATA, 0, NULL, &c.Mapping, UserMode, &gr, &s) ||
                !NaiveCheck(c.Sd, c.Token, FILE_READ_DATA)) {
                fprintf(stderr, "the two checks disagree\n");
                return 1;
            }
            if (once) {
                RunNtsec(&c, 1);
                return 0;
            }
            char name[64];
            snprintf(name, sizeof(name), "%u ACEs x %u groups", aces[a], groups[g]);
            double n = BenchMeasure(RunNtsec, &c, BenchSeconds(), 3);
            double b = BenchMeasure(RunNaive, &c, BenchSeconds(), 3);
            BenchRow(name, n, "naive", b);
            ObDereferenceObject(c.Token);
            free(c.Sd);
        }
    }
    return 0;
}
