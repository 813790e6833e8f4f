/*
 * test_ksec_pac.c - the MS-PAC logon-info decoder (src/ksec/pac.c): real blobs from Samba's
 * AD DC, crafted blobs from pac_encoder.h, and every way the bytes can lie, each with its
 * exact status (pac.h). The decoder must never read outside the blob (ASan: each blob is
 * copied into an exactly sized heap buffer) and never leak (the verifier's pool tracking).
 */
#include <stdio.h>
#include "ntsec_test.h"
#include "pac_encoder.h"
#include "rtl/rtlp.h"
#include "ksec/pac.h"

#define ON (SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED)
#define DOMAIN "S-1-5-21-1000-2000-3000"

static const char *const TwoExtra[] = {"S-1-18-1", "S-1-5-21-7-8-9-1111"};

static PE_SPEC BaseSpec(void)
{
    PE_SPEC s;
    memset(&s, 0, sizeof(s));
    s.Names[0] = "alice";
    s.Names[1] = "Alice Test";
    s.Names[2] = s.Names[3] = s.Names[4] = s.Names[5] = "";
    s.Names[6] = "DC1";
    s.Names[7] = "NTSEC";
    s.Domain = DOMAIN;
    s.UserId = 1102;
    s.PrimaryGroupId = 513;
    s.UserFlags = KSEC_PAC_LOGON_EXTRA_SIDS;
    s.UserAccountControl = 0x10;
    static const ULONG rids[] = {513, 1104, 1105};
    s.GroupCount = 3;
    s.Rids = rids;
    s.GroupAttributes = ON;
    s.ExtraCount = 2;
    s.Extra = TwoExtra;
    s.ExtraAttributes = ON;
    return s;
}

/* Decodes Bytes[Length] from an exactly sized heap copy (so ASan sees any overread). */
static NTSTATUS Parse(const unsigned char *Bytes, size_t Length, PKSEC_PAC_LOGON_INFO *Info)
{
    unsigned char *copy = malloc(Length ? Length : 1);
    assert_non_null(copy);
    memcpy(copy, Bytes, Length);
    NTSTATUS status = KsecpParsePacLogonInfo(copy, Length, Info);
    free(copy);
    return status;
}

static NTSTATUS ParseBlob(const PE_BLOB *B)
{
    PKSEC_PAC_LOGON_INFO info = (PKSEC_PAC_LOGON_INFO)1;
    NTSTATUS status = Parse(B->Bytes, B->Length, &info);
    if (NT_SUCCESS(status))
        KsecpFreePacLogonInfo(info);
    else
        assert_null(info);
    return status;
}

static void ExpectSid(PSID Sid, const char *Text)
{
    char buf[200];
    assert_true(RtlValidSid(Sid));
    assert_status(RtlpSidToString(Sid, buf, sizeof(buf)), STATUS_SUCCESS);
    assert_string_equal(buf, Text);
}

/* The real blob of alice (tests/ksec/data/README.md): every field the domain gave. */
static void test_pac_real_addc_blob_alice(void **state)
{
    size_t n;
    unsigned char *blob = PeReadDataFile("addc-alice-logon-info.bin", &n);
    assert_int_equal(n, 488);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(Parse(blob, n, &info), STATUS_SUCCESS);
    const char *d = "S-1-5-21-2236135634-2012952419-3643765061";
    char want[128];
    ExpectSid(info->LogonDomainSid, d);
    snprintf(want, sizeof(want), "%s-1102", d);
    ExpectSid(info->UserSid, want);
    snprintf(want, sizeof(want), "%s-513", d);
    ExpectSid(info->PrimaryGroupSid, want);
    assert_string_equal(info->EffectiveName, "alice");
    assert_string_equal(info->FullName, "Alice Test");
    assert_string_equal(info->LogonServer, "DC1");
    assert_string_equal(info->LogonDomainName, "NTSEC");
    assert_int_equal(info->UserFlags, KSEC_PAC_LOGON_EXTRA_SIDS);
    assert_int_equal(info->UserAccountControl, 0x10);
    assert_int_equal(info->DomainGroupCount, 5);
    assert_int_equal(info->ExtraSidCount, 1);
    assert_int_equal(info->ResourceGroupCount, 0);
    assert_int_equal(info->GroupCount, 6);
    static const ULONG rids[] = {513, 1104, 1105, 1106, 1107};
    for (int i = 0; i < 5; i++) {
        snprintf(want, sizeof(want), "%s-%u", d, (unsigned)rids[i]);
        ExpectSid(info->Groups[i].Sid, want);
        assert_int_equal(info->Groups[i].Attributes, ON);
    }
    ExpectSid(info->Groups[5].Sid, "S-1-18-1");
    assert_int_equal(info->Groups[5].Attributes, ON);
    KsecpFreePacLogonInfo(info);
}

