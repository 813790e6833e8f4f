/*
 * locks.c - WebDAV class 2: LOCK (exclusive and shared write locks, depth 0 and infinity,
 * refresh, locks on unmapped URLs), UNLOCK, and the If header (RFC 4918 section 10.4:
 * tagged and untagged lists, Not, state tokens and entity tags). The lock table lives in
 * memory (locks do not survive a restart). A lock belongs to the user SID that took it:
 * only that user may unlock it or use its token.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <libxml/tree.h>
#include "fsd.h"

#define FSD_MAX_LOCKS 4096
#define FSD_MAX_TIMEOUT 604800

typedef struct _FSD_LOCK {
    struct _FSD_LOCK *Next;
    char Token[64];
    char *Path;
    char Owner[128];      /* user SID */
    char *OwnerXml;       /* the DAV:owner element, serialized, or NULL */
    BOOLEAN Infinite, Shared;
    time_t Expires;
    unsigned long Timeout;
} FSD_LOCK;

static FSD_LOCK *FsdpLocks;
static int FsdpLockCount;
static pthread_mutex_t FsdpLockMutex = PTHREAD_MUTEX_INITIALIZER;

static void FsdpFreeLock(FSD_LOCK *L)
{
    free(L->Path);
    free(L->OwnerXml);
    free(L);
}

/* Drops expired locks. Caller holds the mutex. */
static void FsdpExpire(void)
{
    time_t now = time(NULL);
    for (FSD_LOCK **pp = &FsdpLocks; *pp;) {
        if ((*pp)->Expires <= now) {
            FSD_LOCK *l = *pp;
            *pp = l->Next;
            FsdpFreeLock(l);
            FsdpLockCount--;
        } else {
            pp = &(*pp)->Next;
        }
    }
}

/* TRUE when Ancestor is Path or one of its ancestors. */
static BOOLEAN FsdpUnder(const char *Path, const char *Ancestor)
{
    size_t n = strlen(Ancestor);
    if (n == 0)
        return TRUE;
    return strncmp(Path, Ancestor, n) == 0 && (Path[n] == 0 || Path[n] == '/');
}

/* Does lock L cover Path (the resource itself or through a depth-infinity ancestor)? */
static BOOLEAN FsdpCovers(const FSD_LOCK *L, const char *Path)
{
    if (strcmp(L->Path, Path) == 0)
        return TRUE;
    return L->Infinite && FsdpUnder(Path, L->Path);
}

/* ---- If header ---- */

typedef struct _FSD_IF {
    char Tokens[16][128];   /* state tokens of lists that evaluated true */
    int TokenCount;
    BOOLEAN Present;
    BOOLEAN True;
    BOOLEAN Malformed;
} FSD_IF;

static const char *FsdpSkip(const char *p) { while (*p == ' ' || *p == '\t') p++; return p; }

/* Current etag of Path ("" if it does not exist), as the server. */
static void FsdpEtagOf(const char *Path, char *Buf, size_t Size)
{
    struct stat st;
    int fd = FsdOpen(Path, O_PATH, 0);
    Buf[0] = 0;
    if (fd >= 0) {
        if (fstat(fd, &st) == 0)
            FsdEtag(&st, Buf, Size);
        close(fd);
    }
}

static BOOLEAN FsdpTokenValid(const char *Token, const char *Path, const char *Sid)
{
    for (FSD_LOCK *l = FsdpLocks; l; l = l->Next)
        if (strcmp(l->Token, Token) == 0 && FsdpCovers(l, Path))
            return strcmp(l->Owner, Sid) == 0;
    return FALSE;
}

