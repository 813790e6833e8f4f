/*
 * idmap.c - SID <-> Linux uid/gid (docs/host.md "Mapping").
 *
 * Built in: S-1-22-1-N <-> uid N and S-1-22-2-N <-> gid N (Samba's Unix-id authority).
 * A mapping file adds explicit entries and RID ranges for domain SIDs:
 *
 *     # comment
 *     uid   S-1-5-21-1-2-3-1001  40001        explicit SID <-> uid (number or user name)
 *     gid   S-1-5-21-1-2-3-513   web          explicit SID <-> gid (number or group name)
 *     range S-1-5-21-1-2-3       100000 65536 domain RID r <-> uid/gid 100000+r, r < 65536
 *     principal alice@REALM USER-SID PRIMARY-GROUP-SID [GROUP-SID,GROUP-SID,...]
 *                                  a Kerberos principal's token SIDs (idmap_principal.c)
 *
 * The file is hostile input: every line is bounded, every number range-checked, names are
 * resolved once at load (getpwnam_r/getgrnam_r), and ambiguity (a SID or id mapped twice,
 * overlapping ranges, an explicit id inside a range) is an error naming the line. Explicit
 * entries win over ranges. Refused by choice (docs/host.md): id 0 (a domain SID never
 * becomes root; only S-1-22-1-0 / S-1-22-2-0 are root) and S-1-22 SIDs (built in).
 *
 * The installed map is replaced as a whole under a reader-writer lock; look-ups take it
 * shared. Only the slow path of a switch looks ids up (switch.c caches by token).
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/hostp.h"
#include "ex/pooltags.h"

#define HOSTP_MAX_LINE 1024
#define HOSTP_MAX_ENTRIES 1000000U

typedef struct __attribute__((aligned(4))) _HOSTP_SIDBUF {
    UCHAR Bytes[SECURITY_MAX_SID_SIZE];
} HOSTP_SIDBUF;

typedef struct _HOSTP_MAP_ENTRY {
    BOOLEAN Group;
    ULONG Id;
    HOSTP_SIDBUF Sid;
} HOSTP_MAP_ENTRY;

typedef struct _HOSTP_MAP_RANGE {
    HOSTP_SIDBUF Domain;
    ULONG Base;
    ULONG Size;
} HOSTP_MAP_RANGE;

struct _HOST_IDMAP {
    ULONG EntryCount, EntryCapacity;
    HOSTP_MAP_ENTRY *Entries;
    ULONG RangeCount, RangeCapacity;
    HOSTP_MAP_RANGE *Ranges;
    PHOSTP_PRINCIPAL_TABLE Principals; /* owned; idmap_principal.c */
};

static pthread_rwlock_t HostpMapLock = PTHREAD_RWLOCK_INITIALIZER;
static PHOST_IDMAP HostpMap;
static pthread_once_t HostpEnvOnce = PTHREAD_ONCE_INIT;
static __thread char HostpErrorText[256];

/* ---- SIDs without Rtl (the parser must stand alone for the fuzzer) ---- */

static ULONG HostpSidLength(const SID *Sid)
{
    return 8 + 4U * Sid->SubAuthorityCount;
}

static BOOLEAN HostpSidEqual(const SID *a, const SID *b)
{
    return a->SubAuthorityCount == b->SubAuthorityCount &&
           memcmp(a, b, HostpSidLength(a)) == 0;
}

static ULONGLONG HostpSidAuthority(const SID *Sid)
{
    ULONGLONG v = 0;
    for (int i = 0; i < 6; i++)
        v = (v << 8) | Sid->IdentifierAuthority.Value[i];
    return v;
}