static void test_pac_real_addc_blob_bob(void **state)
{
    size_t n;
    unsigned char *blob = PeReadDataFile("addc-bob-logon-info.bin", &n);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(Parse(blob, n, &info), STATUS_SUCCESS);
    ExpectSid(info->UserSid, "S-1-5-21-2236135634-2012952419-3643765061-1103");
    assert_string_equal(info->EffectiveName, "bob");
    assert_string_equal(info->FullName, "");
    assert_int_equal(info->DomainGroupCount, 1);
    ExpectSid(info->Groups[0].Sid, "S-1-5-21-2236135634-2012952419-3643765061-513");
    KsecpFreePacLogonInfo(info);
}

/* Our encoder writes what the KDC writes: the real blob's bytes come out again. */
static void test_pac_encoder_reproduces_real_blob_layout(void **state)
{
    size_t n;
    unsigned char *real = PeReadDataFile("addc-bob-logon-info.bin", &n);
    PE_SPEC s = BaseSpec();
    s.Names[0] = "bob";
    s.Names[1] = "";
    s.Domain = "S-1-5-21-2236135634-2012952419-3643765061";
    s.UserId = 1103;
    static const ULONG rids[] = {513};
    s.GroupCount = 1;
    s.Rids = rids;
    static const char *const extra[] = {"S-1-18-1"};
    s.ExtraCount = 1;
    s.Extra = extra;
    PE_BLOB b = PeEncode(&s);
    assert_int_equal(b.Length, n);
    /* Everything from the strings on (FILETIMEs, counts and the session key differ). */
    assert_memory_equal(b.Bytes + b.Struct + PE_EFFECTIVE_NAME, real + b.Struct + PE_EFFECTIVE_NAME, 48);
    assert_memory_equal(b.Bytes + b.NameBody[0], real + b.NameBody[0], n - b.NameBody[0]);
    free(b.Bytes);
}

static void test_pac_crafted_roundtrip_order_and_attributes(void **state)
{
    PE_SPEC s = BaseSpec();
    s.ExtraAttributes = ON | SE_GROUP_RESOURCE;
    s.UserFlags |= KSEC_PAC_LOGON_RESOURCE_GROUPS;
    s.ResourceDomain = "S-1-5-21-44-55-66";
    s.ResourceCount = 2;
    s.ResourceAttributes = ON | SE_GROUP_RESOURCE;
    PE_BLOB b = PeEncode(&s);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(Parse(b.Bytes, b.Length, &info), STATUS_SUCCESS);
    ExpectSid(info->UserSid, DOMAIN "-1102");
    ExpectSid(info->PrimaryGroupSid, DOMAIN "-513");
    assert_int_equal(info->GroupCount, 7);
    assert_int_equal(info->DomainGroupCount, 3);
    assert_int_equal(info->ExtraSidCount, 2);
    assert_int_equal(info->ResourceGroupCount, 2);
    ExpectSid(info->Groups[0].Sid, DOMAIN "-513");
    ExpectSid(info->Groups[1].Sid, DOMAIN "-1104");
    ExpectSid(info->Groups[2].Sid, DOMAIN "-1105");
    ExpectSid(info->Groups[3].Sid, "S-1-18-1");
    ExpectSid(info->Groups[4].Sid, "S-1-5-21-7-8-9-1111");
    ExpectSid(info->Groups[5].Sid, "S-1-5-21-44-55-66-2000");
    ExpectSid(info->Groups[6].Sid, "S-1-5-21-44-55-66-2001");
    assert_int_equal(info->Groups[0].Attributes, ON);
    assert_int_equal(info->Groups[3].Attributes, ON | SE_GROUP_RESOURCE);
    assert_int_equal(info->Groups[6].Attributes, ON | SE_GROUP_RESOURCE);
    assert_int_equal(info->UserId, 1102);
    assert_int_equal(info->PrimaryGroupId, 513);
    KsecpFreePacLogonInfo(info);
    free(b.Bytes);
}

