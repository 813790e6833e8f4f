/*
 * sspi.h - the kernel-mode SSPI (ksecdd) surface of ntsec: SECURITY_STATUS values, security
 * and credential handles, the handshake and message routines and the context routines of
 * spec 2.19. Include it next to ntifs.h; no other
 * ntsec header includes it. Packages, handle rules and the local-peer authentication are
 * described in docs/sspi.md.
 */
#ifndef NTSEC_SSPI_H
#define NTSEC_SSPI_H

#include "ntifs.h"

NTSEC_EXTERN_C_BEGIN

/* Kernel callers link ksecdd; here the routines live in libntsec. */
#define KSECDDDECLSPEC NTSEC_API
/* __stdcall on x86 Windows; the one calling convention here. */
#define SEC_ENTRY

typedef LONG SECURITY_STATUS;

/* Values as in Windows' winerror.h / issperr.h (FACILITY_SECURITY, HRESULT layout). */
#define SEC_E_OK                          ((SECURITY_STATUS)0x00000000L)
#define SEC_E_INSUFFICIENT_MEMORY         ((SECURITY_STATUS)0x80090300L)
#define SEC_E_INVALID_HANDLE              ((SECURITY_STATUS)0x80090301L)
#define SEC_E_UNSUPPORTED_FUNCTION        ((SECURITY_STATUS)0x80090302L)
#define SEC_E_TARGET_UNKNOWN              ((SECURITY_STATUS)0x80090303L)
#define SEC_E_INTERNAL_ERROR              ((SECURITY_STATUS)0x80090304L)
#define SEC_E_SECPKG_NOT_FOUND            ((SECURITY_STATUS)0x80090305L)
#define SEC_E_NOT_OWNER                   ((SECURITY_STATUS)0x80090306L)
#define SEC_E_CANNOT_INSTALL              ((SECURITY_STATUS)0x80090307L)
#define SEC_E_INVALID_TOKEN               ((SECURITY_STATUS)0x80090308L)
#define SEC_E_CANNOT_PACK                 ((SECURITY_STATUS)0x80090309L)
#define SEC_E_QOP_NOT_SUPPORTED           ((SECURITY_STATUS)0x8009030AL)
#define SEC_E_NO_IMPERSONATION            ((SECURITY_STATUS)0x8009030BL)
#define SEC_E_LOGON_DENIED                ((SECURITY_STATUS)0x8009030CL)
#define SEC_E_UNKNOWN_CREDENTIALS         ((SECURITY_STATUS)0x8009030DL)
#define SEC_E_NO_CREDENTIALS              ((SECURITY_STATUS)0x8009030EL)
#define SEC_E_MESSAGE_ALTERED             ((SECURITY_STATUS)0x8009030FL)
#define SEC_E_OUT_OF_SEQUENCE             ((SECURITY_STATUS)0x80090310L)
#define SEC_E_NO_AUTHENTICATING_AUTHORITY ((SECURITY_STATUS)0x80090311L)
#define SEC_I_CONTINUE_NEEDED             ((SECURITY_STATUS)0x00090312L)
#define SEC_I_COMPLETE_NEEDED             ((SECURITY_STATUS)0x00090313L)
#define SEC_I_COMPLETE_AND_CONTINUE       ((SECURITY_STATUS)0x00090314L)
#define SEC_I_LOCAL_LOGON                 ((SECURITY_STATUS)0x00090315L)
#define SEC_E_BAD_PKGID                   ((SECURITY_STATUS)0x80090316L)
#define SEC_E_CONTEXT_EXPIRED             ((SECURITY_STATUS)0x80090317L)
#define SEC_E_INCOMPLETE_MESSAGE          ((SECURITY_STATUS)0x80090318L)
#define SEC_E_INCOMPLETE_CREDENTIALS      ((SECURITY_STATUS)0x80090320L)
#define SEC_E_BUFFER_TOO_SMALL            ((SECURITY_STATUS)0x80090321L)
#define SEC_E_WRONG_PRINCIPAL             ((SECURITY_STATUS)0x80090322L)
#define SEC_E_TIME_SKEW                   ((SECURITY_STATUS)0x80090324L)
#define SEC_E_ILLEGAL_MESSAGE             ((SECURITY_STATUS)0x80090326L)
#define SEC_E_ENCRYPT_FAILURE             ((SECURITY_STATUS)0x80090329L)
#define SEC_E_DECRYPT_FAILURE             ((SECURITY_STATUS)0x80090330L)
#define SEC_E_ALGORITHM_MISMATCH          ((SECURITY_STATUS)0x80090331L)
#define SEC_E_SECURITY_QOS_FAILED         ((SECURITY_STATUS)0x80090332L)
#define SEC_E_UNFINISHED_CONTEXT_DELETED  ((SECURITY_STATUS)0x80090333L)
#define SEC_E_NO_TGT_REPLY                ((SECURITY_STATUS)0x80090334L)
#define SEC_E_WRONG_CREDENTIAL_HANDLE     ((SECURITY_STATUS)0x80090336L)
#define SEC_E_CRYPTO_SYSTEM_INVALID       ((SECURITY_STATUS)0x80090337L)
#define SEC_E_KDC_UNKNOWN_ETYPE           ((SECURITY_STATUS)0x80090342L)
#define SEC_E_DELEGATION_REQUIRED         ((SECURITY_STATUS)0x80090345L)
#define SEC_E_BAD_BINDINGS                ((SECURITY_STATUS)0x80090346L)
#define SEC_E_NO_KERB_KEY                 ((SECURITY_STATUS)0x80090348L)
#define SEC_E_INVALID_PARAMETER           ((SECURITY_STATUS)0x8009035DL)
#define SEC_E_DELEGATION_POLICY           ((SECURITY_STATUS)0x8009035EL)
#define SEC_E_NO_CONTEXT                  ((SECURITY_STATUS)0x80090361L)
#define SEC_E_MUTUAL_AUTH_FAILED          ((SECURITY_STATUS)0x80090363L)
#define SEC_I_CONTEXT_EXPIRED             ((SECURITY_STATUS)0x00090317L)
#define SEC_I_INCOMPLETE_CREDENTIALS      ((SECURITY_STATUS)0x00090320L)
#define SEC_I_RENEGOTIATE                 ((SECURITY_STATUS)0x00090321L)
#define SEC_I_NO_LSA_CONTEXT              ((SECURITY_STATUS)0x00090323L)
#define SEC_E_NOT_SUPPORTED               SEC_E_UNSUPPORTED_FUNCTION

