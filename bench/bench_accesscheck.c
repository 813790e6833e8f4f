/*
 * bench_accesscheck.c - ns per SeAccessCheck for DACLs of 5, 20 and 100 ACEs against tokens
 * of 10 and 100 groups, beside a naive baseline measured in the same run (for each ACE, a
 * linear memcmp scan of the token's groups). The wanted ACE is last, so every ACE is looked
 * up. Samba's se_access_check column (bench-peers.md) is measured when Samba's private
 * libsamba-security is installed: it is loaded with dlopen (its headers clash with ntsec's
 * NT types in one translation unit, so the few structures used are mirrored below from
 * /usr/include/samba-4.0/gen_ndr/security.h of Samba 4.17), and both checks must agree on
 * the granted mask before timing. Without the library the column is skipped with a message.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "se/accesschk.h"
#include "se/rights.h"

typedef struct {
    UCHAR Sid[12 + 4 * 4];
} BSID;

/* Adversarial: SIDs differ only in a middle sub-authority (what the old index's hash
 * ignored, issue 15 section 4), all with the same last RID. */
static int Adversarial;
/* Conditions (issue 16): 'c' makes ACEs 2, 5, 8, 11 and 14 allow-callback ACEs for a group of
 * the token with (Member_of {that group} && @User.dept == "Sales") and gives the token that
 * claim; 'p' is the same DACL with plain allow ACEs in those places (the twin without
 * conditions). Both grant FILE_WRITE_DATA there, so the walk goes on to the last ACE. */
static char Flavour;

static int IsConditionalSlot(ULONG I, ULONG Aces)
{
    return Flavour != 0 && I + 1 < Aces && I % 3 == 2 && I <= 14;
}

/* The byte code of (Member_of {SID} && @User.dept == "Sales"), "artx" first (MS-DTYP 2.4.4.17). */
static ULONG BuildCondition(PUCHAR Out, const UCHAR *Sid, ULONG SidLength)
{
    ULONG n = 0;
    memcpy(Out, "artx", 4);
    n = 4;
    Out[n++] = 0x51; /* SID literal */
    memcpy(Out + n, &SidLength, 4);
    n += 4;
    memcpy(Out + n, Sid, SidLength);
    n += SidLength;
    Out[n++] = 0x89; /* Member_of */
    static const char dept[] = "dept", sales[] = "Sales";
    ULONG len = 2 * 4;
    Out[n++] = 0xf9; /* @User. */
    memcpy(Out + n, &len, 4);
    n += 4;
    for (int i = 0; i < 4; i++)
        Out[n++] = (UCHAR)dept[i], Out[n++] = 0;
    len = 2 * 5;
    Out[n++] = 0x10; /* string */
    memcpy(Out + n, &len, 4);
    n += 4;
    for (int i = 0; i < 5; i++)
        Out[n++] = (UCHAR)sales[i], Out[n++] = 0;
    Out[n++] = 0x80; /* == */
    Out[n++] = 0xa0; /* && */
    while (n % 4)
        Out[n++] = 0;
    return n;
}

