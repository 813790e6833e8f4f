/*
 * ntsec_names.h - names, rights and identities for tools (the ntsec command is a client of these).
 * Included by ntsec.h; see ntsec.h for the library-wide rules (buffers from Ntsec*
 * routines are freed with NtsecFree).
 */
#ifndef NTSEC_NTSEC_NAMES_H
#define NTSEC_NTSEC_NAMES_H

#include "ntifs.h"
#include "ntsec_token.h"

NTSEC_EXTERN_C_BEGIN

/* ==== Names, rights and identities for tools (the ntsec command is a client of these;
 * src/rtl/sidname.c, src/se/rightsapi.c, src/se/assignapi.c, src/host/identity.c) ==== */

/* NtsecSidToString - Sid as "S-1-5-18" in *Text (freed with NtsecFree). STATUS_INVALID_SID
 * for a malformed SID, STATUS_NO_MEMORY. No references. */
NTSEC_API NTSTATUS NtsecSidToString(PSID Sid, PSTR *Text);
/* The SDDL alias of Sid ("SY", "BA"; "DA" etc. when NtsecSetDomainSid set the domain), or
 * NULL. A static string. */
NTSEC_API PCSTR NtsecSidSddlAlias(PSID Sid);
/* What kind of account NtsecSidAccountName found (the values of winnt.h's SID_NAME_USE). */
#define NTSEC_SID_TYPE_USER             1
#define NTSEC_SID_TYPE_GROUP            2
#define NTSEC_SID_TYPE_ALIAS            4
#define NTSEC_SID_TYPE_WELL_KNOWN_GROUP 5
#define NTSEC_SID_TYPE_UNKNOWN          8
#define NTSEC_SID_TYPE_LABEL            10
#define NTSEC_SID_TYPE_LOGON_SESSION    11
/*
 * NtsecSidAccountName - Sid's account name in *Name (freed with NtsecFree) and its kind in
 * *Use (NTSEC_SID_TYPE_*): the well-known names ("NT AUTHORITY\SYSTEM",
 * "BUILTIN\Administrators", "Mandatory Label\High Mandatory Level"), logon SIDs
 * ("NT AUTHORITY\LogonSessionId_0_999") and the host's Unix SIDs (S-1-22-1-N, S-1-22-2-N)
 * by the system's account name ("Unix User\root", "Unix Group\staff"; the number when the
 * system has none). STATUS_NONE_MAPPED (*Name NULL, *Use NTSEC_SID_TYPE_UNKNOWN) when
 * nothing names Sid; STATUS_INVALID_SID; STATUS_NO_MEMORY. No references.
 */
NTSEC_API NTSTATUS NtsecSidAccountName(PSID Sid, PSTR *Name, PULONG Use);

/* Privileges by name: the SDK's SE_*_NAME strings (static) and their well-known LUIDs. */
NTSEC_API PCSTR NtsecPrivilegeName(LUID Luid);          /* NULL: not a known privilege */
NTSEC_API PCSTR NtsecPrivilegeDescription(LUID Luid);   /* whoami's text, NULL if unknown */
/* Name (case-insensitive, as LookupPrivilegeValue) to *Luid; STATUS_NO_SUCH_PRIVILEGE. */
NTSEC_API NTSTATUS NtsecLookupPrivilegeValue(PCSTR Name, PLUID Luid);

/* Object types whose specific rights have names (winnt.h values). */
typedef enum _NTSEC_OBJECT_KIND {
    NtsecObjectGeneric = 0,   /* generic and standard rights only (file generic mapping) */
    NtsecObjectFile = 1,
    NtsecObjectDirectory = 2,
    NtsecObjectKey = 3
} NTSEC_OBJECT_KIND;
/*
 * NtsecParseRights - a rights list ("FILE_GENERIC_READ|FILE_WRITE_DATA", "GA, 0x10",
 * "READ_CONTROL SYNCHRONIZE") into *Mask: names of every object kind, SDDL-style short names
 * (GA, FR, KR, ...), numbers (0x..., decimal); words separated by '|', ',', '+' or blanks.
 * The whole text must parse: otherwise STATUS_OBJECT_NAME_NOT_FOUND with *BadOffset and
 * *BadLength the offending word (length 0: an empty word) and *Mask unchanged.
 */
NTSEC_API NTSTATUS NtsecParseRights(PCSTR Text, PACCESS_MASK Mask, PULONG BadOffset, PULONG BadLength);
/* NtsecFormatRights - the bits of Mask by name with Kind's specific names
 * ("READ_CONTROL|FILE_READ_DATA|0x200", "none" for 0) in *Text (NtsecFree). */
NTSEC_API NTSTATUS NtsecFormatRights(ACCESS_MASK Mask, NTSEC_OBJECT_KIND Kind, PSTR *Text);
/* The generic mapping of Kind (files and directories: IoFileObjectType's; keys: the
 * registry's). STATUS_INVALID_PARAMETER for an unknown Kind. */
NTSEC_API NTSTATUS NtsecObjectGenericMapping(NTSEC_OBJECT_KIND Kind, PGENERIC_MAPPING Mapping);