/* Parses and evaluates the If header against Path. Caller holds the lock mutex. */
static void FsdpEvalIf(FSD_REQ *Req, const char *Path, FSD_IF *If)
{
    memset(If, 0, sizeof *If);
    const char *h = FsdHeader(Req, "If");
    if (h == NULL)
        return;
    If->Present = TRUE;
    const char *p = FsdpSkip(h);
    char *tagged = NULL;
    int lists = 0;
    while (*p && lists < 64) {
        if (*p == '<') {             /* a resource tag */
            const char *e = strchr(p, '>');
            if (e == NULL) { If->Malformed = TRUE; break; }
            char *uri = strndup(p + 1, (size_t)(e - p - 1));
            free(tagged);
            tagged = NULL;
            if (FsdDestinationPath(Req, uri, &tagged) != 0)
                tagged = strdup("\x01");  /* a resource on another server: never matches */
            free(uri);
            p = FsdpSkip(e + 1);
            continue;
        }
        if (*p != '(') { If->Malformed = TRUE; break; }
        lists++;
        p++;
        const char *res = tagged ? tagged : Path;
        BOOLEAN listTrue = TRUE;
        char toks[8][128];
        int nt = 0, conds = 0;
        char etag[96];
        FsdpEtagOf(res, etag, sizeof etag);
        while (1) {
            p = FsdpSkip(p);
            if (*p == ')') { p++; break; }
            if (*p == 0) { If->Malformed = TRUE; break; }
            BOOLEAN neg = FALSE;
            if (strncasecmp(p, "Not", 3) == 0) {
                neg = TRUE;
                p = FsdpSkip(p + 3);
            }
            BOOLEAN val;
            if (*p == '<') {
                const char *e = strchr(p, '>');
                if (e == NULL || e - p - 1 >= 127) { If->Malformed = TRUE; break; }
                char tok[128];
                memcpy(tok, p + 1, (size_t)(e - p - 1));
                tok[e - p - 1] = 0;
                val = FsdpTokenValid(tok, res, Req->Conn->Identity);
                if (!neg && nt < 8)
                    snprintf(toks[nt++], sizeof toks[0], "%s", tok);
                p = e + 1;
            } else if (*p == '[') {
                const char *e = strchr(p, ']');
                if (e == NULL) { If->Malformed = TRUE; break; }
                const char *t = p + 1;
                if (strncmp(t, "W/", 2) == 0) t += 2;
                val = etag[0] && (size_t)(e - t) == strlen(etag) && strncmp(t, etag, (size_t)(e - t)) == 0;
                p = e + 1;
            } else {
                If->Malformed = TRUE;
                break;
            }
            conds++;
            if (neg) val = !val;
            if (!val) listTrue = FALSE;
        }
        if (If->Malformed)
            break;
        if (conds == 0) { If->Malformed = TRUE; break; }
        if (listTrue) {
            If->True = TRUE;
            for (int i = 0; i < nt && If->TokenCount < 16; i++)
                memcpy(If->Tokens[If->TokenCount++], toks[i], sizeof toks[i]);
        }
        p = FsdpSkip(p);
    }
    free(tagged);
    if (lists == 0)
        If->Malformed = TRUE;
}

static BOOLEAN FsdpSubmitted(const FSD_IF *If, const FSD_LOCK *L, const char *Sid)
{
    if (strcmp(L->Owner, Sid) != 0)
        return FALSE;
    for (int i = 0; i < If->TokenCount; i++)
        if (strcmp(If->Tokens[i], L->Token) == 0)
            return TRUE;
    return FALSE;
}

int FsdCheckIf(FSD_REQ *Req, const char *Path)
{
    FSD_IF If;
    pthread_mutex_lock(&FsdpLockMutex);
    FsdpExpire();
    FsdpEvalIf(Req, Path, &If);
    pthread_mutex_unlock(&FsdpLockMutex);
    if (If.Malformed)
        return 400;
    return If.Present && !If.True ? 412 : 0;
}

int FsdCheckLocks(FSD_REQ *Req, const char *Path, BOOLEAN Recursive, BOOLEAN Membership)
{
    FSD_IF If;
    int status = 0;
    pthread_mutex_lock(&FsdpLockMutex);
    FsdpExpire();
    FsdpEvalIf(Req, Path, &If);
    if (If.Malformed)
        status = 400;
    else if (If.Present && !If.True)
        status = 412;
    char *parent = NULL, *name = NULL;
    if (Membership && *Path)
        FsdSplit(Path, &parent, &name);
    for (FSD_LOCK *l = FsdpLocks; l && status == 0; l = l->Next) {
        BOOLEAN hit = FsdpCovers(l, Path) || (Recursive && FsdpUnder(l->Path, Path)) ||
                      (parent != NULL && strcmp(l->Path, parent) == 0) ||
                      (parent != NULL && l->Infinite && FsdpUnder(parent, l->Path));
        if (hit && !FsdpSubmitted(&If, l, Req->Conn->Identity))
            status = 423;
    }
    pthread_mutex_unlock(&FsdpLockMutex);
    free(parent);
    free(name);
    return status;
}