/* TRUE iff Sid is Domain plus exactly one more sub-authority; *Rid gets it. */
static BOOLEAN HostpSidInDomain(const SID *Sid, const SID *Domain, ULONG *Rid)
{
    if (Sid->SubAuthorityCount != Domain->SubAuthorityCount + 1 ||
        memcmp(Sid->IdentifierAuthority.Value, Domain->IdentifierAuthority.Value, 6) != 0 ||
        memcmp(Sid->SubAuthority, Domain->SubAuthority, 4U * Domain->SubAuthorityCount) != 0)
        return FALSE;
    *Rid = Sid->SubAuthority[Domain->SubAuthorityCount];
    return TRUE;
}

static BOOLEAN HostpParseNumber(const char *s, size_t n, ULONGLONG Max, ULONGLONG *Value)
{
    ULONGLONG v = 0;
    if (n == 0 || n > 20)
        return FALSE;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return FALSE;
        v = v * 10 + (ULONGLONG)(s[i] - '0');
        if (v > Max)
            return FALSE;
    }
    *Value = v;
    return TRUE;
}

/* "S-1-A-s1-...-sk" (decimal only), 0..15 sub-authorities. */
static BOOLEAN HostpParseSid(const char *s, size_t n, SID *Sid)
{
    if (n < 5 || (s[0] != 'S' && s[0] != 's') || s[1] != '-' || s[2] != '1' || s[3] != '-')
        return FALSE;
    size_t pos = 4, start = 4;
    int field = 0;
    Sid->Revision = SID_REVISION;
    Sid->SubAuthorityCount = 0;
    for (; pos <= n; pos++) {
        if (pos < n && s[pos] != '-')
            continue;
        ULONGLONG v;
        if (field == 0) {
            if (!HostpParseNumber(s + start, pos - start, 0xFFFFFFFFFFFFULL, &v))
                return FALSE;
            for (int i = 5; i >= 0; i--, v >>= 8)
                Sid->IdentifierAuthority.Value[i] = (UCHAR)(v & 0xFF);
        } else {
            if (field > SID_MAX_SUB_AUTHORITIES ||
                !HostpParseNumber(s + start, pos - start, 0xFFFFFFFFULL, &v))
                return FALSE;
            Sid->SubAuthority[field - 1] = (ULONG)v;
            Sid->SubAuthorityCount = (UCHAR)field;
        }
        field++;
        start = pos + 1;
    }
    return TRUE;
}

/* HostpParseSidText - hostp.h: the SID text parser for idmap_principal.c. */
BOOLEAN HostpParseSidText(const char *Text, size_t Length, PSID Sid)
{
    return HostpParseSid(Text, Length, Sid);
}

/* ---- parser ---- */

static NTSTATUS HostpFail(char *ErrorText, size_t ErrorSize, ULONG Line, const char *What,
                          const char *Word, size_t WordLength)
{
    if (ErrorText != NULL && ErrorSize > 0) {
        int shown = WordLength > 64 ? 64 : (int)WordLength;
        snprintf(ErrorText, ErrorSize, "line %u: %s%s'%.*s'", Line, What, Word ? " " : "",
                 Word ? shown : 0, Word ? Word : "");
    }
    return STATUS_INVALID_PARAMETER;
}

static BOOLEAN HostpResolveName(const char *s, size_t n, BOOLEAN Group, ULONG *Id)
{
    char name[64];
    char buffer[4096];
    if (n == 0 || n >= sizeof(name))
        return FALSE;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
              c == '-' || (i > 0 && c >= '0' && c <= '9')))
            return FALSE;
    }
    memcpy(name, s, n);
    name[n] = '\0';
    if (Group) {
        struct group gr, *result = NULL;
        if (getgrnam_r(name, &gr, buffer, sizeof(buffer), &result) != 0 || result == NULL)
            return FALSE;
        *Id = (ULONG)gr.gr_gid;
    } else {
        struct passwd pw, *result = NULL;
        if (getpwnam_r(name, &pw, buffer, sizeof(buffer), &result) != 0 || result == NULL)
            return FALSE;
        *Id = (ULONG)pw.pw_uid;
    }
    return *Id != 0xFFFFFFFFUL;
}

