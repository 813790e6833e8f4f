/*
 * fsd.h - ntsec-fsd, the WebDAV file server that serves each client under its own
 * credentials: shared types and the routines each file of tools/ntsec-fsd provides.
 *
 * Files: main.c (command line, daemons, signals), auth_local.c (who a connection is:
 * ntsec-local peer credentials, guest token), http.c (libmicrohttpd glue, dispatch, log),
 * path.c (URL -> path beneath the root, openat2), ntacl.c (NT descriptors in xattrs and the
 * access checks), ops_get.c (GET/HEAD), ops_file.c (PUT/DELETE/MKCOL/OPTIONS), conditional.c (ETags,
 * conditional headers), listing.c (collection listings), ops_copy.c (COPY/MOVE),
 * propfind.c (PROPFIND), props.c (live properties, PROPPATCH), propvalue.c (dead properties' stored form), locks.c
 * (LOCK/UNLOCK, If header), auth_negotiate.c + neg_legs.c (HTTP Negotiate, partial contexts
 * kept per connection between legs),
 * sameobj.c (both layers act on the checked inode), sdcache.c (descriptors kept by inode), xml.c (libxml2 with network, DTDs and entities off), workers.c (audit, quota, xattr
 * writes on system worker threads), log.c (the request log, batched), cmd_acl.c (`ntsec-fsd acl`).
 */
#ifndef NTSEC_FSD_H
#define NTSEC_FSD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <microhttpd.h>
#include "ntifs.h"
#include "ntsec.h"
#include "sspi.h"
#include "neg_legs.h"

#define FSD_MAX_BODY       (1024 * 1024)   /* XML request bodies */
#define FSD_MAX_PATH       4096
#define FSD_MAX_DEPTH_ENTRIES 2000         /* PROPFIND Depth: infinity limit */
#define FSD_TEMP_PREFIX    ".ntsec-fsd-put."
#define FSD_SD_XATTR       "trusted.ntsec.sd"
#define FSD_SD_POOL_TAG    0x6473664EU     /* 'Nfsd': descriptors FsdGetSd hands out */
#define FSD_PROP_XATTR_PREFIX "user.ntsec.dav."

/* --bench-no-impersonation: what X-Ntsec-Served-As says (not a SID: nobody was impersonated) */
#define FSD_BENCH_SERVED_AS "SERVER (bench-no-impersonation)"
#define FSD_BENCH_ENV       "NTSEC_FSD_BENCH_UNSAFE"

/* Which layer refused a request (logged). */
#define FSD_LAYER_NONE  "-"
#define FSD_LAYER_AUTH  "auth"
#define FSD_LAYER_PATH  "path"
#define FSD_LAYER_NT    "nt"
#define FSD_LAYER_LINUX "linux"
#define FSD_LAYER_LOCK  "lock"
#define FSD_LAYER_HTTP  "http"
#define FSD_LAYER_QUOTA "quota"

typedef struct _FSD_CONFIG {
    const char *Root;
    const char *Socket;
    const char *Listen;        /* 127.0.0.1:PORT */
    const char *Guest;         /* token text, or NULL */
    const char *Keytab;
    const char *AuditLog;      /* NULL: none */
    unsigned long long QuotaBytes; /* per-user bytes written through PUT; 0: none */
    BOOLEAN BenchNoImpersonation;  /* --bench-no-impersonation (main.c): never to serve */
    unsigned Threads;              /* --threads: libmicrohttpd worker threads per listener */
    int RootFd;
} FSD_CONFIG;

extern FSD_CONFIG FsdConfig;

/* FsdFormatRights - Mask's bits by name with the file rights' names (NtsecFormatRights) into
 * Buffer, always NUL-terminated (truncated if Size is short; "?" if naming failed). */
void FsdFormatRights(ACCESS_MASK Mask, char *Buffer, size_t Size);

/* One connection: the client's context, captured once when it connected (static tracking). */
typedef struct _FSD_CONN {
    unsigned long long Serial;          /* unique per connection (auth_local.c keeping) */
    BOOLEAN Authenticated;
    BOOLEAN Tcp;
    CtxtHandle Context;                 /* ksec context: owns the token reference */
    PACCESS_TOKEN Token;                /* from QuerySecurityContextToken: one reference */
    SECURITY_SUBJECT_CONTEXT Subject;   /* captured while impersonating, once */
    BOOLEAN SubjectCaptured;
    char Identity[128];                 /* user SID text (X-Ntsec-Served-As, quota) */
    char Principal[300];                /* "DOMAIN\\user (SID)" for the log and the audit */
    long PeerUid;                       /* -1 over TCP */
    char AuthError[64];
    FSD_NEG_PARTIAL Negotiation;        /* a multi-leg Negotiate exchange in progress */
} FSD_CONN;

