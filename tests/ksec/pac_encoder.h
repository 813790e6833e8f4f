/*
 * pac_encoder.h - a small NDR encoder for PAC_LOGON_INFO (KERB_VALIDATION_INFO in an MS-RPCE
 * type serialization, version 1), for the decoder's tests: it writes what a Windows or Samba
 * KDC writes (referent ids 0x00020000 + 4n, pointees in declaration order, ExtraSids' SIDs
 * after their array, zero padding to 4 and the whole object to 8) and records where every
 * part went, so a test can break exactly one thing; PeReadDataFile reads the real blobs
 * (tests/ksec/data) they are compared with.
 */
#ifndef NTSEC_PAC_ENCODER_H
#define NTSEC_PAC_ENCODER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ntsec_test.h"

#define PE_MAX_SUBAUTH 20

/* What to encode. Names[i] NULL: a NULL Buffer pointer (Length 0). */
typedef struct {
    const char *Names[8]; /* EffectiveName, FullName, LogonScript, ProfilePath, HomeDirectory,
                             HomeDirectoryDrive, LogonServer, LogonDomainName (UTF-8) */
    const char *Domain;   /* LogonDomainId as S-1-...; NULL: a NULL pointer */
    ULONG UserId, PrimaryGroupId, UserFlags, UserAccountControl;
    ULONG GroupCount;
    const ULONG *Rids;    /* GroupCount RIDs (NULL: 1000 + i) */
    ULONG GroupAttributes;
    ULONG ExtraCount;
    const char *const *Extra; /* ExtraCount SIDs (NULL entry: a NULL Sid pointer) */
    ULONG ExtraAttributes;
    const char *ResourceDomain;
    ULONG ResourceCount;
    ULONG ResourceAttributes;
    BOOLEAN NoPadding;    /* leave alignment padding out (a broken encoder) */
} PE_SPEC;

/* Where things went (offsets into Bytes). */
typedef struct {
    unsigned char *Bytes;
    size_t Length;       /* whole blob, padded to 8 */
    size_t DataEnd;      /* end of the last pointee, before the final padding */
    size_t Struct;       /* the KERB_VALIDATION_INFO */
    size_t NameBody[8];  /* MaxCount of each string pointee (0: none) */
    size_t GroupIds, LogonDomainId, ExtraSids, ExtraSid0, ResourceDomain, ResourceIds; /* MaxCounts */
    size_t Cap;
    ULONG Ref;
    BOOLEAN NoPadding;
} PE_BLOB;

static inline void PePut(PE_BLOB *B, const void *P, size_t N)
{
    if (B->Length + N > B->Cap) {
        B->Cap = (B->Length + N) * 2 + 64;
        B->Bytes = realloc(B->Bytes, B->Cap);
        assert_non_null(B->Bytes);
    }
    memcpy(B->Bytes + B->Length, P, N);
    B->Length += N;
}

static inline void PeAlign(PE_BLOB *B, size_t A)
{
    static const unsigned char zero[8];
    if (!B->NoPadding && B->Length % A != 0)
        PePut(B, zero, A - B->Length % A);
}

static inline void PeU16(PE_BLOB *B, unsigned V)
{
    unsigned char b[2] = {(unsigned char)V, (unsigned char)(V >> 8)};
    PeAlign(B, 2);
    PePut(B, b, 2);
}

static inline void PeU32(PE_BLOB *B, ULONG V)
{
    unsigned char b[4] = {(unsigned char)V, (unsigned char)(V >> 8), (unsigned char)(V >> 16), (unsigned char)(V >> 24)};
    PeAlign(B, 4);
    PePut(B, b, 4);
}

static inline void PeSetU32(PE_BLOB *B, size_t At, ULONG V)
{
    assert_true(At + 4 <= B->Length);
    B->Bytes[At] = (unsigned char)V;
    B->Bytes[At + 1] = (unsigned char)(V >> 8);
    B->Bytes[At + 2] = (unsigned char)(V >> 16);
    B->Bytes[At + 3] = (unsigned char)(V >> 24);
}

static inline void PeSetU16(PE_BLOB *B, size_t At, unsigned V)
{
    B->Bytes[At] = (unsigned char)V;
    B->Bytes[At + 1] = (unsigned char)(V >> 8);
}

static inline ULONG PeRef(PE_BLOB *B, BOOLEAN Present)
{
    if (!Present)
        return 0;
    B->Ref += 4;
    return B->Ref - 4;
}