static BOOLEAN HostpGrow(PVOID *Array, ULONG *Capacity, ULONG Count, SIZE_T ElementSize)
{
    if (Count < *Capacity)
        return TRUE;
    if (Count >= HOSTP_MAX_ENTRIES)
        return FALSE;
    ULONG capacity = *Capacity ? *Capacity * 2 : 16;
    PVOID bigger = ExAllocatePoolWithTag(PagedPool, (SIZE_T)capacity * ElementSize, HOSTP_IDMAP_TAG);
    if (bigger == NULL)
        return FALSE;
    if (*Array != NULL) {
        memcpy(bigger, *Array, (SIZE_T)Count * ElementSize);
        ExFreePool(*Array);
    }
    *Array = bigger;
    *Capacity = capacity;
    return TRUE;
}

static NTSTATUS HostpParseLine(PHOST_IDMAP Map, const char *Line, size_t Length, ULONG LineNo,
                               char *ErrorText, size_t ErrorSize)
{
    const char *word[5];
    size_t wlen[5];
    int words = 0;
    for (size_t i = 0; i < Length;) {
        if (Line[i] == '#')
            break;
        if (Line[i] == ' ' || Line[i] == '\t' || Line[i] == '\r') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < Length && Line[j] != ' ' && Line[j] != '\t' && Line[j] != '\r' && Line[j] != '#')
            j++;
        if (words == 5)
            return HostpFail(ErrorText, ErrorSize, LineNo, "unexpected", Line + i, j - i);
        word[words] = Line + i;
        wlen[words++] = j - i;
        i = j;
    }
    if (words == 0)
        return STATUS_SUCCESS;

    HOSTP_SIDBUF sidbuf;
    SID *sid = (SID *)sidbuf.Bytes;
    BOOLEAN isUid = wlen[0] == 3 && memcmp(word[0], "uid", 3) == 0;
    BOOLEAN isGid = wlen[0] == 3 && memcmp(word[0], "gid", 3) == 0;
    BOOLEAN isRange = wlen[0] == 5 && memcmp(word[0], "range", 5) == 0;
    if (wlen[0] == 9 && memcmp(word[0], "principal", 9) == 0)
        return HostpParsePrincipalLine(&Map->Principals, word, wlen, words, LineNo, ErrorText, ErrorSize);
    if (!isUid && !isGid && !isRange)
        return HostpFail(ErrorText, ErrorSize, LineNo, "unknown keyword", word[0], wlen[0]);
    if (words != (isRange ? 4 : 3))
        return HostpFail(ErrorText, ErrorSize, LineNo,
                         isRange ? "expected: range DOMAIN-SID BASE SIZE"
                                 : "expected: uid|gid SID ID-OR-NAME", NULL, 0);
    if (!HostpParseSid(word[1], wlen[1], sid))
        return HostpFail(ErrorText, ErrorSize, LineNo, "bad SID", word[1], wlen[1]);
    if (HostpSidAuthority(sid) == 22)
        return HostpFail(ErrorText, ErrorSize, LineNo, "S-1-22 SIDs are built in", word[1], wlen[1]);

    if (isRange) {
        ULONGLONG base, size;
        if (sid->SubAuthorityCount >= SID_MAX_SUB_AUTHORITIES)
            return HostpFail(ErrorText, ErrorSize, LineNo, "domain SID too long", word[1], wlen[1]);
        if (!HostpParseNumber(word[2], wlen[2], 0xFFFFFFFEULL, &base))
            return HostpFail(ErrorText, ErrorSize, LineNo, "bad base id", word[2], wlen[2]);
        if (!HostpParseNumber(word[3], wlen[3], 0xFFFFFFFFULL, &size) || size == 0 ||
            base + size - 1 > 0xFFFFFFFEULL)
            return HostpFail(ErrorText, ErrorSize, LineNo, "bad range size", word[3], wlen[3]);
        if (base == 0)
            return HostpFail(ErrorText, ErrorSize, LineNo, "maps to root (id 0)", word[2], wlen[2]);
        for (ULONG i = 0; i < Map->EntryCount; i++)
            if (Map->Entries[i].Id >= base && Map->Entries[i].Id - base < size)
                return HostpFail(ErrorText, ErrorSize, LineNo, "id range covers an explicit id",
                                 word[2], wlen[2]);
        for (ULONG i = 0; i < Map->RangeCount; i++) {
            HOSTP_MAP_RANGE *r = &Map->Ranges[i];
            if (HostpSidEqual((SID *)r->Domain.Bytes, sid))
                return HostpFail(ErrorText, ErrorSize, LineNo, "domain mapped twice", word[1], wlen[1]);
            if (base < (ULONGLONG)r->Base + r->Size && (ULONGLONG)r->Base < base + size)
                return HostpFail(ErrorText, ErrorSize, LineNo, "id range overlaps an earlier range",
                                 word[2], wlen[2]);
        }
        if (!HostpGrow((PVOID *)&Map->Ranges, &Map->RangeCapacity, Map->RangeCount,
                       sizeof(HOSTP_MAP_RANGE)))
            return STATUS_NO_MEMORY;
        HOSTP_MAP_RANGE *r = &Map->Ranges[Map->RangeCount++];
        r->Domain = sidbuf;
        r->Base = (ULONG)base;
        r->Size = (ULONG)size;
        return STATUS_SUCCESS;
    }

    ULONGLONG number;
    ULONG id;
    if (HostpParseNumber(word[2], wlen[2], 0xFFFFFFFEULL, &number))
        id = (ULONG)number;
    else if (!HostpResolveName(word[2], wlen[2], isGid, &id))
        return HostpFail(ErrorText, ErrorSize, LineNo,
                         isGid ? "unknown group" : "unknown user", word[2], wlen[2]);
    if (id == 0)
        return HostpFail(ErrorText, ErrorSize, LineNo, "maps to root (id 0)", word[2], wlen[2]);
    for (ULONG i = 0; i < Map->RangeCount; i++)
        if (id >= Map->Ranges[i].Base && id - Map->Ranges[i].Base < Map->Ranges[i].Size)
            return HostpFail(ErrorText, ErrorSize, LineNo, "id inside an id range", word[2], wlen[2]);
    for (ULONG i = 0; i < Map->EntryCount; i++) {
        HOSTP_MAP_ENTRY *e = &Map->Entries[i];
        if (e->Group != isGid)
            continue;
        if (HostpSidEqual((SID *)e->Sid.Bytes, sid))
            return HostpFail(ErrorText, ErrorSize, LineNo, "SID mapped twice", word[1], wlen[1]);
        if (e->Id == id)
            return HostpFail(ErrorText, ErrorSize, LineNo, "id mapped twice", word[2], wlen[2]);
    }
    if (!HostpGrow((PVOID *)&Map->Entries, &Map->EntryCapacity, Map->EntryCount,
                   sizeof(HOSTP_MAP_ENTRY)))
        return STATUS_NO_MEMORY;
    HOSTP_MAP_ENTRY *e = &Map->Entries[Map->EntryCount++];
    e->Group = isGid;
    e->Id = id;
    e->Sid = sidbuf;
    return STATUS_SUCCESS;
}