/* Resource groups count only with LOGON_RESOURCE_GROUPS ([MS-PAC] 2.5); the bytes are still checked. */
static void test_pac_resource_groups_need_the_flag(void **state)
{
    PE_SPEC s = BaseSpec();
    s.ResourceDomain = "S-1-5-21-44-55-66";
    s.ResourceCount = 2;
    PE_BLOB b = PeEncode(&s);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(Parse(b.Bytes, b.Length, &info), STATUS_SUCCESS);
    assert_int_equal(info->ResourceGroupCount, 0);
    assert_int_equal(info->GroupCount, 5);
    KsecpFreePacLogonInfo(info);
    PeSetU32(&b, b.ResourceIds, 3); /* conformance disagrees with ResourceGroupCount */
    assert_status(ParseBlob(&b), RPC_NT_BAD_STUB_DATA);
    free(b.Bytes);
    /* Flag and groups but no domain SID to put them in. */
    s.UserFlags |= KSEC_PAC_LOGON_RESOURCE_GROUPS;
    s.ResourceDomain = NULL;
    b = PeEncode(&s);
    assert_status(ParseBlob(&b), STATUS_INVALID_SID);
    free(b.Bytes);
}

/* ExtraSids are taken even without LOGON_EXTRA_SIDS: never fewer SIDs than the KDC gave. */
static void test_pac_extra_sids_without_flag_still_count(void **state)
{
    PE_SPEC s = BaseSpec();
    s.UserFlags = 0;
    PE_BLOB b = PeEncode(&s);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(Parse(b.Bytes, b.Length, &info), STATUS_SUCCESS);
    assert_int_equal(info->ExtraSidCount, 2);
    KsecpFreePacLogonInfo(info);
    free(b.Bytes);
}

static void test_pac_null_arguments(void **state)
{
    PKSEC_PAC_LOGON_INFO info = (PKSEC_PAC_LOGON_INFO)1;
    assert_status(KsecpParsePacLogonInfo(NULL, 100, &info), STATUS_INVALID_PARAMETER);
    assert_null(info);
    PE_SPEC s = BaseSpec();
    PE_BLOB b = PeEncode(&s);
    assert_status(KsecpParsePacLogonInfo(b.Bytes, b.Length, NULL), STATUS_INVALID_PARAMETER);
    assert_status(KsecpParsePacLogonInfo(b.Bytes, 0, &info), RPC_NT_BAD_STUB_DATA);
    KsecpFreePacLogonInfo(NULL);
    free(b.Bytes);
}

static void test_pac_bad_headers(void **state)
{
    PE_SPEC s = BaseSpec();
    PE_BLOB b = PeEncode(&s);
    struct { size_t At; unsigned char Value; } bytes[] = {
        {0, 2} /* version */, {1, 0x00} /* big endian */, {2, 16} /* header length */, {3, 1},
    };
    for (size_t i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++) {
        unsigned char old = b.Bytes[bytes[i].At];
        b.Bytes[bytes[i].At] = bytes[i].Value;
        assert_status(ParseBlob(&b), RPC_NT_BAD_STUB_DATA);
        b.Bytes[bytes[i].At] = old;
    }
    ULONG length = (ULONG)(b.Length - 16);
    static const ULONG lies[] = {1, 4, 12, 0xFFFFFFF8u, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
        PeSetU32(&b, 8, length + lies[i]); /* not a multiple of 8, or past the end */
        assert_status(ParseBlob(&b), RPC_NT_BAD_STUB_DATA);
    }
    PeSetU32(&b, 8, 0);
    assert_status(ParseBlob(&b), RPC_NT_BAD_STUB_DATA);
    PeSetU32(&b, 8, length);
    /* The fillers are not checked; bytes after the object are not read. */
    PeSetU32(&b, 4, 0);
    PeSetU32(&b, 12, 0xdeadbeef);
    assert_status(ParseBlob(&b), STATUS_SUCCESS);
    PePut(&b, "trailing", 8);
    assert_status(ParseBlob(&b), STATUS_SUCCESS);
    PeSetU32(&b, 16, 0); /* NULL top-level pointer */
    assert_status(ParseBlob(&b), RPC_NT_BAD_STUB_DATA);
    free(b.Bytes);
}

/* Every truncation: with the header unchanged (its length then lies) and with the header
 * shrunk to what is left; only a cut of the final padding still decodes. */