/* UTF-8 -> UTF-16 units (no validation: test input). Returns the unit count. */
static inline size_t PeUtf16(const char *S, unsigned short *Out)
{
    const unsigned char *p = (const unsigned char *)S;
    size_t n = 0;
    while (*p) {
        unsigned long c;
        if (*p < 0x80) c = *p++;
        else if (*p < 0xE0) { c = (unsigned long)(p[0] & 0x1F) << 6 | (p[1] & 0x3F); p += 2; }
        else if (*p < 0xF0) { c = (unsigned long)(p[0] & 0x0F) << 12 | (unsigned long)(p[1] & 0x3F) << 6 | (p[2] & 0x3F); p += 3; }
        else { c = (unsigned long)(p[0] & 0x07) << 18 | (unsigned long)(p[1] & 0x3F) << 12 | (unsigned long)(p[2] & 0x3F) << 6 | (p[3] & 0x3F); p += 4; }
        if (c >= 0x10000) {
            c -= 0x10000;
            Out[n++] = (unsigned short)(0xD800 + (c >> 10));
            Out[n++] = (unsigned short)(0xDC00 + (c & 0x3FF));
        } else {
            Out[n++] = (unsigned short)c;
        }
    }
    return n;
}

/* "S-1-<authority>-<sub>..." with up to PE_MAX_SUBAUTH sub-authorities (more than a SID may have). */
static inline void PeSid(PE_BLOB *B, const char *Text)
{
    assert_true(strncmp(Text, "S-1-", 4) == 0);
    char *end;
    unsigned long long authority = strtoull(Text + 4, &end, 10);
    ULONG sub[PE_MAX_SUBAUTH];
    unsigned count = 0;
    while (*end == '-') {
        assert_true(count < PE_MAX_SUBAUTH);
        sub[count++] = (ULONG)strtoul(end + 1, &end, 10);
    }
    PeU32(B, count); /* conformance */
    unsigned char h[8] = {1, (unsigned char)count};
    for (int i = 0; i < 6; i++)
        h[2 + i] = (unsigned char)(authority >> (8 * (5 - i)));
    PePut(B, h, 8);
    for (unsigned i = 0; i < count; i++)
        PeU32(B, sub[i]);
}

/* Room: MaximumLength - Length in units (Samba's KDC gives LogonServer and LogonDomainName
 * room for a terminating NUL that it does not send). */
static inline void PeString(PE_BLOB *B, const char *S, unsigned short *Units, size_t *Count, size_t Room)
{
    *Count = S ? PeUtf16(S, Units) : 0;
    PeU16(B, (unsigned)(*Count * 2));
    PeU16(B, (unsigned)((*Count + (S ? Room : 0)) * 2));
    PeU32(B, PeRef(B, S != NULL));
}

static inline void PeStringBody(PE_BLOB *B, const char *S, const unsigned short *Units, size_t Count, size_t *At,
                                size_t Room)
{
    if (S == NULL)
        return;
    PeAlign(B, 4);
    *At = B->Length;
    PeU32(B, (ULONG)(Count + Room));
    PeU32(B, 0);
    PeU32(B, (ULONG)Count);
    for (size_t i = 0; i < Count; i++)
        PeU16(B, Units[i]);
}

static inline void PeGroups(PE_BLOB *B, ULONG Count, const ULONG *Rids, ULONG Base, ULONG Attributes, size_t *At)
{
    PeAlign(B, 4);
    *At = B->Length;
    PeU32(B, Count);
    for (ULONG i = 0; i < Count; i++) {
        PeU32(B, Rids ? Rids[i] : Base + i);
        PeU32(B, Attributes);
    }
}

