/*
 * props.c - PROPFIND and PROPPATCH. Live properties are computed from stat and the lock
 * table; dead properties live in user.ntsec.dav.<16 hex digits> extended attributes (one
 * per property; the digits are the FNV-1a hash of "namespace\nname"), whose value is
 * "namespace\0name\0" followed by the property element serialized as its own XML document
 * (so namespaces and mixed content survive). They are read and written while the thread
 * impersonates the client, so the kernel's rules for user xattrs apply too.
 * Property {urn:ntsec:}security-descriptor is the object's descriptor in SDDL: reading it
 * needs READ_CONTROL; setting it WRITE_DAC (and WRITE_OWNER when the owner changes); it is
 * written by a system worker.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <libxml/tree.h>
#include "fsd.h"

#define FSD_NTSEC_NS "urn:ntsec:"

static const char *FsdpLive[] = {"creationdate", "getcontentlength", "getcontenttype", "getetag",
                                 "getlastmodified", "resourcetype", "lockdiscovery", "supportedlock"};
#define FSD_LIVE_COUNT (sizeof FsdpLive / sizeof FsdpLive[0])

static BOOLEAN FsdpIsLive(const char *Ns, const char *Name)
{
    if (strcmp(Ns, "DAV:") != 0)
        return FALSE;
    for (size_t i = 0; i < FSD_LIVE_COUNT; i++)
        if (strcmp(FsdpLive[i], Name) == 0)
            return TRUE;
    return FALSE;
}

/* An empty element {Ns}Name under Parent. */
static xmlNodePtr FsdpNamed(xmlNodePtr Parent, xmlNsPtr Dav, const char *Ns, const char *Name)
{
    if (strcmp(Ns, "DAV:") == 0)
        return xmlNewChild(Parent, Dav, BAD_CAST Name, NULL);
    xmlNodePtr n = xmlNewChild(Parent, NULL, BAD_CAST Name, NULL);
    if (*Ns)
        xmlSetNs(n, xmlNewNs(n, BAD_CAST Ns, NULL));
    return n;
}