/*
 * Handles. dwLower names a slot of the handle table (credentials and contexts share it), dwUpper the generation the slot had
 * when the context was made; a handle is never reused while the process lives (docs/sspi.md).
 * {0, 0} is never a valid handle.
 */
typedef struct _SecHandle {
    ULONG_PTR dwLower;
    ULONG_PTR dwUpper;
} SecHandle, *PSecHandle;

typedef SecHandle CredHandle;
typedef PSecHandle PCredHandle;
typedef SecHandle CtxtHandle;
typedef PSecHandle PCtxtHandle;

#define SecInvalidateHandle(x) ((PSecHandle)(x))->dwLower = ((PSecHandle)(x))->dwUpper = ((ULONG_PTR)((LONG_PTR)-1))
#define SecIsValidHandle(x) \
    ((((PSecHandle)(x))->dwLower != ((ULONG_PTR)((LONG_PTR)-1))) && \
     (((PSecHandle)(x))->dwUpper != ((ULONG_PTR)((LONG_PTR)-1))))

/* ---- Strings, times, packages ---------------------------------------------------------- */

typedef WCHAR SEC_WCHAR;
typedef CHAR SEC_CHAR;
/* Kernel mode: SECURITY_STRING is a UNICODE_STRING (UTF-16, Length in bytes, no NUL needed). */
typedef UNICODE_STRING SECURITY_STRING, *PSECURITY_STRING;
/* Kernel mode: a TimeStamp is a system time (UTC, 100 ns units since 1601). */
typedef LARGE_INTEGER SECURITY_INTEGER, *PSECURITY_INTEGER;
typedef SECURITY_INTEGER TimeStamp, *PTimeStamp;

typedef struct _SecPkgInfoW {
    ULONG fCapabilities; /* SECPKG_FLAG_* */
    USHORT wVersion;
    USHORT wRPCID;       /* SECPKG_ID_NONE when the package has no DCE RPC id */
    ULONG cbMaxToken;
    SEC_WCHAR *Name;
    SEC_WCHAR *Comment;
} SecPkgInfoW, *PSecPkgInfoW;