/* Encodes Spec; free the result's Bytes. */
static inline PE_BLOB PeEncode(const PE_SPEC *S)
{
    PE_BLOB b;
    memset(&b, 0, sizeof(b));
    b.Ref = 0x00020000;
    static const unsigned char header[16] = {1, 0x10, 8, 0, 0xcc, 0xcc, 0xcc, 0xcc};
    PePut(&b, header, 16);
    PeU32(&b, PeRef(&b, TRUE)); /* the top-level pointer */
    b.NoPadding = S->NoPadding;
    b.Struct = b.Length;
    for (int i = 0; i < 12; i++)
        PeU32(&b, 0x01d00000u + (ULONG)i); /* six FILETIMEs */
    static unsigned short units[8][4096];
    size_t counts[8];
    for (int i = 0; i < 6; i++)
        PeString(&b, S->Names[i], units[i], &counts[i], 0);
    PeU16(&b, 7);  /* LogonCount */
    PeU16(&b, 0);  /* BadPasswordCount */
    PeU32(&b, S->UserId);
    PeU32(&b, S->PrimaryGroupId);
    PeU32(&b, S->GroupCount);
    ULONG groupsRef = PeRef(&b, TRUE);
    PeU32(&b, groupsRef);
    PeU32(&b, S->UserFlags);
    for (int i = 0; i < 4; i++)
        PeU32(&b, 0); /* UserSessionKey */
    PeString(&b, S->Names[6], units[6], &counts[6], 1);
    PeString(&b, S->Names[7], units[7], &counts[7], 1);
    PeU32(&b, PeRef(&b, S->Domain != NULL));
    PeU32(&b, 0);
    PeU32(&b, 0); /* Reserved1 */
    PeU32(&b, S->UserAccountControl);
    PeU32(&b, 0); /* SubAuthStatus */
    for (int i = 0; i < 4; i++)
        PeU32(&b, 0); /* LastSuccessfulILogon, LastFailedILogon */
    PeU32(&b, 0);
    PeU32(&b, 0); /* FailedILogonCount, Reserved3 */
    PeU32(&b, S->ExtraCount);
    PeU32(&b, PeRef(&b, S->ExtraCount != 0));
    PeU32(&b, PeRef(&b, S->ResourceDomain != NULL));
    PeU32(&b, S->ResourceCount);
    PeU32(&b, PeRef(&b, S->ResourceCount != 0));
    assert_int_equal(b.Length - b.Struct, S->NoPadding ? b.Length - b.Struct : 216);

    for (int i = 0; i < 6; i++)
        PeStringBody(&b, S->Names[i], units[i], counts[i], &b.NameBody[i], 0);
    PeGroups(&b, S->GroupCount, S->Rids, 1000, S->GroupAttributes, &b.GroupIds);
    PeStringBody(&b, S->Names[6], units[6], counts[6], &b.NameBody[6], 1);
    PeStringBody(&b, S->Names[7], units[7], counts[7], &b.NameBody[7], 1);
    if (S->Domain != NULL) {
        PeAlign(&b, 4);
        b.LogonDomainId = b.Length;
        PeSid(&b, S->Domain);
    }
    if (S->ExtraCount != 0) {
        PeAlign(&b, 4);
        b.ExtraSids = b.Length;
        PeU32(&b, S->ExtraCount);
        for (ULONG i = 0; i < S->ExtraCount; i++) {
            PeU32(&b, PeRef(&b, S->Extra[i] != NULL));
            PeU32(&b, S->ExtraAttributes);
        }
        for (ULONG i = 0; i < S->ExtraCount; i++) {
            if (S->Extra[i] == NULL)
                continue;
            PeAlign(&b, 4);
            if (b.ExtraSid0 == 0)
                b.ExtraSid0 = b.Length;
            PeSid(&b, S->Extra[i]);
        }
    }
    if (S->ResourceDomain != NULL) {
        PeAlign(&b, 4);
        b.ResourceDomain = b.Length;
        PeSid(&b, S->ResourceDomain);
    }
    if (S->ResourceCount != 0)
        PeGroups(&b, S->ResourceCount, NULL, 2000, S->ResourceAttributes, &b.ResourceIds);
    b.DataEnd = b.Length;
    b.NoPadding = FALSE;
    PeAlign(&b, 8);
    PeSetU32(&b, 8, (ULONG)(b.Length - 16));
    PeSetU32(&b, 12, 0);
    return b;
}

/* Offsets of KERB_VALIDATION_INFO fields, from the structure's start. */
enum {
    PE_EFFECTIVE_NAME = 48, PE_FULL_NAME = 56, PE_USER_ID = 100, PE_PRIMARY_GROUP = 104, PE_GROUP_COUNT = 108,
    PE_GROUP_IDS = 112, PE_USER_FLAGS = 116, PE_LOGON_SERVER = 136, PE_LOGON_DOMAIN_NAME = 144,
    PE_LOGON_DOMAIN_ID = 152, PE_SID_COUNT = 196, PE_EXTRA_SIDS = 200, PE_RESOURCE_DOMAIN = 204,
    PE_RESOURCE_COUNT = 208, PE_RESOURCE_IDS = 212
};

/*
 * The bytes of tests/ksec/data/Name (a real blob the domain gave, tests/ksec/data/README.md)
 * in a static buffer that the next call overwrites; *Length its size. Fails the test if the
 * file cannot be opened.
 */
static inline unsigned char *PeReadDataFile(const char *Name, size_t *Length)
{
    char path[1024];
    const char *src = getenv("NTSEC_SOURCE_DIR");
    snprintf(path, sizeof(path), "%s/tests/ksec/data/%s", src ? src : ".", Name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    static unsigned char buf[65536];
    *Length = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    return buf;
}

#endif /* NTSEC_PAC_ENCODER_H */