/* SDDL's names for ACE types, ACE flags and rights bits (static strings, NULL if none). */
typedef enum _NTSEC_SDDL_TABLE {
    NtsecSddlAceType = 0,   /* "A" access allowed, ... */
    NtsecSddlAceFlag = 1,   /* "OI" object inherit, ... */
    NtsecSddlRight = 2,     /* single bits: "CC" create child, ... and whole masks "FA", "GA" */
    NtsecSddlLabelRight = 3 /* "NW", "NR", "NX" of mandatory label ACEs */
} NTSEC_SDDL_TABLE;
NTSEC_API PCSTR NtsecSddlName(NTSEC_SDDL_TABLE Table, ULONG Value);
NTSEC_API PCSTR NtsecSddlDescription(NTSEC_SDDL_TABLE Table, ULONG Value);
/* The SDDL rights text of Mask in an ACE of AceType (Windows' canonical form; "" for 0) in
 * *Text (NtsecFree). */
NTSEC_API NTSTATUS NtsecSddlFormatRights(UCHAR AceType, ACCESS_MASK Mask, PSTR *Text);
/* The trustee SID inside Ace (known ACE types whose SID fits in AceSize), or NULL. Ace must
 * be readable for Ace->AceSize bytes (an ACE of a valid ACL). */
NTSEC_API PSID NtsecAceSid(PACE_HEADER Ace);

/*
 * NtsecAssignSecurityExplain - SeAssignSecurityEx for a subject whose token is Token (as
 * primary token, and as client token at its level when it is an impersonation token), with
 * a trace naming which parent or explicit ACE became which ACE of the new descriptor and
 * why (specific rights named for Kind). ParentDescriptor and ExplicitDescriptor may be NULL
 * (as in SeAssignSecurityEx); *NewDescriptor is freed with SeDeassignSecurity; *Trace (NULL
 * Trace: none wanted; set whenever it could be built, also on failure) with NtsecFree.
 * Statuses of SeAssignSecurityEx. Token is borrowed.
 */
NTSEC_API NTSTATUS NtsecAssignSecurityExplain(PSECURITY_DESCRIPTOR ParentDescriptor,
                                              PSECURITY_DESCRIPTOR ExplicitDescriptor,
                                              BOOLEAN IsDirectoryObject, ULONG AutoInheritFlags,
                                              PACCESS_TOKEN Token, PGENERIC_MAPPING GenericMapping,
                                              NTSEC_OBJECT_KIND Kind,
                                              PSECURITY_DESCRIPTOR *NewDescriptor, PSTR *Trace);

/* What becomes of one token group on Linux (NtsecQueryHostIdentity). */
typedef enum _NTSEC_HOST_GROUP_USE {
    NtsecHostGroupGranted = 0,      /* a supplementary gid (Gid) */
    NtsecHostGroupLabel = 1,        /* the integrity label: never a gid */
    NtsecHostGroupNotMapped = 2,    /* the SID has no gid */
    NtsecHostGroupDenyOnly = 3,     /* Gid, but deny-only: never a gid */
    NtsecHostGroupDisabled = 4,     /* Gid, but not enabled */
    NtsecHostGroupNotRestricting = 5 /* Gid, but the token is restricted and the SID is no
                                        restricting SID */
} NTSEC_HOST_GROUP_USE;
typedef struct _NTSEC_HOST_GROUP {
    NTSEC_HOST_GROUP_USE Use;
    ULONG Gid;                      /* the SID's gid, when it maps */
} NTSEC_HOST_GROUP;
typedef struct _NTSEC_HOST_IDENTITY {
    NTSTATUS Status;        /* STATUS_SUCCESS: Uid/Gid/Groups hold the identity; else why there
                               is none (STATUS_NONE_MAPPED: the user SID has no uid) */
    ULONG Uid, Gid;         /* what the host backend and NtsecCreateProcessAsToken set */
    BOOLEAN RootClient;     /* uid 0 without root's capabilities */
    BOOLEAN UserMapped;     /* the user SID maps to UserUid (whatever the identity is) */
    ULONG UserUid;
    PCSTR Reason;           /* why the identity is what it is (static English text) */
    ULONG UnprivilegedUid, UnprivilegedGid; /* Identification/Anonymous level identity */
    ULONG GroupCount;       /* supplementary gids, ascending */
    ULONG *Groups;          /* inside this block */
    ULONG TokenGroupCount;  /* one entry per token group (TokenGroups order, no user) */
    NTSEC_HOST_GROUP TokenGroups[ANYSIZE_ARRAY];
} NTSEC_HOST_IDENTITY, *PNTSEC_HOST_IDENTITY;
/*
 * NtsecQueryHostIdentity - which Linux identity Token at Level stands for (docs/host.md
 * "From a token to a Linux identity": the rule the host backend and process creation use)
 * and what becomes of each of its groups, in one block *Identity (freed with NtsecFree).
 * Returns STATUS_SUCCESS when the block was built (the identity's own status is in it),
 * STATUS_OBJECT_TYPE_MISMATCH for a non-token, STATUS_NO_MEMORY. Token is borrowed (read
 * under its lock); the host backend need not be on.
 */
NTSEC_API NTSTATUS NtsecQueryHostIdentity(PACCESS_TOKEN Token, SECURITY_IMPERSONATION_LEVEL Level,
                                          PNTSEC_HOST_IDENTITY *Identity);
/* ==== end of the tools section ==== */

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTSEC_NAMES_H */