NTSTATUS HostParseIdMap(const char *Text, size_t Length, PHOST_IDMAP *Map, char *ErrorText,
                        size_t ErrorSize)
{
    if (ErrorText != NULL && ErrorSize > 0)
        ErrorText[0] = '\0';
    if (Map == NULL || (Text == NULL && Length != 0))
        return STATUS_INVALID_PARAMETER;
    PHOST_IDMAP map = ExAllocatePoolWithTag(PagedPool, sizeof(*map), HOSTP_IDMAP_TAG);
    if (map == NULL)
        return STATUS_NO_MEMORY;
    NTSTATUS status = STATUS_SUCCESS;
    ULONG lineNo = 0;
    for (size_t pos = 0; pos < Length && NT_SUCCESS(status);) {
        size_t end = pos;
        while (end < Length && Text[end] != '\n')
            end++;
        lineNo++;
        if (memchr(Text + pos, '\0', end - pos) != NULL)
            status = HostpFail(ErrorText, ErrorSize, lineNo, "NUL byte in line", NULL, 0);
        else if (end - pos > HOSTP_MAX_LINE)
            status = HostpFail(ErrorText, ErrorSize, lineNo, "line longer than 1024 bytes", NULL, 0);
        else
            status = HostpParseLine(map, Text + pos, end - pos, lineNo, ErrorText, ErrorSize);
        pos = end + 1;
    }
    if (!NT_SUCCESS(status)) {
        HostFreeIdMap(map);
        return status;
    }
    *Map = map;
    return STATUS_SUCCESS;
}