static void FsdpIsoDate(time_t T, char *Buf, size_t Size, BOOLEAN Http)
{
    struct tm tm;
    gmtime_r(&T, &tm);
    strftime(Buf, Size, Http ? "%a, %d %b %Y %H:%M:%S GMT" : "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Adds live property Name of (Path, St) under Prop; FALSE if it has none. */
static BOOLEAN FsdpLiveValue(xmlNodePtr Prop, xmlNsPtr Dav, const char *Name, const char *Path,
                             const struct stat *St, BOOLEAN NameOnly)
{
    char buf[96];
    BOOLEAN dir = S_ISDIR(St->st_mode);
    if ((!strcmp(Name, "getcontentlength") || !strcmp(Name, "getcontenttype")) && dir)
        return FALSE;
    xmlNodePtr n = xmlNewChild(Prop, Dav, BAD_CAST Name, NULL);
    if (NameOnly)
        return TRUE;
    if (!strcmp(Name, "creationdate")) {
        FsdpIsoDate(St->st_ctime < St->st_mtime ? St->st_ctime : St->st_mtime, buf, sizeof buf, FALSE);
        xmlNodeAddContent(n, BAD_CAST buf);
    } else if (!strcmp(Name, "getcontentlength")) {
        snprintf(buf, sizeof buf, "%lld", (long long)St->st_size);
        xmlNodeAddContent(n, BAD_CAST buf);
    } else if (!strcmp(Name, "getcontenttype")) {
        xmlNodeAddContent(n, BAD_CAST FsdContentType(Path));
    } else if (!strcmp(Name, "getetag")) {
        FsdEtag(St, buf, sizeof buf);
        xmlNodeAddContent(n, BAD_CAST buf);
    } else if (!strcmp(Name, "getlastmodified")) {
        FsdpIsoDate(St->st_mtime, buf, sizeof buf, TRUE);
        xmlNodeAddContent(n, BAD_CAST buf);
    } else if (!strcmp(Name, "resourcetype")) {
        if (dir)
            xmlNewChild(n, Dav, BAD_CAST "collection", NULL);
    } else if (!strcmp(Name, "lockdiscovery")) {
        FsdLockDiscovery(Path, n, Dav);
    } else if (!strcmp(Name, "supportedlock")) {
        for (int i = 0; i < 2; i++) {
            xmlNodePtr e = xmlNewChild(n, Dav, BAD_CAST "lockentry", NULL);
            xmlNewChild(xmlNewChild(e, Dav, BAD_CAST "lockscope", NULL), Dav,
                        BAD_CAST(i ? "shared" : "exclusive"), NULL);
            xmlNewChild(xmlNewChild(e, Dav, BAD_CAST "locktype", NULL), Dav, BAD_CAST "write", NULL);
        }
    }
    return TRUE;
}

typedef struct _FSD_PROPFIND {
    FSD_REQ *Req;
    xmlDocPtr Out;
    xmlNodePtr Multi;
    xmlNsPtr Dav;
    int Mode;             /* 0 prop, 1 allprop, 2 propname */
    xmlNodePtr Wanted;    /* DAV:prop of the request */
    int Count;
    BOOLEAN TooMany;
    BOOLEAN Broken;       /* could not impersonate again during the walk */
    char *SdText;         /* for the request URI, if asked and allowed */
} FSD_PROPFIND;

/* Appends one <D:response> for Path (stat St, fd for xattrs; impersonating the client). */
static void FsdpResponse(FSD_PROPFIND *P, const char *Path, const struct stat *St, int Fd, BOOLEAN IsTarget)
{
    xmlNodePtr resp = xmlNewChild(P->Multi, P->Dav, BAD_CAST "response", NULL);
    char *href = FsdHref(Path, S_ISDIR(St->st_mode));
    xmlNewTextChild(resp, P->Dav, BAD_CAST "href", BAD_CAST href);
    free(href);
    xmlNodePtr ok = xmlNewChild(xmlNewChild(resp, P->Dav, BAD_CAST "propstat", NULL), P->Dav, BAD_CAST "prop", NULL);
    xmlNodePtr okStat = ok->parent;
    xmlNodePtr missing = NULL;
    char proc[64], list[65536];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", Fd);
    ssize_t ln = Fd >= 0 ? listxattr(proc, list, sizeof list) : -1;
    if (P->Mode != 0) {
        for (size_t i = 0; i < FSD_LIVE_COUNT; i++)
            FsdpLiveValue(ok, P->Dav, FsdpLive[i], Path, St, P->Mode == 2);
        for (ssize_t o = 0; ln > 0 && o < ln; o += (ssize_t)strlen(list + o) + 1) {
            if (strncmp(list + o, FSD_PROP_XATTR_PREFIX, strlen(FSD_PROP_XATTR_PREFIX)) != 0)
                continue;
            char val[65536];
            ssize_t vn = getxattr(proc, list + o, val, sizeof val);
            const char *ns, *name;
            xmlDocPtr d = vn > 0 ? FsdPropValueParse(val, (size_t)vn, &ns, &name) : NULL;
            if (d == NULL)
                continue;
            if (P->Mode == 2)
                FsdpNamed(ok, P->Dav, ns, name);
            else
                xmlAddChild(ok, xmlDocCopyNode(xmlDocGetRootElement(d), P->Out, 1));
            xmlFreeDoc(d);
        }
    } else {
        for (xmlNodePtr w = P->Wanted->children; w; w = w->next) {
            if (w->type != XML_ELEMENT_NODE)
                continue;
            const char *ns = FsdPropNs(w), *name = (const char *)w->name;
            BOOLEAN found = FALSE;
            if (FsdpIsLive(ns, name)) {
                found = FsdpLiveValue(ok, P->Dav, name, Path, St, FALSE);
            } else if (!strcmp(ns, FSD_NTSEC_NS) && !strcmp(name, "security-descriptor")) {
                if (IsTarget && P->SdText) {
                    FsdpNamed(ok, P->Dav, ns, name);
                    xmlNodeAddContent(ok->last, BAD_CAST P->SdText);
                    found = TRUE;
                }
            } else if (Fd >= 0) {
                char key[64], val[65536];
                FsdPropKey(ns, name, key, sizeof key);
                ssize_t vn = getxattr(proc, key, val, sizeof val);
                const char *sns, *sname;
                xmlDocPtr d = vn > 0 ? FsdPropValueParse(val, (size_t)vn, &sns, &sname) : NULL;
                if (d != NULL && !strcmp(sns, ns) && !strcmp(sname, name)) {
                    xmlAddChild(ok, xmlDocCopyNode(xmlDocGetRootElement(d), P->Out, 1));
                    found = TRUE;
                }
                if (d)
                    xmlFreeDoc(d);
            }
            if (!found) {
                if (missing == NULL)
                    missing = xmlNewChild(xmlNewChild(resp, P->Dav, BAD_CAST "propstat", NULL), P->Dav,
                                          BAD_CAST "prop", NULL);
                FsdpNamed(missing, P->Dav, ns, name);
            }
        }
    }
    xmlNewTextChild(okStat, P->Dav, BAD_CAST "status", BAD_CAST "HTTP/1.1 200 OK");
    if (missing)
        xmlNewTextChild(missing->parent, P->Dav, BAD_CAST "status", BAD_CAST "HTTP/1.1 404 Not Found");
    if (ok->children == NULL) {
        xmlUnlinkNode(okStat);
        xmlFreeNode(okStat);
    }
}

static void FsdpWalk(FSD_PROPFIND *P, const char *Path, int Depth)
{
    int dfd = FsdOpen(Path, O_RDONLY | O_DIRECTORY, 0);
    if (dfd < 0)
        return;
    DIR *d = fdopendir(dfd);
    if (d == NULL) {
        close(dfd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            !strncmp(e->d_name, FSD_TEMP_PREFIX, strlen(FSD_TEMP_PREFIX)))
            continue;
        if (++P->Count > FSD_MAX_DEPTH_ENTRIES) {
            P->TooMany = TRUE;
            break;
        }
        size_t n = strlen(Path) + strlen(e->d_name) + 2;
        char *child = malloc(n);
        snprintf(child, n, "%s%s%s", Path, *Path ? "/" : "", e->d_name);
        int fd = FsdOpenAt(dfd, e->d_name, O_PATH | O_NOFOLLOW, 0);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) == 0) {
            FsdpResponse(P, child, &st, S_ISLNK(st.st_mode) ? -1 : fd, FALSE);
            if (S_ISDIR(st.st_mode) && Depth != 1 && !P->TooMany) {
                /* Depth: infinity lists the member collection too: the NT layer checks
                 * FILE_LIST_DIRECTORY on it as it did on the request's target (as the
                 * server, then the client again; a failed switch back ends the walk). */
                FsdBecomeServer(P->Req->Conn);
                BOOLEAN list = FsdCheck(P->Req, fd, FILE_LIST_DIRECTORY, "list a member collection", NULL);
                if (!FsdBecomeClient(P->Req->Conn)) {
                    P->Broken = TRUE;
                    close(fd);
                    free(child);
                    break;
                }
                if (list)
                    FsdpWalk(P, child, Depth);
            }
        }
        if (fd >= 0)
            close(fd);
        free(child);
        if (P->TooMany || P->Broken)
            break;
    }
    closedir(d);
}