static void MakeSid(BSID *s, ULONG Rid)
{
    memset(s, 0, sizeof(*s));
    s->Sid[0] = 1;
    s->Sid[1] = 5;
    s->Sid[7] = 5;
    ULONG sub[5] = {21, 100, 200, 300, Rid};
    if (Adversarial) {
        sub[2] = Rid;
        sub[4] = 5000;
    }
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
    ULONG aclSize = 8 + Aces * (aceSize + 96);
    PUCHAR sd = calloc(1, 20 + aclSize);
    SECURITY_DESCRIPTOR_RELATIVE *rel = (void *)sd;
    rel->Revision = 1;
    rel->Control = SE_SELF_RELATIVE | SE_DACL_PRESENT;
    rel->Dacl = 20;
    PACL acl = (PACL)(sd + 20);
    acl->AclRevision = ACL_REVISION;
    acl->AceCount = (USHORT)Aces;
    PUCHAR at = (PUCHAR)acl + 8;
    for (ULONG i = 0; i < Aces; i++) {
        PACCESS_ALLOWED_ACE ace = (PACCESS_ALLOWED_ACE)at;
        BOOLEAN slot = IsConditionalSlot(i, Aces);
        ace->Header.AceType = (slot && Flavour == 'c') ? ACCESS_ALLOWED_CALLBACK_ACE_TYPE : ACCESS_ALLOWED_ACE_TYPE;
        ace->Header.AceSize = (USHORT)aceSize;
        /* every ACE but the last (and the conditional slots) names a SID absent from the token */
        ace->Mask = (i == Aces - 1) ? FILE_GENERIC_READ : FILE_WRITE_DATA;
        BSID s;
        MakeSid(&s, i == Aces - 1 ? 5000 + 7 : slot ? 5000 + 3 : 90000 + i);
        memcpy(&ace->SidStart, s.Sid, 28);
        if (slot && Flavour == 'c')
            ace->Header.AceSize = (USHORT)(aceSize + BuildCondition(at + aceSize, s.Sid, 28));
        at += ace->Header.AceSize;
    }
    acl->AclSize = (USHORT)(at - (PUCHAR)acl);
    return sd;
}

static PTOKEN BuildToken(ULONG Groups)
{
    static BSID user, group[4096];
    static SID_AND_ATTRIBUTES ga[4096];
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
    static WCHAR name[] = { 'd', 'e', 'p', 't', 0 }, sales[] = { 'S', 'a', 'l', 'e', 's', 0 };
    static PWSTR values[] = { sales };
    static CLAIM_SECURITY_ATTRIBUTE_V1 claim;
    static CLAIM_SECURITY_ATTRIBUTES_INFORMATION claims;
    claim.Name = name;
    claim.ValueType = CLAIM_SECURITY_ATTRIBUTE_TYPE_STRING;
    claim.ValueCount = 1;
    claim.Values.ppString = values;
    claims.Version = CLAIM_SECURITY_ATTRIBUTES_INFORMATION_VERSION_V1;
    claims.AttributeCount = 1;
    claims.Attribute.pAttributeV1 = &claim;
    if (Flavour != 0)
        t.UserClaims = &claims;
    PTOKEN token = NULL;
    if (SepCreateToken(&t, "bench", &token) != STATUS_SUCCESS) {
        fprintf(stderr, "SepCreateToken failed\n");
        exit(1);
    }
    return token;
}

/* ---- Samba (mirrors of gen_ndr/security.h, Samba 4.17; enums are int-sized) ---- */
typedef struct { uint32_t TimeLow; uint16_t Mid, Hi; uint8_t Seq[2], Node[6]; } SMB_GUID;
typedef struct { uint8_t Rev; int8_t NumAuths; uint8_t IdAuth[6]; uint32_t SubAuths[15]; } SMB_DOM_SID;
typedef struct { uint32_t Flags; SMB_GUID Type; SMB_GUID InheritedType; } SMB_ACE_OBJECT;
typedef struct {
    int Type; uint8_t Flags; uint16_t Size; uint32_t AccessMask;
    SMB_ACE_OBJECT Object; SMB_DOM_SID Trustee;
} SMB_ACE;
typedef struct { int Revision; uint16_t Size; uint32_t NumAces; SMB_ACE *Aces; } SMB_ACL;
typedef struct {
    int Revision; uint16_t Type; SMB_DOM_SID *Owner, *Group; SMB_ACL *Sacl, *Dacl;
} SMB_SD;
typedef struct { uint32_t NumSids; SMB_DOM_SID *Sids; uint64_t PrivilegeMask; uint32_t RightsMask; } SMB_TOKEN;
typedef uint32_t (*SMB_SE_ACCESS_CHECK)(const SMB_SD *, const SMB_TOKEN *, uint32_t, uint32_t *);
static SMB_SE_ACCESS_CHECK SambaAccessCheck;

typedef struct {
    SMB_SD Sd;
    SMB_ACL Acl;
    SMB_TOKEN Token;
    SMB_DOM_SID Owner;
} SAMBA_CASE;