VOID HostFreeIdMap(PHOST_IDMAP Map)
{
    if (Map == NULL)
        return;
    if (Map->Entries != NULL)
        ExFreePool(Map->Entries);
    if (Map->Ranges != NULL)
        ExFreePool(Map->Ranges);
    HostpFreePrincipals(Map->Principals);
    ExFreePool(Map);
}

BOOLEAN HostMapSidToId(PHOST_IDMAP Map, PSID Sid, BOOLEAN Group, ULONG *Id)
{
    const SID *s = Sid;
    if (Map == NULL)
        return FALSE;
    for (ULONG i = 0; i < Map->EntryCount; i++) {
        if (Map->Entries[i].Group == Group && HostpSidEqual((SID *)Map->Entries[i].Sid.Bytes, s)) {
            *Id = Map->Entries[i].Id;
            return TRUE;
        }
    }
    for (ULONG i = 0; i < Map->RangeCount; i++) {
        ULONG rid;
        if (HostpSidInDomain(s, (SID *)Map->Ranges[i].Domain.Bytes, &rid) &&
            rid < Map->Ranges[i].Size) {
            *Id = Map->Ranges[i].Base + rid;
            return TRUE;
        }
    }
    return FALSE;
}

static BOOLEAN HostpMapIdToSid(PHOST_IDMAP Map, ULONG Id, BOOLEAN Group, PSID Buffer)
{
    if (Map == NULL)
        return FALSE;
    for (ULONG i = 0; i < Map->EntryCount; i++) {
        if (Map->Entries[i].Group == Group && Map->Entries[i].Id == Id) {
            memcpy(Buffer, Map->Entries[i].Sid.Bytes, HostpSidLength((SID *)Map->Entries[i].Sid.Bytes));
            return TRUE;
        }
    }
    for (ULONG i = 0; i < Map->RangeCount; i++) {
        HOSTP_MAP_RANGE *r = &Map->Ranges[i];
        if (Id >= r->Base && Id - r->Base < r->Size) {
            SID *sid = Buffer;
            SID *domain = (SID *)r->Domain.Bytes;
            memcpy(sid, domain, HostpSidLength(domain));
            sid->SubAuthority[domain->SubAuthorityCount] = Id - r->Base;
            sid->SubAuthorityCount++;
            return TRUE;
        }
    }
    return FALSE;
}

/* ---- the installed map ---- */

/* HostpInstallMap - makes Map (owned by the table from now; NULL: none) the installed map
 * and frees the one it replaces, after no reader can still be using it. */
static _Atomic ULONG HostpMapGeneration;

/* HostIdMapGeneration - see hostp.h. */
ULONG HostIdMapGeneration(VOID)
{
    return atomic_load_explicit(&HostpMapGeneration, memory_order_acquire);
}

static VOID HostpInstallMap(PHOST_IDMAP Map)
{
    pthread_rwlock_wrlock(&HostpMapLock);
    PHOST_IDMAP old = HostpMap;
    HostpMap = Map;
    atomic_fetch_add_explicit(&HostpMapGeneration, 1, memory_order_acq_rel);
    pthread_rwlock_unlock(&HostpMapLock);
    HostFreeIdMap(old);
}

