/*
 * props.c - properties: the live ones (computed from stat and the lock table; shared with
 * PROPFIND, propfind.c) and PROPPATCH. Dead properties live in user.ntsec.dav.<16 hex digits> extended attributes (one
 * per property; the digits are the FNV-1a hash of "namespace\nname"), whose value is
 * "namespace\0name\0" followed by the property element serialized as its own XML document
 * (so namespaces and mixed content survive). They are read and written while the thread
 * impersonates the client, so the kernel's rules for user xattrs apply too.
 * Property {urn:ntsec:}security-descriptor is the object's descriptor in SDDL: reading it
 * needs READ_CONTROL; setting it WRITE_DAC (and WRITE_OWNER when the owner changes); it is
 * written by a system worker.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <libxml/tree.h>
#include "fsd.h"

const char *const FsdPropLive[] = {"creationdate", "getcontentlength", "getcontenttype", "getetag",
                                   "getlastmodified", "resourcetype", "lockdiscovery", "supportedlock"};
const size_t FsdPropLiveCount = sizeof FsdPropLive / sizeof FsdPropLive[0];

BOOLEAN FsdPropIsLive(const char *Ns, const char *Name)
{
    if (strcmp(Ns, "DAV:") != 0)
        return FALSE;
    for (size_t i = 0; i < FsdPropLiveCount; i++)
        if (strcmp(FsdPropLive[i], Name) == 0)
            return TRUE;
    return FALSE;
}

/* An empty element {Ns}Name under Parent. */
xmlNodePtr FsdPropNamed(xmlNodePtr Parent, xmlNsPtr Dav, const char *Ns, const char *Name)
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
BOOLEAN FsdPropLiveValue(xmlNodePtr Prop, xmlNsPtr Dav, const char *Name, const char *Path,
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

/* ---- PROPPATCH ---- */

/* FsdForEachDeadProp - calls Fn for each dead property (user.ntsec.dav.* attribute) of the
 * object Proc names ("/proc/self/fd/N": O_PATH fds have no flistxattr), with its attribute
 * name and stored value, as the calling thread (impersonating or not). */
VOID FsdForEachDeadProp(const char *Proc, FSD_DEAD_PROP_FN Fn, void *Context)
{
    char list[65536], val[65536];
    ssize_t ln = listxattr(Proc, list, sizeof list);
    for (ssize_t o = 0; ln > 0 && o < ln; o += (ssize_t)strlen(list + o) + 1) {
        if (strncmp(list + o, FSD_PROP_XATTR_PREFIX, strlen(FSD_PROP_XATTR_PREFIX)) != 0)
            continue;
        ssize_t vn = getxattr(Proc, list + o, val, sizeof val);
        if (vn >= 0)
            Fn(list + o, val, (size_t)vn, Context);
    }
}

static void FsdpCopyOne(const char *Key, const char *Value, size_t Length, void *Context)
{
    fsetxattr(*(int *)Context, Key, Value, Length, 0);
}

VOID FsdCopyDeadProps(int From, int To)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", From);
    FsdForEachDeadProp(proc, FsdpCopyOne, &To);
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
                                              IoGetFileObjectGenericMapping());
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
        if (FsdPropIsLive(ns, name)) {
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
        FsdPropNamed(xmlNewChild(ps, dav, BAD_CAST "prop", NULL), dav, FsdPropNs(ops[i].Prop),
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