/* A set of inodes (st_dev, st_ino): the members of a tree the NT layer checked for delete. */
typedef struct _FSD_INO {
    dev_t Dev;
    ino_t Ino;
} FSD_INO;
typedef struct _FSD_INOSET {
    FSD_INO *Items;
    size_t Count, Cap;
    BOOLEAN Sorted;
} FSD_INOSET;

/* One request. */
typedef struct _FSD_REQ {
    FSD_CONN *Conn;
    struct MHD_Connection *Mhd;
    const char *Method;
    char *Url;                 /* raw URL as received */
    char *Path;                /* decoded, "" = root, "a/b" (no leading or trailing slash) */
    BOOLEAN TrailingSlash;
    int PathStatus;            /* 0 or the HTTP status refusing the URL */
    char *Body;
    size_t BodyLen, BodyCap;
    BOOLEAN BodyTooBig;
    BOOLEAN Responded;
    /* PUT in progress */
    int PutDirFd;
    int PutFd;
    char PutTemp[64];
    char *PutName;
    BOOLEAN PutExisted;
    BOOLEAN PutFailed;
    unsigned long long PutBytes;
    PSECURITY_DESCRIPTOR PutParentSd;
    struct stat PutChecked;             /* the existing file the NT layer checked */
    FSD_INOSET Deletable;               /* what FsdNtDeleteCheck allowed (FsdRemoveTree) */
    /* log */
    struct timespec Start;
    int Status;
    const char *Layer;
    BOOLEAN Kept;              /* GET/HEAD served the kept way (ops_get.c): logged way=kept */
    char Note[256];
    char *AuthReply;           /* base64 Negotiate token for WWW-Authenticate, or NULL */
} FSD_REQ;

struct _xmlNode;
struct _xmlNs;
struct _xmlDoc;

/* ---- auth_local.c ---- */
/* Fills Conn from the connection's socket (Unix: ntsec-local; TCP: guest token or none). */
VOID FsdAuthenticateConnection(FSD_CONN *Conn, int Fd, BOOLEAN Tcp);
VOID FsdReleaseConnection(FSD_CONN *Conn);
/* The guest token (prepared at start from --guest text). */
NTSTATUS FsdPrepareGuest(PCSTR Text);
VOID FsdReleaseGuest(VOID);
BOOLEAN FsdAuthenticateGuest(FSD_CONN *Conn);
NTSTATUS FsdAdoptContext(FSD_CONN *Conn, CtxtHandle *Context);

/* ---- auth_negotiate.c ---- */
SECURITY_STATUS FsdPrepareNegotiate(const char *Keytab);
VOID FsdReleaseNegotiate(VOID);
BOOLEAN FsdNegotiateEnabled(VOID);
int FsdNegotiate(FSD_REQ *Req);
VOID FsdNegotiateConnectionGone(FSD_CONN *Conn);
/* Switch the calling thread to the client / back. FALSE: could not impersonate. */
BOOLEAN FsdBecomeClient(FSD_CONN *Conn);
VOID FsdBecomeServer(FSD_CONN *Conn);
/* FsdBecomeClient, and the thread stays the client for the connection's next request. */
BOOLEAN FsdKeepClient(FSD_CONN *Conn);
/* Ends FsdKeepClient on the calling thread (nothing if it keeps no client). */
VOID FsdStopKeeping(VOID);

/* ---- path.c ---- */
/* Decodes and validates a URL path: 0 or the HTTP status (400, 414). *Out: malloc'd. */
int FsdDecodePath(const char *Url, char **Out, BOOLEAN *TrailingSlash);
/* Destination header -> path (0, or status: 400, 502 for another server). */
int FsdDestinationPath(FSD_REQ *Req, const char *Dest, char **Out);
/* openat2 beneath the root; flags O_PATH etc. Returns fd or -errno. */
int FsdOpen(const char *Path, int Flags, mode_t Mode);
int FsdOpenAt(int DirFd, const char *Path, int Flags, mode_t Mode);
/* O_PATH | Flags open of Path as the server: 0 or the HTTP status (path.c). */
int FsdServerOpen(FSD_REQ *Req, const char *Path, int Flags, int *Fd);
/* The directory the calling thread just made with mkdirat (its owner, empty), or -errno. */
int FsdOpenNewDir(int DirFd, const char *Name);
/* Splits "a/b/c" into parent "a/b" and name "c" (both malloc'd); root has no parent. */
int FsdSplit(const char *Path, char **Parent, char **Name);
int FsdErrnoStatus(int Err);
BOOLEAN FsdSameInode(const struct stat *A, const struct stat *B);
int FsdSameFd(int Fd, const struct stat *Expected);
int FsdGrab(int DirFd, const char *Name, const struct stat *Expected, char *Temp, size_t Size);
int FsdUngrab(int DirFd, const char *Temp, const char *Name);
/* Inode sets: FALSE from FsdInoAdd when out of memory. */
BOOLEAN FsdInoAdd(FSD_INOSET *Set, const struct stat *St);
BOOLEAN FsdInoHas(FSD_INOSET *Set, const struct stat *St);
VOID FsdInoFree(FSD_INOSET *Set);
#define FSD_LAYER_OF(err) ((err) == ESTALE ? FSD_LAYER_PATH : FSD_LAYER_LINUX)
#define FSD_NOTE_OF(err) ((err) == ESTALE ? "object replaced during the request" : strerror(err))
/* Percent-encodes Path for an href ("/a%20b/"). */
char *FsdHref(const char *Path, BOOLEAN Collection);