#define SECPKG_FLAG_INTEGRITY                0x00000001
#define SECPKG_FLAG_PRIVACY                  0x00000002
#define SECPKG_FLAG_TOKEN_ONLY               0x00000004
#define SECPKG_FLAG_DATAGRAM                 0x00000008
#define SECPKG_FLAG_CONNECTION               0x00000010
#define SECPKG_FLAG_MULTI_REQUIRED           0x00000020
#define SECPKG_FLAG_CLIENT_ONLY              0x00000040
#define SECPKG_FLAG_EXTENDED_ERROR           0x00000080
#define SECPKG_FLAG_IMPERSONATION            0x00000100
#define SECPKG_FLAG_ACCEPT_WIN32_NAME        0x00000200
#define SECPKG_FLAG_STREAM                   0x00000400
#define SECPKG_FLAG_NEGOTIABLE               0x00000800
#define SECPKG_FLAG_GSS_COMPATIBLE           0x00001000
#define SECPKG_FLAG_LOGON                    0x00002000
#define SECPKG_FLAG_ASCII_BUFFERS            0x00004000
#define SECPKG_FLAG_FRAGMENT                 0x00008000
#define SECPKG_FLAG_MUTUAL_AUTH              0x00010000
#define SECPKG_FLAG_DELEGATION               0x00020000
#define SECPKG_FLAG_READONLY_WITH_CHECKSUM   0x00040000
#define SECPKG_FLAG_RESTRICTED_TOKENS        0x00080000
#define SECPKG_FLAG_NEGO_EXTENDER            0x00100000
#define SECPKG_FLAG_NEGOTIABLE2              0x00200000

#define SECPKG_ID_NONE 0xFFFF

/* ---- Buffers --------------------------------------------------------------------------- */

typedef struct _SecBuffer {
    ULONG cbBuffer;   /* size of pvBuffer in bytes */
    ULONG BufferType; /* SECBUFFER_* type, optionally with SECBUFFER_ATTRMASK bits */
    PVOID pvBuffer;
} SecBuffer, *PSecBuffer;

typedef struct _SecBufferDesc {
    ULONG ulVersion;  /* SECBUFFER_VERSION */
    ULONG cBuffers;
    PSecBuffer pBuffers;
} SecBufferDesc, *PSecBufferDesc;

#define SECBUFFER_VERSION 0

#define SECBUFFER_EMPTY                0
#define SECBUFFER_DATA                 1
#define SECBUFFER_TOKEN                2
#define SECBUFFER_PKG_PARAMS           3
#define SECBUFFER_MISSING              4
#define SECBUFFER_EXTRA                5
#define SECBUFFER_STREAM_TRAILER       6
#define SECBUFFER_STREAM_HEADER        7
#define SECBUFFER_NEGOTIATION_INFO     8
#define SECBUFFER_PADDING              9
#define SECBUFFER_STREAM               10
#define SECBUFFER_MECHLIST             11
#define SECBUFFER_MECHLIST_SIGNATURE   12
#define SECBUFFER_TARGET               13
#define SECBUFFER_CHANNEL_BINDINGS     14
#define SECBUFFER_CHANGE_PASS_RESPONSE 15
#define SECBUFFER_TARGET_HOST          16
#define SECBUFFER_ALERT                17
#define SECBUFFER_APPLICATION_PROTOCOLS 18

#define SECBUFFER_ATTRMASK               0xF0000000
#define SECBUFFER_READONLY               0x80000000
#define SECBUFFER_READONLY_WITH_CHECKSUM 0x10000000
#define SECBUFFER_RESERVED               0x60000000

/*
 * ntsec buffer types (docs/sspi.md "Buffers"). Windows assigns types from 0 upwards and has
 * used fewer than 64; ntsec takes 0x0000F000..0x0000FFFF for its own.
 *
 * SECBUFFER_NTSEC_SOCKET: an input buffer of AcceptSecurityContext (ntsec-local) whose
 *   pvBuffer points to an int, the server's end of the connected AF_UNIX socket the client's
 *   token arrived on; cbBuffer = sizeof(int). The package only queries the socket.
 * SECBUFFER_NTSEC_QOS: an optional input buffer of InitializeSecurityContextW (ntsec-local)
 *   whose pvBuffer points to a SECURITY_QUALITY_OF_SERVICE the client requests;
 *   cbBuffer = sizeof(SECURITY_QUALITY_OF_SERVICE).
 */
#define SECBUFFER_NTSEC_SOCKET 0x0000F001
#define SECBUFFER_NTSEC_QOS    0x0000F002

/* ---- Credentials ----------------------------------------------------------------------- */