static void test_pac_truncation_at_every_offset(void **state)
{
    PE_SPEC s = BaseSpec();
    s.UserFlags |= KSEC_PAC_LOGON_RESOURCE_GROUPS;
    s.ResourceDomain = "S-1-5-21-44-55-66";
    s.ResourceCount = 1;
    PE_BLOB b = PeEncode(&s);
    assert_status(ParseBlob(&b), STATUS_SUCCESS);
    PKSEC_PAC_LOGON_INFO info;
    for (size_t cut = 0; cut < b.Length; cut++) {
        info = (PKSEC_PAC_LOGON_INFO)1;
        assert_status(Parse(b.Bytes, cut, &info), RPC_NT_BAD_STUB_DATA);
        assert_null(info);
        if (cut < 16 || (cut - 16) % 8 != 0)
            continue;
        unsigned char *copy = malloc(cut);
        memcpy(copy, b.Bytes, cut);
        PE_BLOB t = {copy, cut};
        PeSetU32(&t, 8, (ULONG)(cut - 16));
        NTSTATUS expected = cut >= b.DataEnd ? STATUS_SUCCESS : RPC_NT_BAD_STUB_DATA;
        assert_status(ParseBlob(&t), expected);
        free(copy);
    }
    free(b.Bytes);
}

/* Counts above the token limit fail before any array is read, however the rest looks. */
static void test_pac_huge_counts_are_too_many_context_ids(void **state)
{
    PE_SPEC s = BaseSpec();
    PE_BLOB b = PeEncode(&s);
    static const size_t fields[] = {PE_GROUP_COUNT, PE_SID_COUNT, PE_RESOURCE_COUNT};
    static const ULONG values[] = {0xFFFFFFFFu, 0x80000000u, 0x20000000u, KSEC_PAC_MAX_GROUPS + 1};
    for (size_t f = 0; f < 3; f++) {
        for (size_t v = 0; v < 4; v++) {
            PE_BLOB c = {malloc(b.Length), b.Length};
            memcpy(c.Bytes, b.Bytes, b.Length);
            PeSetU32(&c, b.Struct + fields[f], values[v]);
            PeSetU32(&c, b.Struct + PE_RESOURCE_IDS, 0x00020100); /* a count needs a pointer */
            assert_status(ParseBlob(&c), STATUS_TOO_MANY_CONTEXT_IDS);
            free(c.Bytes);
        }
    }
    free(b.Bytes);
}

/* At the limit it decodes (the worst case the caps allow, in linear time); one more fails. */
static void test_pac_group_limit_exact(void **state)
{
    static const char *extra[KSEC_PAC_MAX_GROUPS];
    /* 15 sub-authorities: the largest SID, 1024 of them. */
    for (ULONG i = 0; i < KSEC_PAC_MAX_GROUPS; i++)
        extra[i] = "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15";
    PE_SPEC s = BaseSpec();
    s.GroupCount = 0;
    s.ExtraCount = KSEC_PAC_MAX_GROUPS;
    s.Extra = extra;
    PE_BLOB b = PeEncode(&s);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(Parse(b.Bytes, b.Length, &info), STATUS_SUCCESS);
    assert_int_equal(info->GroupCount, KSEC_PAC_MAX_GROUPS);
    ExpectSid(info->Groups[KSEC_PAC_MAX_GROUPS - 1].Sid, extra[0]);
    KsecpFreePacLogonInfo(info);
    free(b.Bytes);

    s = BaseSpec();
    s.GroupCount = KSEC_PAC_MAX_GROUPS;
    s.Rids = NULL;
    s.ExtraCount = 0;
    b = PeEncode(&s);
    assert_status(ParseBlob(&b), STATUS_SUCCESS);
    free(b.Bytes);
    /* The sum counts: 1000 groups + 25 extra SIDs. */
    s.GroupCount = 1000;
    static const char *many[25];
    for (int i = 0; i < 25; i++)
        many[i] = "S-1-18-1";
    s.ExtraCount = 25;
    s.Extra = many;
    b = PeEncode(&s);
    assert_status(ParseBlob(&b), STATUS_TOO_MANY_CONTEXT_IDS);
    free(b.Bytes);
    /* Resource groups only count with their flag. */
    s.ExtraCount = 0;
    s.ResourceDomain = "S-1-5-21-1-2-3";
    s.ResourceCount = 100;
    b = PeEncode(&s);
    assert_status(ParseBlob(&b), STATUS_SUCCESS);
    PeSetU32(&b, b.Struct + PE_USER_FLAGS, KSEC_PAC_LOGON_RESOURCE_GROUPS);
    assert_status(ParseBlob(&b), STATUS_TOO_MANY_CONTEXT_IDS);
    free(b.Bytes);
}