int FsdPropfind(FSD_REQ *Req)
{
    FSD_PROPFIND p;
    memset(&p, 0, sizeof p);
    p.Req = Req;
    int depth = FsdDepth(Req, -1), st;
    if (depth == -2)
        return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "bad Depth");
    xmlDocPtr in = NULL;
    p.Mode = 1;
    if (Req->BodyLen > 0) {
        in = FsdXmlParse(Req->Body, Req->BodyLen, &st);
        if (in == NULL)
            return FsdRespondError(Req, (unsigned)st, FSD_LAYER_HTTP, "bad XML body");
        xmlNodePtr root = xmlDocGetRootElement(in), c;
        if (!FsdXmlIs(root, "propfind")) {
            xmlFreeDoc(in);
            return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "not a propfind");
        }
        p.Mode = -1;
        for (c = root->children; c; c = c->next) {
            if (FsdXmlIs(c, "allprop")) p.Mode = 1;
            else if (FsdXmlIs(c, "propname")) p.Mode = 2;
            else if (FsdXmlIs(c, "prop")) { p.Mode = 0; p.Wanted = c; }
        }
        if (p.Mode < 0) {
            xmlFreeDoc(in);
            return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "empty propfind");
        }
    }
    int sfd = FsdOpen(Req->Path, O_PATH, 0);
    if (sfd < 0) {
        if (in) xmlFreeDoc(in);
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(-sfd), -sfd == EXDEV ? FSD_LAYER_PATH : FSD_LAYER_HTTP,
                               "not found");
    }
    struct stat sst;
    fstat(sfd, &sst);
    int r = FsdDenyNt(Req, sfd, FILE_READ_ATTRIBUTES, "read the attributes");
    if (r == 0 && S_ISDIR(sst.st_mode) && depth != 0)
        r = FsdDenyNt(Req, sfd, FILE_LIST_DIRECTORY, "list the collection");
    if (r != 0) {
        close(sfd);
        if (in) xmlFreeDoc(in);
        return r;
    }
    if (p.Mode == 0 && FsdCheck(Req, sfd, READ_CONTROL, "read the descriptor", NULL)) {
        PSECURITY_DESCRIPTOR sd;
        ULONG len;
        BOOLEAN stored;
        if (NT_SUCCESS(FsdGetSd(sfd, &sd, &len, &stored))) {
            PSTR text;
            if (NT_SUCCESS(NtsecSecurityDescriptorToSddl(sd, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                                         DACL_SECURITY_INFORMATION, &text))) {
                p.SdText = strdup(text);
                NtsecFree(text);
            }
            NtsecFree(sd);
        }
    }
    Req->Note[0] = 0;
    close(sfd);
    p.Out = xmlNewDoc(BAD_CAST "1.0");
    p.Multi = xmlNewNode(NULL, BAD_CAST "multistatus");
    p.Dav = xmlNewNs(p.Multi, BAD_CAST "DAV:", BAD_CAST "D");
    xmlSetNs(p.Multi, p.Dav);
    xmlDocSetRootElement(p.Out, p.Multi);
    if (!FsdBecomeClient(Req->Conn)) {
        xmlFreeDoc(p.Out);
        if (in) xmlFreeDoc(in);
        free(p.SdText);
        return FsdRespondError(Req, 500, FSD_LAYER_AUTH, "cannot impersonate");
    }
    int cfd = FsdOpen(Req->Path, O_PATH, 0);
    struct stat cst;
    int err = cfd < 0 ? -cfd : (fstat(cfd, &cst) ? errno : 0);
    if (err == 0) {
        FsdpResponse(&p, Req->Path, &cst, cfd, TRUE);
        if (S_ISDIR(cst.st_mode) && depth != 0)
            FsdpWalk(&p, Req->Path, depth);
    }
    if (cfd >= 0)
        close(cfd);
    FsdBecomeServer(Req->Conn);
    free(p.SdText);
    if (in) xmlFreeDoc(in);
    Req->Note[0] = 0;
    if (p.Broken) {
        xmlFreeDoc(p.Out);
        return FsdRespondError(Req, 500, FSD_LAYER_AUTH, "cannot impersonate");
    }
    if (err != 0) {
        xmlFreeDoc(p.Out);
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(err), FSD_LAYER_LINUX, strerror(err));
    }
    if (p.TooMany) {
        xmlFreeDoc(p.Out);
        static const char body[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                                   "<D:error xmlns:D=\"DAV:\"><D:propfind-finite-depth/></D:error>\n";
        return FsdRespond(Req, 403, FSD_LAYER_HTTP, "application/xml; charset=utf-8", body, sizeof body - 1);
    }
    r = FsdRespondXml(Req, 207, p.Out);
    xmlFreeDoc(p.Out);
    return r;
}