#define SECPKG_CRED_INBOUND   0x00000001
#define SECPKG_CRED_OUTBOUND  0x00000002
#define SECPKG_CRED_BOTH      0x00000003
#define SECPKG_CRED_DEFAULT   0x00000004
#define SECPKG_CRED_RESERVED  0xF0000000

#define SECURITY_NATIVE_DREP  0x00000010
#define SECURITY_NETWORK_DREP 0x00000000

/* pAuthData of AcquireCredentialsHandleW for packages that take a user name and password. */
#define SEC_WINNT_AUTH_IDENTITY_ANSI    0x1
#define SEC_WINNT_AUTH_IDENTITY_UNICODE 0x2
typedef struct _SEC_WINNT_AUTH_IDENTITY_W {
    USHORT *User;         /* UTF-16, not necessarily terminated */
    ULONG UserLength;     /* characters, without a terminator */
    USHORT *Domain;
    ULONG DomainLength;
    USHORT *Password;
    ULONG PasswordLength;
    ULONG Flags;          /* SEC_WINNT_AUTH_IDENTITY_UNICODE */
} SEC_WINNT_AUTH_IDENTITY_W, *PSEC_WINNT_AUTH_IDENTITY_W;

typedef VOID(SEC_ENTRY *SEC_GET_KEY_FN)(PVOID Arg, PVOID Principal, ULONG KeyVer, PVOID *Key,
                                        SECURITY_STATUS *Status);

#define SECPKG_CRED_ATTR_NAMES 1
typedef struct _SecPkgCredentials_NamesW {
    SEC_WCHAR *sUserName; /* FreeContextBuffer */
} SecPkgCredentials_NamesW, *PSecPkgCredentials_NamesW;

/* ---- Context requirements and attributes ------------------------------------------------ */

#define ISC_REQ_DELEGATE               0x00000001
#define ISC_REQ_MUTUAL_AUTH            0x00000002
#define ISC_REQ_REPLAY_DETECT          0x00000004
#define ISC_REQ_SEQUENCE_DETECT        0x00000008
#define ISC_REQ_CONFIDENTIALITY        0x00000010
#define ISC_REQ_USE_SESSION_KEY        0x00000020
#define ISC_REQ_PROMPT_FOR_CREDS       0x00000040
#define ISC_REQ_USE_SUPPLIED_CREDS     0x00000080
#define ISC_REQ_ALLOCATE_MEMORY        0x00000100
#define ISC_REQ_USE_DCE_STYLE          0x00000200
#define ISC_REQ_DATAGRAM               0x00000400
#define ISC_REQ_CONNECTION             0x00000800
#define ISC_REQ_CALL_LEVEL             0x00001000
#define ISC_REQ_FRAGMENT_SUPPLIED      0x00002000
#define ISC_REQ_EXTENDED_ERROR         0x00004000
#define ISC_REQ_STREAM                 0x00008000
#define ISC_REQ_INTEGRITY              0x00010000
#define ISC_REQ_IDENTIFY               0x00020000
#define ISC_REQ_NULL_SESSION           0x00040000
#define ISC_REQ_MANUAL_CRED_VALIDATION 0x00080000
#define ISC_REQ_RESERVED1              0x00100000
#define ISC_REQ_FRAGMENT_TO_FIT        0x00200000
#define ISC_REQ_FORWARD_CREDENTIALS    0x00400000
#define ISC_REQ_NO_INTEGRITY           0x00800000
#define ISC_REQ_USE_HTTP_STYLE         0x01000000
#define ISC_REQ_UNVERIFIED_TARGET_NAME 0x20000000
#define ISC_REQ_CONFIDENTIALITY_ONLY   0x40000000