/*
 * HostpReadFile - the whole of File in one pool block (tag HOSTP_IDMAP_TAG) that the caller
 * frees with ExFreePool; *Length its size. Fails closed: STATUS_NO_MEMORY when a buffer cannot
 * grow, STATUS_UNSUCCESSFUL on a read error (ferror), STATUS_INVALID_PARAMETER past 64 MiB -
 * never a truncated text that would parse as a shorter map (a line for uid 40001 read as 4000).
 */
static NTSTATUS HostpReadFile(FILE *File, PCSTR Path, char **Text, size_t *Length)
{
    size_t capacity = 4096, length = 0;
    char *text = ExAllocatePoolWithTag(PagedPool, capacity, HOSTP_IDMAP_TAG);
    if (text == NULL)
        return STATUS_NO_MEMORY;
    for (;;) {
        if (length == capacity) {
            if (capacity >= (64U << 20)) {
                snprintf(HostpErrorText, sizeof(HostpErrorText), "%s: larger than 64 MiB", Path);
                ExFreePool(text);
                return STATUS_INVALID_PARAMETER;
            }
            char *bigger = ExAllocatePoolWithTag(PagedPool, capacity * 2, HOSTP_IDMAP_TAG);
            if (bigger == NULL) {
                snprintf(HostpErrorText, sizeof(HostpErrorText), "%s: out of memory after %zu bytes", Path,
                         length);
                ExFreePool(text);
                return STATUS_NO_MEMORY;
            }
            memcpy(bigger, text, length);
            ExFreePool(text);
            text = bigger;
            capacity *= 2;
        }
        size_t n = fread(text + length, 1, capacity - length, File);
        length += n;
        if (n == 0)
            break;
    }
    if (ferror(File)) {
        snprintf(HostpErrorText, sizeof(HostpErrorText), "%s: read error", Path);
        ExFreePool(text);
        return STATUS_UNSUCCESSFUL;
    }
    *Text = text;
    *Length = length;
    return STATUS_SUCCESS;
}