/* ---- PROPPATCH ---- */

VOID FsdCopyDeadProps(int From, int To)
{
    char list[65536], val[65536];
    ssize_t ln = flistxattr(From, list, sizeof list);
    for (ssize_t o = 0; ln > 0 && o < ln; o += (ssize_t)strlen(list + o) + 1) {
        if (strncmp(list + o, FSD_PROP_XATTR_PREFIX, strlen(FSD_PROP_XATTR_PREFIX)) != 0)
            continue;
        ssize_t vn = fgetxattr(From, list + o, val, sizeof val);
        if (vn >= 0)
            fsetxattr(To, list + o, val, (size_t)vn, 0);
    }
}

typedef struct _FSD_PATCH_OP {
    xmlNodePtr Prop;
    BOOLEAN Remove;
    int Status;
} FSD_PATCH_OP;

/*
 * FsdpSetSd - PROPPATCH of {urn:ntsec:}security-descriptor: the parts the SDDL names replace
 * those of the object's descriptor (SeSetSecurityDescriptorInfo rules). Needs WRITE_DAC for a
 * DACL, WRITE_OWNER for an owner or group, ACCESS_SYSTEM_SECURITY (SeSecurityPrivilege) for a
 * SACL; a new owner must be the client's user SID or an owner group of its token (or the
 * client holds SeRestorePrivilege): the rule is evaluated while the thread impersonates the
 * client. The merged descriptor is written by a system worker. Returns the property status.
 */