#define ISC_RET_DELEGATE               0x00000001
#define ISC_RET_MUTUAL_AUTH            0x00000002
#define ISC_RET_REPLAY_DETECT          0x00000004
#define ISC_RET_SEQUENCE_DETECT        0x00000008
#define ISC_RET_CONFIDENTIALITY        0x00000010
#define ISC_RET_USE_SESSION_KEY        0x00000020
#define ISC_RET_USED_COLLECTED_CREDS   0x00000040
#define ISC_RET_USED_SUPPLIED_CREDS    0x00000080
#define ISC_RET_ALLOCATED_MEMORY       0x00000100
#define ISC_RET_USED_DCE_STYLE         0x00000200
#define ISC_RET_DATAGRAM               0x00000400
#define ISC_RET_CONNECTION             0x00000800
#define ISC_RET_INTERMEDIATE_RETURN    0x00001000
#define ISC_RET_CALL_LEVEL             0x00002000
#define ISC_RET_EXTENDED_ERROR         0x00004000
#define ISC_RET_STREAM                 0x00008000
#define ISC_RET_INTEGRITY              0x00010000
#define ISC_RET_IDENTIFY               0x00020000
#define ISC_RET_NULL_SESSION           0x00040000
#define ISC_RET_MANUAL_CRED_VALIDATION 0x00080000
#define ISC_RET_RESERVED1              0x00100000
#define ISC_RET_FRAGMENT_ONLY          0x00200000
#define ISC_RET_FORWARD_CREDENTIALS    0x00400000
#define ISC_RET_USED_HTTP_STYLE        0x01000000
#define ISC_RET_NO_ADDITIONAL_TOKEN    0x02000000
#define ISC_RET_REAUTHENTICATION       0x08000000
#define ISC_RET_CONFIDENTIALITY_ONLY   0x40000000

#define ASC_REQ_DELEGATE               0x00000001
#define ASC_REQ_MUTUAL_AUTH            0x00000002
#define ASC_REQ_REPLAY_DETECT          0x00000004
#define ASC_REQ_SEQUENCE_DETECT        0x00000008
#define ASC_REQ_CONFIDENTIALITY        0x00000010
#define ASC_REQ_USE_SESSION_KEY        0x00000020
#define ASC_REQ_SESSION_TICKET         0x00000040
#define ASC_REQ_ALLOCATE_MEMORY        0x00000100
#define ASC_REQ_USE_DCE_STYLE          0x00000200
#define ASC_REQ_DATAGRAM               0x00000400
#define ASC_REQ_CONNECTION             0x00000800
#define ASC_REQ_CALL_LEVEL             0x00001000
#define ASC_REQ_FRAGMENT_SUPPLIED      0x00002000
#define ASC_REQ_EXTENDED_ERROR         0x00008000
#define ASC_REQ_STREAM                 0x00010000
#define ASC_REQ_INTEGRITY              0x00020000
#define ASC_REQ_LICENSING              0x00040000
#define ASC_REQ_IDENTIFY               0x00080000
#define ASC_REQ_ALLOW_NULL_SESSION     0x00100000
#define ASC_REQ_ALLOW_NON_USER_LOGONS  0x00200000
#define ASC_REQ_ALLOW_CONTEXT_REPLAY   0x00400000
#define ASC_REQ_FRAGMENT_TO_FIT        0x00800000
#define ASC_REQ_NO_TOKEN               0x01000000
#define ASC_REQ_PROXY_BINDINGS         0x04000000
#define ASC_REQ_ALLOW_MISSING_BINDINGS 0x10000000

#define ASC_RET_DELEGATE               0x00000001
#define ASC_RET_MUTUAL_AUTH            0x00000002
#define ASC_RET_REPLAY_DETECT          0x00000004
#define ASC_RET_SEQUENCE_DETECT        0x00000008
#define ASC_RET_CONFIDENTIALITY        0x00000010
#define ASC_RET_USE_SESSION_KEY        0x00000020
#define ASC_RET_SESSION_TICKET         0x00000040
#define ASC_RET_ALLOCATED_MEMORY       0x00000100
#define ASC_RET_USED_DCE_STYLE         0x00000200
#define ASC_RET_DATAGRAM               0x00000400
#define ASC_RET_CONNECTION             0x00000800
#define ASC_RET_CALL_LEVEL             0x00002000
#define ASC_RET_THIRD_LEG_FAILED       0x00004000
#define ASC_RET_EXTENDED_ERROR         0x00008000
#define ASC_RET_STREAM                 0x00010000
#define ASC_RET_INTEGRITY              0x00020000
#define ASC_RET_LICENSING              0x00040000
#define ASC_RET_IDENTIFY               0x00080000
#define ASC_RET_NULL_SESSION           0x00100000
#define ASC_RET_ALLOW_NON_USER_LOGONS  0x00200000
#define ASC_RET_ALLOW_CONTEXT_REPLAY   0x00400000
#define ASC_RET_FRAGMENT_ONLY          0x00800000
#define ASC_RET_NO_TOKEN               0x01000000
#define ASC_RET_NO_ADDITIONAL_TOKEN    0x02000000