VOID FsdLocksRemoved(const char *Path)
{
    pthread_mutex_lock(&FsdpLockMutex);
    for (FSD_LOCK **pp = &FsdpLocks; *pp;) {
        if (FsdpUnder((*pp)->Path, Path)) {
            FSD_LOCK *l = *pp;
            *pp = l->Next;
            FsdpFreeLock(l);
            FsdpLockCount--;
        } else {
            pp = &(*pp)->Next;
        }
    }
    pthread_mutex_unlock(&FsdpLockMutex);
}

static void FsdpActiveLock(const FSD_LOCK *L, xmlNodePtr Parent, xmlNsPtr Dav)
{
    char buf[160];
    xmlNodePtr a = xmlNewChild(Parent, Dav, BAD_CAST "activelock", NULL);
    xmlNewChild(xmlNewChild(a, Dav, BAD_CAST "locktype", NULL), Dav, BAD_CAST "write", NULL);
    xmlNewChild(xmlNewChild(a, Dav, BAD_CAST "lockscope", NULL), Dav, BAD_CAST(L->Shared ? "shared" : "exclusive"), NULL);
    xmlNewTextChild(a, Dav, BAD_CAST "depth", BAD_CAST(L->Infinite ? "infinity" : "0"));
    if (L->OwnerXml) {
        int st;
        xmlDocPtr d = FsdXmlParse(L->OwnerXml, strlen(L->OwnerXml), &st);
        if (d) {
            xmlAddChild(a, xmlDocCopyNode(xmlDocGetRootElement(d), Parent->doc, 1));
            xmlFreeDoc(d);
        }
    }
    long left = (long)(L->Expires - time(NULL));
    snprintf(buf, sizeof buf, "Second-%ld", left > 0 ? left : 0);
    xmlNewTextChild(a, Dav, BAD_CAST "timeout", BAD_CAST buf);
    xmlNewTextChild(xmlNewChild(a, Dav, BAD_CAST "locktoken", NULL), Dav, BAD_CAST "href", BAD_CAST L->Token);
    char *href = FsdHref(L->Path, FALSE);
    xmlNewTextChild(xmlNewChild(a, Dav, BAD_CAST "lockroot", NULL), Dav, BAD_CAST "href", BAD_CAST href);
    free(href);
}

VOID FsdLockDiscovery(const char *Path, xmlNodePtr Prop, xmlNsPtr Dav)
{
    pthread_mutex_lock(&FsdpLockMutex);
    FsdpExpire();
    for (FSD_LOCK *l = FsdpLocks; l; l = l->Next)
        if (FsdpCovers(l, Path))
            FsdpActiveLock(l, Prop, Dav);
    pthread_mutex_unlock(&FsdpLockMutex);
}

static unsigned long FsdpTimeout(FSD_REQ *Req)
{
    const char *t = FsdHeader(Req, "Timeout");
    unsigned long v = 3600;
    if (t != NULL) {
        if (strncasecmp(t, "Second-", 7) == 0)
            v = strtoul(t + 7, NULL, 10);
        else if (strncasecmp(t, "Infinite", 8) == 0)
            v = FSD_MAX_TIMEOUT;
    }
    if (v == 0 || v > FSD_MAX_TIMEOUT)
        v = FSD_MAX_TIMEOUT;
    return v;
}

static int FsdpLockReply(FSD_REQ *Req, unsigned Status, const FSD_LOCK *L, BOOLEAN TokenHeader)
{
    xmlDocPtr out = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr prop = xmlNewNode(NULL, BAD_CAST "prop");
    xmlNsPtr dav = xmlNewNs(prop, BAD_CAST "DAV:", BAD_CAST "D");
    xmlSetNs(prop, dav);
    xmlDocSetRootElement(out, prop);
    FsdpActiveLock(L, xmlNewChild(prop, dav, BAD_CAST "lockdiscovery", NULL), dav);
    xmlChar *mem = NULL;
    int len = 0;
    xmlDocDumpFormatMemoryEnc(out, &mem, &len, "utf-8", 1);
    xmlFreeDoc(out);
    struct MHD_Response *r = MHD_create_response_from_buffer((size_t)len, mem, MHD_RESPMEM_MUST_COPY);
    xmlFree(mem);
    MHD_add_response_header(r, "Content-Type", "application/xml; charset=utf-8");
    if (TokenHeader) {
        char h[80];
        snprintf(h, sizeof h, "<%s>", L->Token);
        MHD_add_response_header(r, "Lock-Token", h);
    }
    return FsdRespondResponse(Req, Status, r);
}