/* A count and its array's conformance, a pointer and its pointee, must agree. */
static void test_pac_conformance_and_referent_mismatches(void **state)
{
    PE_SPEC s = BaseSpec();
    PE_BLOB b = PeEncode(&s);
    struct { size_t At; ULONG Value; } lies[] = {
        {b.GroupIds, 2}, {b.GroupIds, 4}, {b.ExtraSids, 1}, {b.ExtraSids, 3},
        {b.Struct + PE_GROUP_COUNT, 2}, {b.Struct + PE_GROUP_COUNT, 4},
        {b.Struct + PE_GROUP_IDS, 0},    /* count 3, pointer NULL */
        {b.Struct + PE_EXTRA_SIDS, 0},   /* count 2, pointer NULL */
        {b.Struct + PE_SID_COUNT, 1},
        {b.LogonDomainId, 5},            /* RPC_SID conformance != SubAuthorityCount */
        {b.ExtraSid0, 0},
    };
    for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
        PE_BLOB c = {malloc(b.Length), b.Length};
        memcpy(c.Bytes, b.Bytes, b.Length);
        PeSetU32(&c, lies[i].At, lies[i].Value);
        NTSTATUS st = ParseBlob(&c);
        if (st != RPC_NT_BAD_STUB_DATA)
            fail_msg("lie %zu: 0x%08x", i, (unsigned)st);
        free(c.Bytes);
    }
    /* A pointer that says NULL while its pointee is there shifts everything after it. */
    PE_BLOB c = {malloc(b.Length), b.Length};
    memcpy(c.Bytes, b.Bytes, b.Length);
    PeSetU32(&c, b.Struct + PE_FULL_NAME + 4, 0);
    PeSetU16(&c, b.Struct + PE_FULL_NAME, 0);
    assert_status(ParseBlob(&c), RPC_NT_BAD_STUB_DATA);
    free(c.Bytes);
    free(b.Bytes);
    /* A pointer whose pointee is missing: GroupIds non-NULL with zero groups, array absent. */
    s.GroupCount = 0;
    b = PeEncode(&s);
    size_t at = b.GroupIds;
    assert_status(ParseBlob(&b), STATUS_SUCCESS);
    memmove(b.Bytes + at, b.Bytes + at + 4, b.Length - at - 4); /* drop the array's MaxCount */
    assert_status(ParseBlob(&b), RPC_NT_BAD_STUB_DATA);
    free(b.Bytes);
}

static void test_pac_string_lengths_must_agree(void **state)
{
    PE_SPEC s = BaseSpec();
    PE_BLOB b = PeEncode(&s);
    size_t name = b.Struct + PE_EFFECTIVE_NAME, body = b.NameBody[0];
    struct { size_t At; int Size; ULONG Value; } lies[] = {
        {name, 2, 9},           /* odd Length */
        {name, 2, 12},          /* Length > MaximumLength */
        {name + 2, 2, 8},       /* MaximumLength < Length */
        {name + 2, 2, 12},      /* MaxCount (5) != MaximumLength / 2 */
        {body, 4, 6},           /* MaxCount */
        {body + 4, 4, 1},       /* Offset */
        {body + 8, 4, 4},       /* ActualCount */
        {body + 8, 4, 0xFFFFFFFFu},
        {name + 4, 4, 0},       /* NULL Buffer with Length 10 */
    };
    for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
        PE_BLOB c = {malloc(b.Length), b.Length};
        memcpy(c.Bytes, b.Bytes, b.Length);
        if (lies[i].Size == 2)
            PeSetU16(&c, lies[i].At, lies[i].Value);
        else
            PeSetU32(&c, lies[i].At, lies[i].Value);
        NTSTATUS st = ParseBlob(&c);
        if (st != RPC_NT_BAD_STUB_DATA)
            fail_msg("lie %zu: 0x%08x", i, (unsigned)st);
        free(c.Bytes);
    }
    free(b.Bytes);
    /* NULL Buffers with Length 0 are empty strings. */
    s.Names[0] = s.Names[1] = s.Names[6] = s.Names[7] = NULL;
    b = PeEncode(&s);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(Parse(b.Bytes, b.Length, &info), STATUS_SUCCESS);
    assert_string_equal(info->EffectiveName, "");
    assert_string_equal(info->LogonDomainName, "");
    KsecpFreePacLogonInfo(info);
    free(b.Bytes);
}