static void SambaSid(SMB_DOM_SID *d, PISID s)
{
    memset(d, 0, sizeof(*d));
    d->Rev = s->Revision;
    d->NumAuths = (int8_t)s->SubAuthorityCount;
    memcpy(d->IdAuth, s->IdentifierAuthority.Value, 6);
    for (int i = 0; i < s->SubAuthorityCount; i++)
        d->SubAuths[i] = s->SubAuthority[i];
}

/* The same descriptor and token in Samba's structures (owner: a SID not in the token). */
static void BuildSamba(SAMBA_CASE *c, PUCHAR Sd, PTOKEN Token)
{
    PACL acl = (PACL)(Sd + ((SECURITY_DESCRIPTOR_RELATIVE *)Sd)->Dacl);
    PACE_HEADER ace = (PACE_HEADER)((PUCHAR)acl + 8);
    memset(c, 0, sizeof(*c));
    c->Acl.Revision = ACL_REVISION;
    c->Acl.NumAces = acl->AceCount;
    c->Acl.Aces = calloc(acl->AceCount, sizeof(SMB_ACE));
    for (ULONG i = 0; i < acl->AceCount; i++, ace = (PACE_HEADER)((PUCHAR)ace + ace->AceSize)) {
        c->Acl.Aces[i].Type = ace->AceType;
        c->Acl.Aces[i].Flags = ace->AceFlags;
        c->Acl.Aces[i].Size = ace->AceSize;
        c->Acl.Aces[i].AccessMask = ((PACCESS_ALLOWED_ACE)ace)->Mask;
        SambaSid(&c->Acl.Aces[i].Trustee, (PISID)&((PACCESS_ALLOWED_ACE)ace)->SidStart);
    }
    BSID owner;
    MakeSid(&owner, 77777);
    SambaSid(&c->Owner, (PISID)owner.Sid);
    c->Sd.Revision = 1;
    c->Sd.Type = 0x8004; /* SEC_DESC_SELF_RELATIVE | SEC_DESC_DACL_PRESENT */
    c->Sd.Owner = &c->Owner;
    c->Sd.Group = &c->Owner;
    c->Sd.Dacl = &c->Acl;
    c->Token.NumSids = Token->UserAndGroupCount;
    c->Token.Sids = calloc(Token->UserAndGroupCount, sizeof(SMB_DOM_SID));
    for (ULONG j = 0; j < Token->UserAndGroupCount; j++)
        SambaSid(&c->Token.Sids[j], Token->UserAndGroups[j].Sid);
}

static void FreeSamba(SAMBA_CASE *c)
{
    free(c->Acl.Aces);
    free(c->Token.Sids);
}

static void RunSamba(void *Context, uint64_t Iterations)
{
    SAMBA_CASE *c = Context;
    for (uint64_t i = 0; i < Iterations; i++) {
        uint32_t granted = 0;
        uint32_t st = SambaAccessCheck(&c->Sd, &c->Token, FILE_READ_DATA, &granted);
        BENCH_KEEP(st);
        BENCH_KEEP(granted);
    }
}