/* QueryContextAttributesW ulAttribute */
#define SECPKG_ATTR_SIZES           0
#define SECPKG_ATTR_NAMES           1
#define SECPKG_ATTR_LIFESPAN        2
#define SECPKG_ATTR_DCE_INFO        3
#define SECPKG_ATTR_STREAM_SIZES    4
#define SECPKG_ATTR_KEY_INFO        5
#define SECPKG_ATTR_AUTHORITY       6
#define SECPKG_ATTR_PROTO_INFO      7
#define SECPKG_ATTR_PASSWORD_EXPIRY 8
#define SECPKG_ATTR_SESSION_KEY     9
#define SECPKG_ATTR_PACKAGE_INFO    10
#define SECPKG_ATTR_USER_FLAGS      11
#define SECPKG_ATTR_NEGOTIATION_INFO 12
#define SECPKG_ATTR_NATIVE_NAMES    13
#define SECPKG_ATTR_FLAGS           14
#define SECPKG_ATTR_USE_VALIDATED   15
#define SECPKG_ATTR_CREDENTIAL_NAME 16
#define SECPKG_ATTR_TARGET_INFORMATION 17
#define SECPKG_ATTR_ACCESS_TOKEN    18
#define SECPKG_ATTR_TARGET          19
#define SECPKG_ATTR_AUTHENTICATION_ID 20
#define SECPKG_ATTR_LOGOFF_TIME     21
/* ntsec: SecPkgContext_NtsecPeer of an ntsec-local server context (docs/sspi.md). */
#define SECPKG_ATTR_NTSEC_PEER      0x0000F001

typedef struct _SecPkgContext_Sizes {
    ULONG cbMaxToken;
    ULONG cbMaxSignature;    /* MakeSignature's SECBUFFER_TOKEN */
    ULONG cbBlockSize;
    ULONG cbSecurityTrailer; /* EncryptMessage's SECBUFFER_TOKEN */
} SecPkgContext_Sizes, *PSecPkgContext_Sizes;

typedef struct _SecPkgContext_NamesW {
    SEC_WCHAR *sUserName; /* FreeContextBuffer */
} SecPkgContext_NamesW, *PSecPkgContext_NamesW;

typedef struct _SecPkgContext_NativeNamesW {
    SEC_WCHAR *sClientName; /* FreeContextBuffer; NULL when unknown */
    SEC_WCHAR *sServerName;
} SecPkgContext_NativeNamesW, *PSecPkgContext_NativeNamesW;

typedef struct _SecPkgContext_Lifespan {
    TimeStamp tsStart;
    TimeStamp tsExpiry;
} SecPkgContext_Lifespan, *PSecPkgContext_Lifespan;

typedef struct _SecPkgContext_SessionKey {
    ULONG SessionKeyLength;
    UCHAR *SessionKey; /* FreeContextBuffer */
} SecPkgContext_SessionKey, *PSecPkgContext_SessionKey;

typedef struct _SecPkgContext_PackageInfoW {
    PSecPkgInfoW PackageInfo; /* FreeContextBuffer */
} SecPkgContext_PackageInfoW, *PSecPkgContext_PackageInfoW;

typedef struct _SecPkgContext_Flags {
    ULONG Flags; /* the ISC_RET_* / ASC_RET_* attributes of the context */
} SecPkgContext_Flags, *PSecPkgContext_Flags;

/* ntsec: the client process of an ntsec-local server context. */
#define NTSEC_PEER_PIDFD  0x00000001 /* the kernel gave a pidfd (SO_PEERPIDFD): ProcessId is pinned */
#define NTSEC_PEER_EXITED 0x00000002 /* that process has exited since: ProcessId is 0 */
typedef struct _SecPkgContext_NtsecPeer {
    ULONG ProcessId; /* 0 unless pinned by a pidfd and still running (a pid can be recycled) */
    ULONG UserId;    /* SO_PEERCRED, at connect */
    ULONG GroupId;
    ULONG Flags;     /* NTSEC_PEER_* */
    SECURITY_QUALITY_OF_SERVICE RequestedQos; /* what the client's message asked for */
    SECURITY_IMPERSONATION_LEVEL GrantedLevel; /* the level of the context's token */
} SecPkgContext_NtsecPeer, *PSecPkgContext_NtsecPeer;

/* fQOP of EncryptMessage (Kerberos: sign only, wrap without encryption). */
#define SECQOP_WRAP_NO_ENCRYPT 0x80000001
#define SECQOP_WRAP_OOB_DATA   0x40000000

/* ---- Routines (kernel-mode forms of the WDK's sspi.h) ----------------------------------- */