/* HostpLoadFile - parses Path and installs the map; on any failure the installed map stays. */
static NTSTATUS HostpLoadFile(PCSTR Path)
{
    FILE *file = fopen(Path, "re");
    if (file == NULL) {
        snprintf(HostpErrorText, sizeof(HostpErrorText), "%s: %s", Path, strerror(errno));
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    char *text = NULL;
    size_t length = 0;
    NTSTATUS status = HostpReadFile(file, Path, &text, &length);
    fclose(file);
    if (!NT_SUCCESS(status))
        return status;
    PHOST_IDMAP map = NULL;
    status = HostParseIdMap(text, length, &map, HostpErrorText, sizeof(HostpErrorText));
    ExFreePool(text);
    if (!NT_SUCCESS(status))
        return status;
    HostpInstallMap(map);
    return STATUS_SUCCESS;
}

/*
 * HostpLoadEnvironment - NTSEC_IDMAP, read once.
 * @remarks secure_getenv: a setuid/setgid or file-capability program (AT_SECURE) ignores
 * the variable. Otherwise whoever starts it would choose which SIDs become which uids, and
 * the error message would print the first word of any file the program can read.
 */
static void HostpLoadEnvironment(void)
{
    const char *path = secure_getenv("NTSEC_IDMAP");
    if (path != NULL && path[0] != '\0') {
        NTSTATUS status = HostpLoadFile(path);
        if (!NT_SUCCESS(status))
            fprintf(stderr, "ntsec: NTSEC_IDMAP not loaded (0x%08X): %s\n", (unsigned)status,
                    HostpErrorText);
    }
}

/*
 * NtsecLoadIdMap - replaces the installed map with the one in Path (NULL: no map).
 * @remarks A bad file leaves the installed map as it was; NtsecIdMapErrorText names the line.
 */
NTSTATUS NtsecLoadIdMap(PCSTR Path)
{
    pthread_once(&HostpEnvOnce, HostpLoadEnvironment);
    HostpErrorText[0] = '\0';
    if (Path == NULL) {
        HostpInstallMap(NULL);
        return STATUS_SUCCESS;
    }
    return HostpLoadFile(Path);
}

PCSTR NtsecIdMapErrorText(VOID)
{
    return HostpErrorText;
}

static BOOLEAN HostpUnixSid(const SID *s, ULONG Kind, ULONG *Id)
{
    if (s->Revision != SID_REVISION || s->SubAuthorityCount != 2 || HostpSidAuthority(s) != 22 ||
        s->SubAuthority[0] != Kind || s->SubAuthority[1] == 0xFFFFFFFFUL)
        return FALSE;
    *Id = s->SubAuthority[1];
    return TRUE;
}

static BOOLEAN HostpLookup(PSID Sid, BOOLEAN Group, ULONG *Id)
{
    const SID *s = Sid;
    if (s == NULL || s->SubAuthorityCount > SID_MAX_SUB_AUTHORITIES)
        return FALSE;
    if (HostpUnixSid(s, Group ? 2 : 1, Id))
        return TRUE;
    pthread_once(&HostpEnvOnce, HostpLoadEnvironment);
    pthread_rwlock_rdlock(&HostpMapLock);
    BOOLEAN found = HostMapSidToId(HostpMap, Sid, Group, Id);
    pthread_rwlock_unlock(&HostpMapLock);
    return found;
}

BOOLEAN HostSidToUid(PSID Sid, uid_t *Uid)
{
    ULONG id;
    if (!HostpLookup(Sid, FALSE, &id))
        return FALSE;
    *Uid = (uid_t)id;
    return TRUE;
}

BOOLEAN HostSidToGid(PSID Sid, gid_t *Gid)
{
    ULONG id;
    if (!HostpLookup(Sid, TRUE, &id))
        return FALSE;
    *Gid = (gid_t)id;
    return TRUE;
}

static VOID HostpIdToSid(ULONG Id, BOOLEAN Group, PSID Buffer)
{
    pthread_once(&HostpEnvOnce, HostpLoadEnvironment);
    pthread_rwlock_rdlock(&HostpMapLock);
    BOOLEAN found = HostpMapIdToSid(HostpMap, Id, Group, Buffer);
    pthread_rwlock_unlock(&HostpMapLock);
    if (!found) {
        SID *sid = Buffer;
        memset(sid, 0, 16);
        sid->Revision = SID_REVISION;
        sid->SubAuthorityCount = 2;
        sid->IdentifierAuthority.Value[5] = 22;
        sid->SubAuthority[0] = Group ? 2 : 1;
        sid->SubAuthority[1] = Id;
    }
}

VOID HostUidToSid(uid_t Uid, PSID Buffer)
{
    HostpIdToSid((ULONG)Uid, FALSE, Buffer);
}

VOID HostGidToSid(gid_t Gid, PSID Buffer)
{
    HostpIdToSid((ULONG)Gid, TRUE, Buffer);
}

/*
 * HostLookupPrincipal - host.h: the installed map's principal entry for Principal, copied
 * into Mapping under the map lock (shared). FALSE when there is no map or no entry.
 */
BOOLEAN HostLookupPrincipal(PCSTR Principal, PHOST_PRINCIPAL_MAPPING Mapping)
{
    if (Principal == NULL || Mapping == NULL)
        return FALSE;
    pthread_once(&HostpEnvOnce, HostpLoadEnvironment);
    pthread_rwlock_rdlock(&HostpMapLock);
    BOOLEAN found = HostpMap != NULL && HostpFindPrincipal(HostpMap->Principals, Principal, Mapping);
    pthread_rwlock_unlock(&HostpMapLock);
    return found;
}