/* ---- ntacl.c ---- */
/* The descriptor of an object (O_PATH fd): stored one, else derived from owner and mode.
 * *Stored says which. Free with NtsecFree. Only on a thread that does not impersonate
 * (STATUS_ACCESS_DENIED otherwise: a client cannot see the trusted namespace). */
NTSTATUS FsdGetSd(int Fd, PSECURITY_DESCRIPTOR *Sd, PULONG Length, BOOLEAN *Stored);
NTSTATUS FsdDeriveSd(const struct stat *St, PSECURITY_DESCRIPTOR *Sd, PULONG Length);

/* ---- sdcache.c ---- */
typedef struct _FSD_SDC_ENTRY FSD_SDC_ENTRY;
FSD_SDC_ENTRY *FsdSdCacheFind(const struct stat *St, PSECURITY_DESCRIPTOR *Sd, PULONG Length, BOOLEAN *Stored);
VOID FsdSdCacheRelease(FSD_SDC_ENTRY *Entry);
time_t FsdSdCacheClock(void);
VOID FsdSdCacheAdd(const struct stat *St, time_t Before, PSECURITY_DESCRIPTOR Sd, ULONG Length, BOOLEAN Stored);
VOID FsdSdCacheForget(const struct stat *St);
/* SeAccessCheck for the connection's subject. TRUE: granted. On denial fills Req's note
 * and (if Explain) the explanation text (malloc'd, or NULL). */
BOOLEAN FsdCheck(FSD_REQ *Req, int Fd, ACCESS_MASK Desired, const char *What, char **Explain);
BOOLEAN FsdCheckSd(FSD_REQ *Req, PSECURITY_DESCRIPTOR Sd, ACCESS_MASK Desired);
/* Writes the descriptor of a new object (SeAssignSecurityEx from the parent's stored one)
 * on a system worker. Nothing is written when the parent has none. */
NTSTATUS FsdInheritSd(FSD_REQ *Req, int ParentFd, int NewFd, BOOLEAN IsDir);
/* Writes Sd to the object (worker thread). */
NTSTATUS FsdWriteSd(int Fd, PSECURITY_DESCRIPTOR Sd, ULONG Length);
/* Refusal with the explain trace (403 body). */
int FsdDenyNt(FSD_REQ *Req, int Fd, ACCESS_MASK Desired, const char *What);

/* ---- log.c ---- */
VOID FsdLogStart(VOID);
VOID FsdLogLine(const char *Line, size_t Length);
VOID FsdLogFlush(VOID);

/* ---- http.c ---- */
int FsdRespond(FSD_REQ *Req, unsigned Status, const char *Layer, const char *ContentType,
               const char *Body, size_t Length);
int FsdRespondResponse(FSD_REQ *Req, unsigned Status, struct MHD_Response *Resp);
int FsdRespondError(FSD_REQ *Req, unsigned Status, const char *Layer, const char *Text);
const char *FsdHeader(FSD_REQ *Req, const char *Name);
/* Depth header: 0, 1, or -1 (infinity); Default when absent; -2 invalid. */
int FsdDepth(FSD_REQ *Req, int Default);

/* ---- ops_get.c ---- */
int FsdGet(FSD_REQ *Req, BOOLEAN Head);

/* ---- ops_file.c ---- */
int FsdOptions(FSD_REQ *Req);
int FsdPutBegin(FSD_REQ *Req);
int FsdPutData(FSD_REQ *Req, const char *Data, size_t Size);
int FsdPutEnd(FSD_REQ *Req);
VOID FsdPutAbort(FSD_REQ *Req);
int FsdDelete(FSD_REQ *Req);
int FsdMkcol(FSD_REQ *Req);
/* The NT layer for removing Name in DirFd and everything below it (DELETE on each object or
 * FILE_DELETE_CHILD on its parent), as the server: 0, or 1 after responding with the refusal. */
int FsdNtDeleteCheck(FSD_REQ *Req, int DirFd, const char *Name, int Depth, const struct stat *Expected);
/* Removes Name in DirFd (the inode Expected, which the caller bound to the name, FsdGrab)
 * recursively as the current (impersonated) thread; every member must be one the NT layer
 * allowed (Req->Deletable), each is grabbed and compared before it is removed. 0 or errno
 * (ESTALE: a member was not checked). */