int FsdLock(FSD_REQ *Req)
{
    int st, depth = FsdDepth(Req, -1);
    if (depth == 1 || depth == -2)
        return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "Depth must be 0 or infinity");
    int sfd = FsdOpen(Req->Path, O_PATH, 0);
    BOOLEAN exists = sfd >= 0;
    if (!exists && -sfd != ENOENT)
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(-sfd), -sfd == EXDEV ? FSD_LAYER_PATH : FSD_LAYER_HTTP,
                               "cannot open");
    /* NT layer: locking is writing (FILE_WRITE_DATA; on a collection that bit is
     * FILE_ADD_FILE); an unmapped URL is a new file (FILE_ADD_FILE on the parent). */
    if (exists) {
        int r = FsdDenyNt(Req, sfd, FILE_WRITE_DATA, "lock");
        close(sfd);
        if (r != 0)
            return r;
    }
    if (Req->BodyLen == 0) {
        /* refresh: If header names the lock */
        FSD_IF If;
        pthread_mutex_lock(&FsdpLockMutex);
        FsdpExpire();
        FsdpEvalIf(Req, Req->Path, &If);
        FSD_LOCK *found = NULL;
        for (FSD_LOCK *l = FsdpLocks; l && If.True; l = l->Next)
            if (FsdpCovers(l, Req->Path) && FsdpSubmitted(&If, l, Req->Conn->Identity))
                found = l;
        if (found == NULL) {
            pthread_mutex_unlock(&FsdpLockMutex);
            return FsdRespondError(Req, If.Present ? 412 : 400, FSD_LAYER_LOCK, "no lock to refresh");
        }
        found->Timeout = FsdpTimeout(Req);
        found->Expires = time(NULL) + (time_t)found->Timeout;
        FSD_LOCK copy = *found;
        int r = FsdpLockReply(Req, 200, &copy, FALSE);
        pthread_mutex_unlock(&FsdpLockMutex);
        return r;
    }
    xmlDocPtr in = FsdXmlParse(Req->Body, Req->BodyLen, &st);
    if (in == NULL)
        return FsdRespondError(Req, (unsigned)st, FSD_LAYER_HTTP, "bad XML body");
    xmlNodePtr root = xmlDocGetRootElement(in);
    if (!FsdXmlIs(root, "lockinfo")) {
        xmlFreeDoc(in);
        return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "not a lockinfo");
    }
    BOOLEAN shared = FALSE, scope = FALSE, type = FALSE;
    char *ownerXml = NULL;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (FsdXmlIs(c, "lockscope")) {
            for (xmlNodePtr s = c->children; s; s = s->next) {
                if (FsdXmlIs(s, "shared")) shared = TRUE, scope = TRUE;
                if (FsdXmlIs(s, "exclusive")) scope = TRUE;
            }
        } else if (FsdXmlIs(c, "locktype")) {
            for (xmlNodePtr s = c->children; s; s = s->next)
                if (FsdXmlIs(s, "write")) type = TRUE;
        } else if (FsdXmlIs(c, "owner") && ownerXml == NULL) {
            size_t len;
            ownerXml = FsdXmlNodeText(c, &len);
        }
    }
    xmlFreeDoc(in);
    if (!scope || !type) {
        free(ownerXml);
        return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "lockinfo needs a lockscope and a write locktype");
    }
    pthread_mutex_lock(&FsdpLockMutex);
    FsdpExpire();
    int status = 0;
    FSD_IF If;
    FsdpEvalIf(Req, Req->Path, &If);
    if (If.Malformed)
        status = 400;
    else if (If.Present && !If.True)
        status = 412;
    for (FSD_LOCK *l = FsdpLocks; l && status == 0; l = l->Next) {
        BOOLEAN overlap = FsdpCovers(l, Req->Path) || (depth == -1 && FsdpUnder(l->Path, Req->Path));
        if (overlap && (!l->Shared || !shared))
            status = 423;
    }
    if (status == 0 && FsdpLockCount >= FSD_MAX_LOCKS)
        status = 503;
    if (status != 0) {
        pthread_mutex_unlock(&FsdpLockMutex);
        free(ownerXml);
        return FsdRespondError(Req, (unsigned)status, FSD_LAYER_LOCK, "lock conflict");
    }
    FSD_LOCK *l = calloc(1, sizeof *l);
    unsigned char rnd[16];
    if (l == NULL || getrandom(rnd, sizeof rnd, 0) != sizeof rnd) {
        pthread_mutex_unlock(&FsdpLockMutex);
        free(l);
        free(ownerXml);
        return FsdRespondError(Req, 500, FSD_LAYER_HTTP, "no memory");
    }
    rnd[6] = (rnd[6] & 0x0f) | 0x40;
    rnd[8] = (rnd[8] & 0x3f) | 0x80;
    snprintf(l->Token, sizeof l->Token,
             "opaquelocktoken:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], rnd[8], rnd[9], rnd[10],
             rnd[11], rnd[12], rnd[13], rnd[14], rnd[15]);
    l->Path = strdup(Req->Path);
    snprintf(l->Owner, sizeof l->Owner, "%s", Req->Conn->Identity);
    l->OwnerXml = ownerXml;
    l->Infinite = depth == -1;
    l->Shared = shared;
    l->Timeout = FsdpTimeout(Req);
    l->Expires = time(NULL) + (time_t)l->Timeout;
    l->Next = FsdpLocks;
    FsdpLocks = l;
    FsdpLockCount++;
    FSD_LOCK copy = *l;
    copy.Path = strdup(l->Path);
    copy.OwnerXml = ownerXml ? strdup(ownerXml) : NULL;
    pthread_mutex_unlock(&FsdpLockMutex);
    unsigned code = 200;
    if (!exists) {
        /* A lock on an unmapped URL creates an empty resource (RFC 4918 section 7.3). */
        char *parent, *name;
        int pfd = -1, err = ENOENT;
        if (FsdSplit(Req->Path, &parent, &name) == 0) {
            pfd = FsdOpen(parent, O_PATH | O_DIRECTORY, 0);
            if (pfd >= 0 && !FsdCheck(Req, pfd, FILE_ADD_FILE, "add a file to the collection", NULL))
                err = EACCES;
            else if (pfd >= 0 && FsdBecomeClient(Req->Conn)) {
                int fd = FsdOpenAt(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
                err = fd < 0 ? -fd : 0;
                FsdBecomeServer(Req->Conn);
                if (fd >= 0) {
                    /* no file may stay with the mode-derived descriptor where its parent's
                     * would be inherited: removed again (as the client) when the write fails */
                    if (!NT_SUCCESS(FsdInheritSd(Req, pfd, fd, FALSE))) {
                        if (FsdBecomeClient(Req->Conn)) {
                            unlinkat(pfd, name, 0);
                            FsdBecomeServer(Req->Conn);
                        }
                        err = EIO;
                    }
                    close(fd);
                }
            }
            free(parent);
            free(name);
        }
        if (pfd >= 0)
            close(pfd);
        if (err != 0) {
            FsdLocksRemoved(Req->Path);
            free(copy.Path);
            free(copy.OwnerXml);
            return FsdRespondError(Req, err == ENOENT ? 409 : (unsigned)FsdErrnoStatus(err),
                                   err == EACCES || err == EIO ? FSD_LAYER_NT : FSD_LAYER_LINUX,
                                   err == EIO ? "cannot assign the locked resource's descriptor"
                                              : "cannot create the locked resource");
        }
        code = 201;
    }
    int r = FsdpLockReply(Req, code, &copy, TRUE);
    free(copy.Path);
    free(copy.OwnerXml);
    return r;
}