/* A broken encoder that leaves out the padding: the next conformance is misread. */
static void test_pac_missing_alignment_padding(void **state)
{
    PE_SPEC s = BaseSpec();
    s.Names[0] = "bob"; /* 6 bytes: 2 bytes of padding before the next MaxCount */
    s.NoPadding = TRUE;
    PE_BLOB b = PeEncode(&s);
    assert_status(ParseBlob(&b), RPC_NT_BAD_STUB_DATA);
    free(b.Bytes);
    /* The blob at an odd address decodes the same (no aligned loads). */
    s.NoPadding = FALSE;
    b = PeEncode(&s);
    unsigned char *odd = malloc(b.Length + 1);
    memcpy(odd + 1, b.Bytes, b.Length);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(KsecpParsePacLogonInfo(odd + 1, b.Length, &info), STATUS_SUCCESS);
    assert_string_equal(info->EffectiveName, "bob");
    KsecpFreePacLogonInfo(info);
    free(odd);
    free(b.Bytes);
}

static void test_pac_names_utf16(void **state)
{
    PE_SPEC s = BaseSpec();
    s.Names[0] = "j\xC3\xB6rg\xE2\x82\xAC\xF0\x9F\x94\x91"; /* ö, €, U+1F511 (a surrogate pair) */
    s.Names[7] = "D\xC3\x96M";
    PE_BLOB b = PeEncode(&s);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(Parse(b.Bytes, b.Length, &info), STATUS_SUCCESS);
    assert_string_equal(info->EffectiveName, s.Names[0]);
    assert_string_equal(info->LogonDomainName, s.Names[7]);
    KsecpFreePacLogonInfo(info);
    free(b.Bytes);

    /* An identity name with a NUL or an unpaired surrogate means two things: refused. */
    s = BaseSpec();
    b = PeEncode(&s);
    size_t first = b.NameBody[0] + 12, domain = b.NameBody[7] + 12;
    static const struct { int Name; int Unit; unsigned Value; } bad[] = {
        {0, 2, 0x0000}, {0, 4, 0xD800}, {0, 0, 0xDC00}, {0, 3, 0xDBFF}, {7, 1, 0x0000}, {7, 4, 0xDFFF},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        PE_BLOB c = {malloc(b.Length), b.Length};
        memcpy(c.Bytes, b.Bytes, b.Length);
        PeSetU16(&c, (bad[i].Name == 0 ? first : domain) + 2 * (size_t)bad[i].Unit, bad[i].Value);
        assert_status(ParseBlob(&c), STATUS_INVALID_ACCOUNT_NAME);
        free(c.Bytes);
    }
    /* In a display name they become U+FFFD. */
    PE_BLOB c = {malloc(b.Length), b.Length};
    memcpy(c.Bytes, b.Bytes, b.Length);
    PeSetU16(&c, b.NameBody[1] + 12 + 2 * 5, 0xD800); /* "Alice\xD800Test" */
    PeSetU16(&c, b.NameBody[6] + 12 + 2 * 1, 0x0000); /* "D\0" "1" */
    assert_status(Parse(c.Bytes, c.Length, &info), STATUS_SUCCESS);
    assert_string_equal(info->FullName, "Alice\xEF\xBF\xBDTest");
    assert_string_equal(info->LogonServer, "D\xEF\xBF\xBD" "1");
    KsecpFreePacLogonInfo(info);
    free(c.Bytes);
    free(b.Bytes);
}