int FsdRemoveTree(FSD_REQ *Req, int DirFd, const char *Name, const struct stat *Expected);
/* ---- conditional.c ---- */
void FsdEtag(const struct stat *St, char *Buf, size_t Size);
void FsdHttpDate(time_t T, char *Buf, size_t Size);
const char *FsdContentType(const char *Name);
/* Conditional headers: 0 to go on, else the status (304/412). */
int FsdConditional(FSD_REQ *Req, const struct stat *St, BOOLEAN Exists, BOOLEAN Read);

/* ---- ops_copy.c ---- */
int FsdCopyMove(FSD_REQ *Req, BOOLEAN Move);

/* ---- propfind.c ---- */
int FsdPropfind(FSD_REQ *Req);

/* ---- props.c ---- */
#define FSD_NTSEC_NS "urn:ntsec:"
extern const char *const FsdPropLive[];   /* the DAV: live properties, FsdPropLiveCount */
extern const size_t FsdPropLiveCount;
BOOLEAN FsdPropIsLive(const char *Ns, const char *Name);
/* An empty element {Ns}Name under Parent (Dav: the DAV: namespace of the document). */
struct _xmlNode *FsdPropNamed(struct _xmlNode *Parent, struct _xmlNs *Dav, const char *Ns, const char *Name);
/* Adds live property Name of (Path, St) under Prop (NameOnly: the empty element); FALSE if
 * the resource has none (getcontentlength of a collection). */
BOOLEAN FsdPropLiveValue(struct _xmlNode *Prop, struct _xmlNs *Dav, const char *Name, const char *Path,
                         const struct stat *St, BOOLEAN NameOnly);
int FsdProppatch(FSD_REQ *Req);
typedef void (*FSD_DEAD_PROP_FN)(const char *Key, const char *Value, size_t Length, void *Context);
VOID FsdForEachDeadProp(const char *Proc, FSD_DEAD_PROP_FN Fn, void *Context);
/* Copies the dead properties (user.ntsec.dav.*) from one fd to another. */
VOID FsdCopyDeadProps(int From, int To);

/* ---- propvalue.c ---- */
void FsdPropKey(const char *Ns, const char *Name, char *Buf, size_t Size);
const char *FsdPropNs(struct _xmlNode *N);
char *FsdPropValueFormat(struct _xmlNode *Prop, size_t *Length);
struct _xmlDoc *FsdPropValueParse(const char *Value, size_t Len, const char **Ns, const char **Name);

/* ---- locks.c ---- */
int FsdLock(FSD_REQ *Req);
int FsdUnlock(FSD_REQ *Req);
/* Before modifying Path (Recursive: its subtree too; Parent: its parent's membership):
 * evaluates the If header and the locks. 0 or the status (412, 423). */
int FsdCheckLocks(FSD_REQ *Req, const char *Path, BOOLEAN Recursive, BOOLEAN Membership);
/* Evaluates only the If header for Path (0 or 412). */
int FsdCheckIf(FSD_REQ *Req, const char *Path);
/* Drops locks on Path and below (after DELETE/MOVE). */
VOID FsdLocksRemoved(const char *Path);
/* Appends DAV:lockdiscovery content for Path to the node. */
struct _xmlNode;
struct _xmlNs;
VOID FsdLockDiscovery(const char *Path, struct _xmlNode *Prop, struct _xmlNs *Dav);

/* ---- xml.c ---- */
/* Node as a document of its own, UTF-8 (malloc'd, *Length bytes, NUL after them). */
char *FsdXmlNodeText(struct _xmlNode *Node, size_t *Length);
struct _xmlDoc;
/* Parses a request body: NULL and *Status 400 on any error, DTD or entity. */
struct _xmlDoc *FsdXmlParse(const char *Body, size_t Length, int *Status);
int FsdXmlIs(struct _xmlNode *Node, const char *Name); /* DAV: element named Name */
int FsdRespondXml(FSD_REQ *Req, unsigned Status, struct _xmlDoc *Doc);

/* ---- workers.c ---- */
VOID FsdAudit(FSD_REQ *Req);
/* Per-user quota: TRUE if Bytes more may be written by the connection's user. */
BOOLEAN FsdQuotaCharge(FSD_REQ *Req, unsigned long long Bytes);
/* Runs Routine(Context) on a system worker thread and waits for it. */
VOID FsdRunOnWorker(PWORKER_THREAD_ROUTINE Routine, PVOID Context);
NTSTATUS FsdOpenAudit(const char *Path);

/* ---- cmd_acl.c ---- */
int FsdAclCommand(int argc, char **argv);

#endif /* NTSEC_FSD_H */