static int FsdpSetSd(FSD_REQ *Req, int Sfd, const char *Sddl)
{
    PSECURITY_DESCRIPTOR sd, cur = NULL, merged;
    ULONG len, curLen;
    BOOLEAN stored;
    if (!NT_SUCCESS(NtsecSddlToSecurityDescriptor(Sddl, &sd, &len)))
        return 409;
    SECURITY_INFORMATION info = 0;
    ACCESS_MASK need = 0;
    PSID sid;
    PACL acl;
    BOOLEAN def, present;
    if (NT_SUCCESS(RtlGetOwnerSecurityDescriptor(sd, &sid, &def)) && sid != NULL)
        info |= OWNER_SECURITY_INFORMATION, need |= WRITE_OWNER;
    if (NT_SUCCESS(RtlGetGroupSecurityDescriptor(sd, &sid, &def)) && sid != NULL)
        info |= GROUP_SECURITY_INFORMATION, need |= WRITE_OWNER;
    if (NT_SUCCESS(RtlGetDaclSecurityDescriptor(sd, &present, &acl, &def)) && present)
        info |= DACL_SECURITY_INFORMATION, need |= WRITE_DAC;
    if (NT_SUCCESS(RtlGetSaclSecurityDescriptor(sd, &present, &acl, &def)) && present)
        info |= SACL_SECURITY_INFORMATION, need |= ACCESS_SYSTEM_SECURITY;
    if (info == 0) {
        NtsecFree(sd);
        return 409;
    }
    if (!FsdCheck(Req, Sfd, need, "change the descriptor", NULL) ||
        !NT_SUCCESS(FsdGetSd(Sfd, &cur, &curLen, &stored))) {
        NtsecFree(sd);
        return 403;
    }
    merged = cur;
    if (!FsdBecomeClient(Req->Conn)) {
        NtsecFree(sd);
        NtsecFree(cur);
        return 500;
    }
    NTSTATUS st = SeSetSecurityDescriptorInfo(NULL, &info, sd, &merged, PagedPool,
                                              (PGENERIC_MAPPING)&SepFileMapping);
    FsdBecomeServer(Req->Conn);
    NtsecFree(sd);
    NtsecFree(cur);
    if (!NT_SUCCESS(st)) {
        snprintf(Req->Note, sizeof Req->Note, "change the descriptor: 0x%08X", (unsigned)st);
        return st == STATUS_INVALID_OWNER ? 403 : 409;
    }
    int r = NT_SUCCESS(FsdWriteSd(Sfd, merged, RtlLengthSecurityDescriptor(merged))) ? 200 : 500;
    ExFreePool(merged);
    return r;
}