static void test_pac_bad_sids(void **state)
{
    PE_SPEC s = BaseSpec();
    /* 16 sub-authorities (one more than a SID may have) in an extra SID. */
    static const char *const sixteen[] = {"S-1-18-1", "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16"};
    s.Extra = sixteen;
    PE_BLOB b = PeEncode(&s);
    assert_status(ParseBlob(&b), STATUS_INVALID_SID);
    free(b.Bytes);
    /* 20, and as the domain SID. */
    s = BaseSpec();
    s.Domain = "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16-17-18-19-20";
    b = PeEncode(&s);
    assert_status(ParseBlob(&b), STATUS_INVALID_SID);
    free(b.Bytes);
    /* 15 in the domain SID: valid, but no room for the user's RID. 14: fine. */
    s.Domain = "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15";
    b = PeEncode(&s);
    assert_status(ParseBlob(&b), STATUS_INVALID_SID);
    free(b.Bytes);
    s.Domain = "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14";
    b = PeEncode(&s);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(Parse(b.Bytes, b.Length, &info), STATUS_SUCCESS);
    ExpectSid(info->UserSid, "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-1102");
    KsecpFreePacLogonInfo(info);
    /* Revision 2. */
    b.Bytes[b.LogonDomainId + 4] = 2;
    assert_status(ParseBlob(&b), STATUS_INVALID_SID);
    free(b.Bytes);
    /* No LogonDomainId at all. */
    s = BaseSpec();
    s.Domain = NULL;
    b = PeEncode(&s);
    assert_status(ParseBlob(&b), STATUS_INVALID_SID);
    free(b.Bytes);
    /* A NULL entry in ExtraSids. */
    static const char *const withNull[] = {"S-1-18-1", NULL};
    s = BaseSpec();
    s.Extra = withNull;
    b = PeEncode(&s);
    assert_status(ParseBlob(&b), STATUS_INVALID_SID);
    free(b.Bytes);
    /* A SID with zero sub-authorities is a valid SID. */
    static const char *const bare[] = {"S-1-5"};
    s = BaseSpec();
    s.ExtraCount = 1;
    s.Extra = bare;
    b = PeEncode(&s);
    assert_status(Parse(b.Bytes, b.Length, &info), STATUS_SUCCESS);
    ExpectSid(info->Groups[3].Sid, "S-1-5");
    KsecpFreePacLogonInfo(info);
    free(b.Bytes);
}

/* Random single-byte corruption of real and crafted blobs: any status, never a crash or leak. */
static void test_pac_byte_flips_fail_closed(void **state)
{
    size_t n;
    unsigned char *real = PeReadDataFile("addc-alice-logon-info.bin", &n);
    unsigned char *copy = malloc(n);
    unsigned seed = 12345;
    for (size_t at = 0; at < n; at++) {
        for (int k = 0; k < 4; k++) {
            memcpy(copy, real, n);
            seed = seed * 1103515245u + 12345u;
            copy[at] ^= (unsigned char)(1u << (seed >> 16 & 7));
            PKSEC_PAC_LOGON_INFO info = NULL;
            NTSTATUS st = KsecpParsePacLogonInfo(copy, n, &info);
            if (NT_SUCCESS(st)) {
                assert_true(RtlValidSid(info->UserSid));
                for (ULONG i = 0; i < info->GroupCount; i++)
                    assert_true(RtlValidSid(info->Groups[i].Sid));
                KsecpFreePacLogonInfo(info);
            } else {
                assert_null(info);
                assert_true(st == RPC_NT_BAD_STUB_DATA || st == STATUS_INVALID_SID ||
                            st == STATUS_TOO_MANY_CONTEXT_IDS || st == STATUS_INVALID_ACCOUNT_NAME);
            }
        }
    }
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pac_real_addc_blob_alice),
        cmocka_unit_test(test_pac_real_addc_blob_bob),
        cmocka_unit_test(test_pac_encoder_reproduces_real_blob_layout),
        cmocka_unit_test(test_pac_crafted_roundtrip_order_and_attributes),
        cmocka_unit_test(test_pac_resource_groups_need_the_flag),
        cmocka_unit_test(test_pac_extra_sids_without_flag_still_count),
        cmocka_unit_test(test_pac_null_arguments),
        cmocka_unit_test(test_pac_bad_headers),
        cmocka_unit_test(test_pac_truncation_at_every_offset),
        cmocka_unit_test(test_pac_huge_counts_are_too_many_context_ids),
        cmocka_unit_test(test_pac_group_limit_exact),
        cmocka_unit_test(test_pac_conformance_and_referent_mismatches),
        cmocka_unit_test(test_pac_string_lengths_must_agree),
        cmocka_unit_test(test_pac_missing_alignment_padding),
        cmocka_unit_test(test_pac_names_utf16),
        cmocka_unit_test(test_pac_bad_sids),
        cmocka_unit_test(test_pac_byte_flips_fail_closed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