static void LoadSamba(void)
{
    void *h = dlopen("/usr/lib/x86_64-linux-gnu/samba/libsamba-security-samba4.so.0", RTLD_NOW);
    if (h == NULL) {
        printf("Samba se_access_check: skipped (libsamba-security-samba4.so.0 not loadable: %s; "
               "see /work/shared/bench-peers.md)\n", dlerror());
        return;
    }
    SambaAccessCheck = (SMB_SE_ACCESS_CHECK)dlsym(h, "se_access_check");
    if (SambaAccessCheck == NULL)
        printf("Samba se_access_check: skipped (symbol not found)\n");
    else
        printf("Samba se_access_check: measured in the same run (libsamba-security-samba4.so.0)\n");
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

static BENCH_CASE MakeCase(ULONG Aces, ULONG Groups)
{
    BENCH_CASE c;
    c.Token = BuildToken(Groups);
    c.Sd = BuildSd(Aces);
    memset(&c.Ctx, 0, sizeof(c.Ctx));
    c.Ctx.PrimaryToken = c.Token;
    c.Mapping = SepFileMapping;
    ACCESS_MASK gr = 0;
    NTSTATUS s = 0;
    if (!SeAccessCheck(c.Sd, &c.Ctx, FALSE, FILE_READ_DATA, 0, NULL, &c.Mapping, UserMode, &gr, &s) ||
        !NaiveCheck(c.Sd, c.Token, FILE_READ_DATA)) {
        fprintf(stderr, "the two checks disagree\n");
        exit(1);
    }
    return c;
}

static void FreeCase(BENCH_CASE *c)
{
    ObDereferenceObject(c->Token);
    free(c->Sd);
}

typedef struct { ULONG Groups; int Adversarial; } BUILD_CASE;

static void RunBuild(void *Context, uint64_t Iterations)
{
    BUILD_CASE *b = Context;
    for (uint64_t i = 0; i < Iterations; i++) {
        Adversarial = b->Adversarial;
        PTOKEN t = BuildToken(b->Groups);
        ObDereferenceObject(t);
    }
}

/* One row of the table (and its Samba row when the library is loaded); 0, or 1 when
 * Samba disagrees. */
static int TableRow(ULONG Aces, ULONG Groups, int Adv, double Seconds, int Rounds)
{
    Adversarial = Adv;
    BENCH_CASE c = MakeCase(Aces, Groups);
    Adversarial = 0;
    ACCESS_MASK gr = 0;
    NTSTATUS s = 0;
    SeAccessCheck(c.Sd, &c.Ctx, FALSE, FILE_READ_DATA, 0, NULL, &c.Mapping, UserMode, &gr, &s);
    char name[96];
    snprintf(name, sizeof(name), "%u ACEs x %u groups%s", Aces, Groups,
             Adv ? " adversarial" : Flavour == 'c' ? ", 5 conditional" : Flavour == 'p' ? ", 5 plain twins" : "");
    BENCH_ALT r;
    BenchAlternate(RunNtsec, &c, RunNaive, &c, Seconds, Rounds, &r);
    BenchAltRow(name, "naive", &r);
    int rc = 0;
    if (SambaAccessCheck && Flavour == 0) {
        SAMBA_CASE sc;
        BuildSamba(&sc, c.Sd, c.Token);
        uint32_t sg = 0;
        uint32_t sst = SambaAccessCheck(&sc.Sd, &sc.Token, FILE_READ_DATA, &sg);
        if (sst != 0 || sg != gr) {
            fprintf(stderr, "Samba disagrees: status 0x%08x granted 0x%08x, ntsec 0x%08x\n",
                    (unsigned)sst, (unsigned)sg, (unsigned)gr);
            rc = 1;
        } else {
            /* ratio = Samba / ntsec: how many times faster ntsec is */
            BenchAlternate(RunSamba, &sc, RunNtsec, &c, Seconds, Rounds, &r);
            snprintf(name, sizeof(name), "%u ACEs x %u groups%s: Samba se_access_check", Aces,
                     Groups, Adv ? " adversarial" : "");
            BenchAltRow(name, "ntsec (ratio = Samba / ntsec)", &r);
        }
        FreeSamba(&sc);
    }
    FreeCase(&c);
    return rc;
}

/* The worst-case rows: adversarial against typical SIDs at 20 ACEs x 1000 groups, and
 * building 1000-group tokens of each kind. */
static void WorstRows(double Seconds, int Rounds)
{
    Adversarial = 0;
    BENCH_CASE typ = MakeCase(20, 1000);
    Adversarial = 1;
    BENCH_CASE adv = MakeCase(20, 1000);
    Adversarial = 0;
    BENCH_ALT r;
    BenchAlternate(RunNtsec, &adv, RunNtsec, &typ, Seconds, Rounds, &r);
    BenchAltRow("SeAccessCheck 20 ACEs x 1000 groups, adversarial", "typical", &r);
    FreeCase(&typ);
    FreeCase(&adv);
    BUILD_CASE bt = { 1000, 0 }, ba = { 1000, 1 };
    BenchAlternate(RunBuild, &ba, RunBuild, &bt, Seconds, Rounds, &r);
    BenchAltRow("SepCreateToken + release, 1000 groups, adversarial", "typical", &r);
    Adversarial = 0;
}

/* ACESxGROUPS[a|c|p] (a: adversarial SIDs; c: five conditional ACEs and a claim; p: their
 * plain twin); 1000 ACEs and 4096 groups at most. */
static int ParseCase(const char *Text, unsigned *Aces, unsigned *Groups, int *Adv)
{
    char adv = 0;
    if (sscanf(Text, "%ux%u%c", Aces, Groups, &adv) < 2 || *Aces == 0 || *Aces > 1000 ||
        *Groups == 0 || *Groups > 4096 || (adv != 0 && adv != 'a' && adv != 'c' && adv != 'p'))
        return 0;
    *Adv = adv == 'a';
    Flavour = (adv == 'c' || adv == 'p') ? adv : 0;
    return 1;
}

/*
 * Usage: bench_accesscheck [CASE... | worst]   the table rows (alternating bursts) of these
 *            cases (ACESxGROUPS[a]), or of the default set and the worst-case rows;
 *        bench_accesscheck --once CASE CALLS
 *            builds one case and makes CALLS checks after the agreement check, for
 *            bench/instructions.sh and bench/report.sh (callgrind, CALLS=1 vs 1+N);
 *        bench_accesscheck --once-samba CASE CALLS   the same with Samba's check (exit 3
 *            without the library);
 *        bench_accesscheck --once-build GROUPS[a] CALLS   builds CALLS tokens.
 */
int main(int argc, char **argv)
{
    unsigned a = 0, g = 0;
    int adv = 0;
    if (argc == 4 && strcmp(argv[1], "--once-build") == 0) {
        char suffix = 0;
        if (sscanf(argv[2], "%u%c", &g, &suffix) < 1 || g > 4096)
            return 2;
        BUILD_CASE b = { g, suffix == 'a' };
        RunBuild(&b, (uint64_t)atol(argv[3]));
        return 0;
    }
    if (argc == 4 && (strcmp(argv[1], "--once") == 0 || strcmp(argv[1], "--once-samba") == 0)) {
        long calls = atol(argv[3]);
        if (!ParseCase(argv[2], &a, &g, &adv))
            return 2;
        Adversarial = adv;
        BENCH_CASE c = MakeCase(a, g);
        Adversarial = 0;
        if (strcmp(argv[1], "--once") == 0) {
            RunNtsec(&c, (uint64_t)calls);
        } else {
            void *h = dlopen("/usr/lib/x86_64-linux-gnu/samba/libsamba-security-samba4.so.0", RTLD_NOW);
            SambaAccessCheck = h ? (SMB_SE_ACCESS_CHECK)dlsym(h, "se_access_check") : NULL;
            if (SambaAccessCheck == NULL)
                return 3;
            SAMBA_CASE sc;
            BuildSamba(&sc, c.Sd, c.Token);
            RunSamba(&sc, (uint64_t)calls);
            FreeSamba(&sc);
        }
        FreeCase(&c);
        return 0;
    }
    static const char *defaults[] = {"5x10", "5x100", "20x10", "20x100", "100x10", "100x100", "worst"};
    const char **cases = argc > 1 ? (const char **)argv + 1 : defaults;
    int ncases = argc > 1 ? argc - 1 : (int)(sizeof(defaults) / sizeof(defaults[0]));
    double sec = BenchSeconds() / 4;
    int rounds = BenchRounds();
    LoadSamba();
    BenchAltHeader("SeAccessCheck: hashed SID index vs naive linear scan and Samba (ACE granting the right is last; alternating bursts)");
    int rc = 0;
    for (int i = 0; i < ncases; i++) {
        if (strcmp(cases[i], "worst") == 0) {
            BenchAltHeader("Worst case: adversarial SIDs (differing only in a middle sub-authority) vs typical (differing in the last RID)");
            WorstRows(sec, rounds);
            continue;
        }
        if (!ParseCase(cases[i], &a, &g, &adv)) {
            fprintf(stderr, "bad case %s (ACESxGROUPS[a], at most 1000x4096)\n", cases[i]);
            return 2;
        }
        rc |= TableRow(a, g, adv, sec, rounds);
    }
    return rc;
}