/*
 * EnumerateSecurityPackagesW - the packages that work here (docs/sspi.md "Packages"):
 * *ppPackageInfo receives one block of *pcPackages SecPkgInfoW (strings inside it) that the
 * caller frees with FreeContextBuffer. SEC_E_OK, SEC_E_INVALID_PARAMETER (NULL pointer),
 * SEC_E_INSUFFICIENT_MEMORY.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY EnumerateSecurityPackagesW(PULONG pcPackages, PSecPkgInfoW *ppPackageInfo);

/*
 * QuerySecurityPackageInfoW - kernel form: the package named by pPackageName (case-insensitive).
 * *ppPackageInfo is freed with FreeContextBuffer. SEC_E_SECPKG_NOT_FOUND,
 * SEC_E_INVALID_PARAMETER, SEC_E_INSUFFICIENT_MEMORY.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY QuerySecurityPackageInfoW(PSECURITY_STRING pPackageName,
                                                                   PSecPkgInfoW *ppPackageInfo);

/* FreeContextBuffer - frees a buffer this API allocated for the caller; NULL is SEC_E_OK. */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY FreeContextBuffer(PVOID pvContextBuffer);

/*
 * AcquireCredentialsHandleW - kernel form (PSECURITY_STRING principal and package). A new
 * credential handle in *phCredential (never reused, FreeCredentialsHandle ends it); the
 * optional *ptsExpiry receives the credentials' expiry. pvLogonId, pGetKeyFn and
 * pvGetKeyArgument must be NULL (SEC_E_UNSUPPORTED_FUNCTION otherwise).
 * SEC_E_SECPKG_NOT_FOUND, SEC_E_INVALID_PARAMETER, SEC_E_UNKNOWN_CREDENTIALS (bad
 * fCredentialUse), SEC_E_NO_CREDENTIALS, SEC_E_INSUFFICIENT_MEMORY, and the package's own.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY AcquireCredentialsHandleW(
    PSECURITY_STRING pPrincipal, PSECURITY_STRING pPackage, ULONG fCredentialUse, PVOID pvLogonId,
    PVOID pAuthData, SEC_GET_KEY_FN pGetKeyFn, PVOID pvGetKeyArgument, PCredHandle phCredential,
    PTimeStamp ptsExpiry);

/* FreeCredentialsHandle - ends the handle; contexts made with it keep working. SEC_E_OK,
 * SEC_E_INVALID_HANDLE. */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY FreeCredentialsHandle(PCredHandle phCredential);

/*
 * InitializeSecurityContextW - client side of a handshake, kernel form. First call:
 * phContext NULL, a new context handle in *phNewContext. Later calls: phContext the handle
 * from the first call (phNewContext may point to the same handle). Returns SEC_E_OK (done;
 * send any output token), SEC_I_CONTINUE_NEEDED (send the output token, call again with the
 * reply), SEC_I_COMPLETE_NEEDED / SEC_I_COMPLETE_AND_CONTINUE (CompleteAuthToken first), or
 * an error: on the first call no context is made; on a later call the context stays and the
 * caller deletes it. Output token buffers are filled in place, or allocated when
 * ISC_REQ_ALLOCATE_MEMORY is given (FreeContextBuffer). Reserved1 and Reserved2 must be 0.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY InitializeSecurityContextW(
    PCredHandle phCredential, PCtxtHandle phContext, PSECURITY_STRING pTargetName, ULONG fContextReq,
    ULONG Reserved1, ULONG TargetDataRep, PSecBufferDesc pInput, ULONG Reserved2, PCtxtHandle phNewContext,
    PSecBufferDesc pOutput, PULONG pfContextAttr, PTimeStamp ptsExpiry);

/*
 * AcceptSecurityContext - server side of a handshake, same rules as InitializeSecurityContextW
 * (ASC_REQ_ALLOCATE_MEMORY for allocated output). When it returns SEC_E_OK the context holds
 * the client's token (ImpersonateSecurityContext, QuerySecurityContextToken).
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY AcceptSecurityContext(
    PCredHandle phCredential, PCtxtHandle phContext, PSecBufferDesc pInput, ULONG fContextReq,
    ULONG TargetDataRep, PCtxtHandle phNewContext, PSecBufferDesc pOutput, PULONG pfContextAttr,
    PTimeStamp ptsExpiry);

/* CompleteAuthToken - for packages that return SEC_I_COMPLETE_NEEDED; SEC_E_UNSUPPORTED_FUNCTION
 * for the others, SEC_E_INVALID_HANDLE. */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY CompleteAuthToken(PCtxtHandle phContext, PSecBufferDesc pToken);