int FsdProppatch(FSD_REQ *Req)
{
    int st;
    xmlDocPtr in = FsdXmlParse(Req->Body, Req->BodyLen, &st);
    if (in == NULL)
        return FsdRespondError(Req, (unsigned)st, FSD_LAYER_HTTP, "bad XML body");
    xmlNodePtr root = xmlDocGetRootElement(in);
    if (!FsdXmlIs(root, "propertyupdate")) {
        xmlFreeDoc(in);
        return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "not a propertyupdate");
    }
    FSD_PATCH_OP ops[256];
    int nops = 0;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        BOOLEAN rem = FsdXmlIs(c, "remove");
        if (!rem && !FsdXmlIs(c, "set"))
            continue;
        for (xmlNodePtr pr = c->children; pr; pr = pr->next) {
            if (!FsdXmlIs(pr, "prop"))
                continue;
            for (xmlNodePtr p = pr->children; p; p = p->next) {
                if (p->type != XML_ELEMENT_NODE)
                    continue;
                if (nops == 256) {
                    xmlFreeDoc(in);
                    return FsdRespondError(Req, 413, FSD_LAYER_HTTP, "too many properties");
                }
                ops[nops].Prop = p;
                ops[nops].Remove = rem;
                ops[nops].Status = 200;
                nops++;
            }
        }
    }
    int sfd = FsdOpen(Req->Path, O_PATH, 0);
    if (sfd < 0) {
        xmlFreeDoc(in);
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(-sfd), FSD_LAYER_HTTP, "not found");
    }
    int r = FsdDenyNt(Req, sfd, FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA, "set properties");
    if (r == 0 && (st = FsdCheckLocks(Req, Req->Path, FALSE, FALSE)) != 0)
        r = FsdRespondError(Req, (unsigned)st, FSD_LAYER_LOCK, "locked");
    if (r != 0) {
        close(sfd);
        xmlFreeDoc(in);
        return r;
    }
    BOOLEAN failed = FALSE;
    for (int i = 0; i < nops; i++) {
        const char *ns = FsdPropNs(ops[i].Prop), *name = (const char *)ops[i].Prop->name;
        if (FsdpIsLive(ns, name)) {
            ops[i].Status = 403;
            failed = TRUE;
        }
    }
    /* The descriptor (server side, worker write) before the client's dead properties. */
    for (int i = 0; i < nops && !failed; i++) {
        if (strcmp(FsdPropNs(ops[i].Prop), FSD_NTSEC_NS) || strcmp((const char *)ops[i].Prop->name, "security-descriptor"))
            continue;
        xmlChar *text = xmlNodeGetContent(ops[i].Prop);
        ops[i].Status = ops[i].Remove ? 403 : FsdpSetSd(Req, sfd, text ? (const char *)text : "");
        xmlFree(text);
        if (ops[i].Status != 200)
            failed = TRUE;
    }
    int err = 0;
    if (!failed) {
        if (!FsdBecomeClient(Req->Conn)) {
            close(sfd);
            xmlFreeDoc(in);
            return FsdRespondError(Req, 500, FSD_LAYER_AUTH, "cannot impersonate");
        }
        struct stat sst;
        fstat(sfd, &sst);
        int cfd = FsdOpen(Req->Path, O_RDONLY | O_NONBLOCK | (S_ISDIR(sst.st_mode) ? O_DIRECTORY : 0), 0);
        if (cfd < 0) {
            err = -cfd;
        } else if ((err = FsdSameFd(cfd, &sst)) != 0) {
            close(cfd);   /* the name was rebound after the NT check (sameobj.c) */
            cfd = -1;
        }
        for (int i = 0; i < nops && cfd >= 0; i++) {
            const char *ns = FsdPropNs(ops[i].Prop), *name = (const char *)ops[i].Prop->name;
            if (!strcmp(ns, FSD_NTSEC_NS) && !strcmp(name, "security-descriptor"))
                continue;
            char key[64];
            FsdPropKey(ns, name, key, sizeof key);
            if (ops[i].Remove) {
                if (fremovexattr(cfd, key) != 0 && errno != ENODATA)
                    ops[i].Status = FsdErrnoStatus(errno), failed = TRUE;
                continue;
            }
            size_t total = 0;
            char *val = FsdPropValueFormat(ops[i].Prop, &total);
            if (val == NULL) {
                ops[i].Status = 500;
                failed = TRUE;
            } else if (fsetxattr(cfd, key, val, total, 0) != 0) {
                ops[i].Status = errno == E2BIG || errno == ENOSPC ? 507 : FsdErrnoStatus(errno);
                failed = TRUE;
            }
            free(val);
        }
        if (cfd >= 0)
            close(cfd);
        FsdBecomeServer(Req->Conn);
    }
    close(sfd);
    if (err != 0) {
        xmlFreeDoc(in);
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(err), FSD_LAYER_OF(err), FSD_NOTE_OF(err));
    }
    xmlDocPtr out = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr multi = xmlNewNode(NULL, BAD_CAST "multistatus");
    xmlNsPtr dav = xmlNewNs(multi, BAD_CAST "DAV:", BAD_CAST "D");
    xmlSetNs(multi, dav);
    xmlDocSetRootElement(out, multi);
    xmlNodePtr resp = xmlNewChild(multi, dav, BAD_CAST "response", NULL);
    char *href = FsdHref(Req->Path, Req->TrailingSlash);
    xmlNewTextChild(resp, dav, BAD_CAST "href", BAD_CAST href);
    free(href);
    for (int i = 0; i < nops; i++) {
        int s = ops[i].Status == 200 && failed ? 424 : ops[i].Status;
        xmlNodePtr ps = xmlNewChild(resp, dav, BAD_CAST "propstat", NULL);
        FsdpNamed(xmlNewChild(ps, dav, BAD_CAST "prop", NULL), dav, FsdPropNs(ops[i].Prop),
                  (const char *)ops[i].Prop->name);
        char line[64];
        snprintf(line, sizeof line, "HTTP/1.1 %d %s", s,
                 s == 200 ? "OK" : s == 403 ? "Forbidden" : s == 424 ? "Failed Dependency" :
                 s == 507 ? "Insufficient Storage" : "Error");
        xmlNewTextChild(ps, dav, BAD_CAST "status", BAD_CAST line);
    }
    xmlFreeDoc(in);
    if (failed)
        Req->Layer = FSD_LAYER_LINUX;
    r = FsdRespondXml(Req, 207, out);
    xmlFreeDoc(out);
    return r;
}