int FsdUnlock(FSD_REQ *Req)
{
    const char *h = FsdHeader(Req, "Lock-Token");
    if (h == NULL)
        return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "no Lock-Token");
    char tok[128];
    size_t n = strlen(h);
    if (n < 3 || h[0] != '<' || h[n - 1] != '>' || n - 2 >= sizeof tok)
        return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "bad Lock-Token");
    memcpy(tok, h + 1, n - 2);
    tok[n - 2] = 0;
    int status = 409;
    pthread_mutex_lock(&FsdpLockMutex);
    FsdpExpire();
    for (FSD_LOCK **pp = &FsdpLocks; *pp; pp = &(*pp)->Next) {
        FSD_LOCK *l = *pp;
        if (strcmp(l->Token, tok) != 0 || !FsdpCovers(l, Req->Path))
            continue;
        if (strcmp(l->Owner, Req->Conn->Identity) != 0) {
            status = 403;
            break;
        }
        *pp = l->Next;
        FsdpFreeLock(l);
        FsdpLockCount--;
        status = 204;
        break;
    }
    pthread_mutex_unlock(&FsdpLockMutex);
    if (status != 204)
        return FsdRespondError(Req, (unsigned)status, FSD_LAYER_LOCK, "no such lock here");
    return FsdRespond(Req, 204, NULL, NULL, "", 0);
}