/*
 * QueryContextAttributesW - pBuffer is the SecPkgContext_* structure of ulAttribute; strings
 * and keys in it are freed with FreeContextBuffer. SEC_E_OK, SEC_E_INVALID_HANDLE,
 * SEC_E_INVALID_PARAMETER (pBuffer NULL), SEC_E_UNSUPPORTED_FUNCTION (attribute not provided by
 * the package), SEC_E_INSUFFICIENT_MEMORY.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY QueryContextAttributesW(PCtxtHandle phContext, ULONG ulAttribute,
                                                                 PVOID pBuffer);

/* QueryCredentialsAttributesW - SECPKG_CRED_ATTR_NAMES; same rules. */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesW(PCredHandle phCredential, ULONG ulAttribute,
                                                                     PVOID pBuffer);

/*
 * Message protection. pMessage holds SECBUFFER_DATA buffers and one SECBUFFER_TOKEN
 * (signature or trailer, sized by SecPkgContext_Sizes). Each context numbers its messages
 * itself (connection semantics): MessageSeqNo is ignored. A message whose integrity check
 * fails is SEC_E_MESSAGE_ALTERED; a valid message out of order or replayed is
 * SEC_E_OUT_OF_SEQUENCE; a context whose handshake is not complete is SEC_E_NO_CONTEXT;
 * docs/sspi.md "Errors" has the full table.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY MakeSignature(PCtxtHandle phContext, ULONG fQOP, PSecBufferDesc pMessage,
                                                       ULONG MessageSeqNo);
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY VerifySignature(PCtxtHandle phContext, PSecBufferDesc pMessage,
                                                         ULONG MessageSeqNo, PULONG pfQOP);
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY EncryptMessage(PCtxtHandle phContext, ULONG fQOP, PSecBufferDesc pMessage,
                                                        ULONG MessageSeqNo);
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY DecryptMessage(PCtxtHandle phContext, PSecBufferDesc pMessage,
                                                        ULONG MessageSeqNo, PULONG pfQOP);

/*
 * ImpersonateSecurityContext - the current thread impersonates the client of phContext
 * (spec 2.19): PsImpersonateClient(current thread, token, CopyOnOpen FALSE, EffectiveOnly
 * FALSE, the token's level) (5-D17). The impersonation rule applies; a downgrade to
 * Identification still returns SEC_E_OK. On failure the thread keeps its previous context.
 * SEC_E_INVALID_HANDLE (NULL/unknown handle), SEC_E_UNSUPPORTED_FUNCTION (package without
 * impersonation), SEC_E_NO_IMPERSONATION (no token yet, or PsImpersonateClient failed),
 * SEC_E_INSUFFICIENT_MEMORY. The thread takes its own reference; the context keeps its own.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY ImpersonateSecurityContext(PCtxtHandle phContext);

/*
 * RevertSecurityContext - PsRevertToSelf on the current thread (spec 2.19): SEC_E_OK even if
 * the thread was impersonating something else or nothing. SEC_E_INVALID_HANDLE,
 * SEC_E_UNSUPPORTED_FUNCTION as above.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY RevertSecurityContext(PCtxtHandle phContext);

/*
 * DeleteSecurityContext - removes the context from the table and releases the context's
 * reference on its token (threads impersonating it keep theirs). The handle is dead from
 * then on. SEC_E_OK or SEC_E_INVALID_HANDLE.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY DeleteSecurityContext(PCtxtHandle phContext);

/*
 * QuerySecurityContextToken - kernel form: *Token receives the context's token (a
 * PACCESS_TOKEN) with a NEW reference the caller releases with ObDereferenceObject.
 * (Windows' user-mode QuerySecurityContextToken returns a HANDLE to the token that the caller
 * closes with CloseHandle; this kernel form hands back the object itself.)
 * SEC_E_OK, SEC_E_INVALID_HANDLE, SEC_E_INVALID_PARAMETER (Token NULL),
 * SEC_E_NO_IMPERSONATION (the context has no token yet). *Token is NULL on failure.
 */
KSECDDDECLSPEC SECURITY_STATUS SEC_ENTRY QuerySecurityContextToken(PCtxtHandle phContext, PVOID *Token);

NTSEC_EXTERN_C_END

#endif /* NTSEC_SSPI_H */
