/*
 * propfind.c - PROPFIND (RFC 4918 section 9.1): depth 0, 1 and infinity (at most
 * FSD_MAX_DEPTH_ENTRIES members, FSD_PF_MAX_LEVEL levels), allprop, propname and prop.
 *
 * NT layer (docs/fsd.md, rights table): the target needs FILE_READ_ATTRIBUTES (its live
 * properties), a collection listed at depth 1 or infinity FILE_LIST_DIRECTORY (which also
 * gives its members' live properties, as a directory enumeration does on Windows), and
 * every resource whose dead properties (extended attributes, props.c) are returned
 * FILE_READ_EA on that resource. A dead property the client may not read is answered in a
 * 403 propstat (prop) or left out (allprop, propname: their names are extended-attribute
 * content too); the rest of the response is unaffected.
 *
 * Same object (sameobj.c): each check is made on an fd of the inode whose properties are
 * then read. The target is opened by the client and compared with the inode the server
 * checked (409 when the name was rebound); a collection's members are opened relative to
 * the collection's own fd (openat, O_NOFOLLOW) and the NT layer checks that fd, in batches
 * (one switch to the server and back per FSD_PF_BATCH members, none when nothing is to be
 * checked); a member collection is descended into through an fd opened relative to its
 * parent's and compared with the inode checked for FILE_LIST_DIRECTORY. No path is
 * resolved again from the root during the walk.
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

#define FSD_PF_BATCH     64   /* members checked per switch to the server */
#define FSD_PF_MAX_LEVEL 256  /* Depth: infinity nesting (each level holds one fd); deeper: 403 */

typedef struct _FSD_PROPFIND {
    FSD_REQ *Req;
    xmlDocPtr Out;
    xmlNodePtr Multi;
    xmlNsPtr Dav;
    int Mode;             /* 0 prop, 1 allprop, 2 propname */
    xmlNodePtr Wanted;    /* DAV:prop of the request */
    BOOLEAN WantDead;     /* dead properties may be returned: FILE_READ_EA is checked */
    int Count;
    BOOLEAN TooMany;
    BOOLEAN Broken;       /* could not impersonate again during the walk */
    char *SdText;         /* for the request URI, if asked and allowed */
    BOOLEAN SdDenied;     /* asked and not allowed (READ_CONTROL) */
} FSD_PROPFIND;

/* One member of a collection: the fd (O_PATH, opened by the client relative to the
 * collection's fd) is what the NT layer checks and whose properties are read. */
typedef struct _FSD_PF_ITEM {
    char *Name;
    struct stat St;
    int Fd;
    BOOLEAN ReadEa;       /* FILE_READ_EA granted */
    BOOLEAN List;         /* FILE_LIST_DIRECTORY granted and the walk descends */
} FSD_PF_ITEM;

typedef struct _FSD_PF_DEAD {
    FSD_PROPFIND *P;
    xmlNodePtr Ok;
} FSD_PF_DEAD;

/* One dead property into the 200 propstat (propname: only its name). */
static void FsdpDeadAdd(const char *Key, const char *Value, size_t Length, void *Context)
{
    FSD_PF_DEAD *c = Context;
    const char *ns, *name;
    xmlDocPtr d = Length > 0 ? FsdPropValueParse(Value, Length, &ns, &name) : NULL;
    if (d == NULL)
        return;
    if (c->P->Mode == 2)
        FsdPropNamed(c->Ok, c->P->Dav, ns, name);
    else
        xmlAddChild(c->Ok, xmlDocCopyNode(xmlDocGetRootElement(d), c->P->Out, 1));
    xmlFreeDoc(d);
}

/* Adds dead property {Ns}Name of Proc under Ok; FALSE if the resource has none. */
static BOOLEAN FsdpDeadOne(FSD_PROPFIND *P, xmlNodePtr Ok, const char *Proc, const char *Ns, const char *Name)
{
    char key[64], val[65536];
    FsdPropKey(Ns, Name, key, sizeof key);
    ssize_t vn = getxattr(Proc, key, val, sizeof val);
    const char *sns, *sname;
    xmlDocPtr d = vn > 0 ? FsdPropValueParse(val, (size_t)vn, &sns, &sname) : NULL;
    BOOLEAN found = d != NULL && !strcmp(sns, Ns) && !strcmp(sname, Name);
    if (found)
        xmlAddChild(Ok, xmlDocCopyNode(xmlDocGetRootElement(d), P->Out, 1));
    if (d)
        xmlFreeDoc(d);
    return found;
}

/* A propstat of Resp with an empty prop, its status added by FsdpCloseStat. */
static xmlNodePtr FsdpStat(FSD_PROPFIND *P, xmlNodePtr Resp)
{
    return xmlNewChild(xmlNewChild(Resp, P->Dav, BAD_CAST "propstat", NULL), P->Dav, BAD_CAST "prop", NULL);
}

static void FsdpCloseStat(FSD_PROPFIND *P, xmlNodePtr Prop, const char *Status)
{
    if (Prop == NULL)
        return;
    if (Prop->children == NULL) {
        xmlNodePtr ps = Prop->parent;
        xmlUnlinkNode(ps);
        xmlFreeNode(ps);
        return;
    }
    xmlNewTextChild(Prop->parent, P->Dav, BAD_CAST "status", BAD_CAST Status);
}

/*
 * Appends one <D:response> for Path (stat St; Fd for its extended attributes, -1 for none;
 * the thread impersonates the client, so the kernel checks the xattr reads as the client).
 * ReadEa: the NT layer granted FILE_READ_EA on Fd's inode.
 */
static void FsdpResponse(FSD_PROPFIND *P, const char *Path, const struct stat *St, int Fd, BOOLEAN IsTarget,
                         BOOLEAN ReadEa)
{
    xmlNodePtr resp = xmlNewChild(P->Multi, P->Dav, BAD_CAST "response", NULL);
    char *href = FsdHref(Path, S_ISDIR(St->st_mode));
    xmlNewTextChild(resp, P->Dav, BAD_CAST "href", BAD_CAST href);
    free(href);
    xmlNodePtr ok = FsdpStat(P, resp), missing = NULL, forbidden = NULL;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", Fd);
    if (P->Mode != 0) {
        for (size_t i = 0; i < FsdPropLiveCount; i++)
            FsdPropLiveValue(ok, P->Dav, FsdPropLive[i], Path, St, P->Mode == 2);
        FSD_PF_DEAD dead = {P, ok};
        if (Fd >= 0 && ReadEa)
            FsdForEachDeadProp(proc, FsdpDeadAdd, &dead);
    } else {
        for (xmlNodePtr w = P->Wanted->children; w; w = w->next) {
            if (w->type != XML_ELEMENT_NODE)
                continue;
            const char *ns = FsdPropNs(w), *name = (const char *)w->name;
            int found = 0;    /* 1 found, 0 missing, -1 forbidden */
            if (FsdPropIsLive(ns, name)) {
                found = FsdPropLiveValue(ok, P->Dav, name, Path, St, FALSE);
            } else if (!strcmp(ns, FSD_NTSEC_NS) && !strcmp(name, "security-descriptor")) {
                if (IsTarget && P->SdText) {
                    FsdPropNamed(ok, P->Dav, ns, name);
                    xmlNodeAddContent(ok->last, BAD_CAST P->SdText);
                    found = 1;
                } else if (IsTarget && P->SdDenied) {
                    found = -1;
                }
            } else if (Fd >= 0) {
                found = !ReadEa ? -1 : FsdpDeadOne(P, ok, proc, ns, name);
            }
            if (found == 0) {
                if (missing == NULL)
                    missing = FsdpStat(P, resp);
                FsdPropNamed(missing, P->Dav, ns, name);
            } else if (found < 0) {
                if (forbidden == NULL)
                    forbidden = FsdpStat(P, resp);
                FsdPropNamed(forbidden, P->Dav, ns, name);
            }
        }
    }
    FsdpCloseStat(P, ok, "HTTP/1.1 200 OK");
    FsdpCloseStat(P, forbidden, "HTTP/1.1 403 Forbidden");
    FsdpCloseStat(P, missing, "HTTP/1.1 404 Not Found");
}

/* The NT layer for a batch of members, as the server (one switch there and back, none when
 * nothing needs checking): FILE_READ_EA when dead properties may be returned, and
 * FILE_LIST_DIRECTORY on a member collection the walk would descend into. */
static void FsdpCheckBatch(FSD_PROPFIND *P, FSD_PF_ITEM *B, int N, BOOLEAN Descend)
{
    BOOLEAN need = FALSE;
    for (int i = 0; i < N; i++)
        if (!S_ISLNK(B[i].St.st_mode) && (P->WantDead || (Descend && S_ISDIR(B[i].St.st_mode))))
            need = TRUE;
    if (!need)
        return;
    FsdBecomeServer(P->Req->Conn);
    for (int i = 0; i < N; i++) {
        if (S_ISLNK(B[i].St.st_mode))
            continue;
        if (P->WantDead)
            B[i].ReadEa = FsdCheck(P->Req, B[i].Fd, FILE_READ_EA, "read a member's properties", NULL);
        if (Descend && S_ISDIR(B[i].St.st_mode))
            B[i].List = FsdCheck(P->Req, B[i].Fd, FILE_LIST_DIRECTORY, "list a member collection", NULL);
    }
    if (!FsdBecomeClient(P->Req->Conn))
        P->Broken = TRUE;
}

static char *FsdpChild(const char *Path, const char *Name)
{
    size_t n = strlen(Path) + strlen(Name) + 2;
    char *c = malloc(n);
    if (c)
        snprintf(c, n, "%s%s%s", Path, *Path ? "/" : "", Name);
    return c;
}

/*
 * FsdpWalk - the members of the collection DirFd (open for reading by the client, the inode
 * the NT layer allowed to list; consumed), as the client. Depth 1: its members; infinity:
 * also the members of each member collection the NT layer allows to list, each opened
 * relative to DirFd and compared with the inode checked.
 */
static void FsdpWalk(FSD_PROPFIND *P, int DirFd, const char *Path, int Depth, int Level)
{
    DIR *d = fdopendir(DirFd);
    if (d == NULL) {
        close(DirFd);
        return;
    }
    FSD_PF_ITEM batch[FSD_PF_BATCH];
    FSD_PF_ITEM *subs = NULL;
    size_t nsubs = 0, capsubs = 0;
    BOOLEAN eof = FALSE, descend = Depth != 1;
    while (!eof && !P->TooMany && !P->Broken) {
        int n = 0;
        struct dirent *e = NULL;
        while (n < FSD_PF_BATCH && (e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
                !strncmp(e->d_name, FSD_TEMP_PREFIX, strlen(FSD_TEMP_PREFIX)))
                continue;
            if (++P->Count > FSD_MAX_DEPTH_ENTRIES) {
                P->TooMany = TRUE;
                break;
            }
            int fd = FsdOpenAt(dirfd(d), e->d_name, O_PATH | O_NOFOLLOW, 0);
            if (fd < 0)
                continue;   /* gone meanwhile */
            memset(&batch[n], 0, sizeof batch[n]);
            if (fstat(fd, &batch[n].St) != 0 || (batch[n].Name = strdup(e->d_name)) == NULL) {
                close(fd);
                continue;
            }
            batch[n++].Fd = fd;
        }
        eof = e == NULL;
        FsdpCheckBatch(P, batch, P->TooMany ? 0 : n, descend);
        for (int i = 0; i < n; i++) {
            char *child = FsdpChild(Path, batch[i].Name);
            if (child != NULL && !P->TooMany && !P->Broken) {
                BOOLEAN link = S_ISLNK(batch[i].St.st_mode);
                FsdpResponse(P, child, &batch[i].St, link ? -1 : batch[i].Fd, FALSE, batch[i].ReadEa);
                if (batch[i].List && Level + 1 >= FSD_PF_MAX_LEVEL)
                    P->TooMany = TRUE;
                if (batch[i].List && !P->TooMany && nsubs == capsubs) {
                    size_t cap = capsubs ? capsubs * 2 : 16;
                    FSD_PF_ITEM *s = realloc(subs, cap * sizeof *s);
                    if (s != NULL)
                        subs = s, capsubs = cap;
                }
                if (batch[i].List && !P->TooMany && nsubs < capsubs) {
                    subs[nsubs] = batch[i];
                    subs[nsubs++].Name = batch[i].Name;
                    batch[i].Name = NULL;
                }
            }
            free(child);
            free(batch[i].Name);
            close(batch[i].Fd);
        }
    }
    for (size_t i = 0; i < nsubs; i++) {
        if (!P->TooMany && !P->Broken) {
            /* the member collection checked above, reached from this collection's fd */
            int sfd = FsdOpenAt(dirfd(d), subs[i].Name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
            char *child = FsdpChild(Path, subs[i].Name);
            if (sfd >= 0 && child != NULL && FsdSameFd(sfd, &subs[i].St) == 0) {
                FsdpWalk(P, sfd, child, Depth, Level + 1);
                sfd = -1;
            }
            if (sfd >= 0)
                close(sfd);   /* replaced since it was checked, or unreadable: not listed */
            free(child);
        }
        free(subs[i].Name);
    }
    free(subs);
    closedir(d);
}

/* Parses the request body into P (Mode, Wanted, WantDead). 0 or the status (400). */
static int FsdpParse(FSD_PROPFIND *P, xmlDocPtr *In)
{
    FSD_REQ *Req = P->Req;
    int st;
    *In = NULL;
    P->Mode = 1;
    P->WantDead = TRUE;
    if (Req->BodyLen == 0)
        return 0;
    if ((*In = FsdXmlParse(Req->Body, Req->BodyLen, &st)) == NULL)
        return st;
    xmlNodePtr root = xmlDocGetRootElement(*In), c;
    if (!FsdXmlIs(root, "propfind"))
        return 400;
    P->Mode = -1;
    for (c = root->children; c; c = c->next) {
        if (FsdXmlIs(c, "allprop")) P->Mode = 1;
        else if (FsdXmlIs(c, "propname")) P->Mode = 2;
        else if (FsdXmlIs(c, "prop")) { P->Mode = 0; P->Wanted = c; }
    }
    if (P->Mode < 0)
        return 400;
    if (P->Mode == 0) {
        P->WantDead = FALSE;
        for (c = P->Wanted->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            const char *ns = FsdPropNs(c);
            if (!FsdPropIsLive(ns, (const char *)c->name) &&
                !(!strcmp(ns, FSD_NTSEC_NS) && !strcmp((const char *)c->name, "security-descriptor")))
                P->WantDead = TRUE;
        }
    }
    return 0;
}

/* The descriptor property of the target, if asked for: SDDL when READ_CONTROL is granted. */
static void FsdpTargetSd(FSD_PROPFIND *P, int Sfd)
{
    if (P->Mode != 0)
        return;
    BOOLEAN asked = FALSE;
    for (xmlNodePtr c = P->Wanted->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp(FsdPropNs(c), FSD_NTSEC_NS) &&
            !strcmp((const char *)c->name, "security-descriptor"))
            asked = TRUE;
    if (!asked)
        return;
    if (!FsdCheck(P->Req, Sfd, READ_CONTROL, "read the descriptor", NULL)) {
        P->SdDenied = TRUE;
        return;
    }
    PSECURITY_DESCRIPTOR sd;
    ULONG len;
    BOOLEAN stored;
    if (NT_SUCCESS(FsdGetSd(Sfd, &sd, &len, &stored))) {
        PSTR text;
        if (NT_SUCCESS(NtsecSecurityDescriptorToSddl(sd, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                                     DACL_SECURITY_INFORMATION, &text))) {
            P->SdText = strdup(text);
            NtsecFree(text);
        }
        NtsecFree(sd);
    }
}

/* As the client: the target (compared with the checked inode Checked) and its members. */
static int FsdpCollect(FSD_PROPFIND *P, const struct stat *Checked, int Depth, BOOLEAN ReadEa)
{
    FSD_REQ *Req = P->Req;
    int cfd = FsdOpen(Req->Path, O_PATH, 0);
    int err = cfd < 0 ? -cfd : FsdSameFd(cfd, Checked);
    if (err == 0) {
        FsdpResponse(P, Req->Path, Checked, cfd, TRUE, ReadEa);
        if (S_ISDIR(Checked->st_mode) && Depth != 0) {
            /* "." of the checked inode itself: the Linux layer's read check, no new lookup */
            int dfd = FsdOpenAt(cfd, "", O_RDONLY | O_DIRECTORY, 0);
            if (dfd < 0)
                err = -dfd;
            else
                FsdpWalk(P, dfd, Req->Path, Depth, 0);
        }
    }
    if (cfd >= 0)
        close(cfd);
    return err;
}

int FsdPropfind(FSD_REQ *Req)
{
    FSD_PROPFIND p;
    memset(&p, 0, sizeof p);
    p.Req = Req;
    int depth = FsdDepth(Req, -1);
    if (depth == -2)
        return FsdRespondError(Req, 400, FSD_LAYER_HTTP, "bad Depth");
    xmlDocPtr in = NULL;
    int st = FsdpParse(&p, &in);
    if (st != 0) {
        if (in) xmlFreeDoc(in);
        return FsdRespondError(Req, (unsigned)st, FSD_LAYER_HTTP, "bad propfind body");
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
    BOOLEAN readEa = p.WantDead && FsdCheck(Req, sfd, FILE_READ_EA, "read the properties", NULL);
    FsdpTargetSd(&p, sfd);
    close(sfd);
    p.Out = xmlNewDoc(BAD_CAST "1.0");
    p.Multi = xmlNewNode(NULL, BAD_CAST "multistatus");
    p.Dav = xmlNewNs(p.Multi, BAD_CAST "DAV:", BAD_CAST "D");
    xmlSetNs(p.Multi, p.Dav);
    xmlDocSetRootElement(p.Out, p.Multi);
    int err = 0;
    if (!FsdBecomeClient(Req->Conn)) {
        p.Broken = TRUE;
    } else {
        err = FsdpCollect(&p, &sst, depth, readEa);
        FsdBecomeServer(Req->Conn);
    }
    free(p.SdText);
    if (in) xmlFreeDoc(in);
    Req->Note[0] = 0;   /* the notes of member checks: their refusals are in the body */
    if (p.Broken || err != 0 || p.TooMany)
        xmlFreeDoc(p.Out);
    if (p.Broken)
        return FsdRespondError(Req, 500, FSD_LAYER_AUTH, "cannot impersonate");
    if (err != 0)
        return FsdRespondError(Req, (unsigned)FsdErrnoStatus(err), FSD_LAYER_OF(err), FSD_NOTE_OF(err));
    if (p.TooMany) {
        static const char body[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                                   "<D:error xmlns:D=\"DAV:\"><D:propfind-finite-depth/></D:error>\n";
        return FsdRespond(Req, 403, FSD_LAYER_HTTP, "application/xml; charset=utf-8", body, sizeof body - 1);
    }
    r = FsdRespondXml(Req, 207, p.Out);
    xmlFreeDoc(p.Out);
    return r;
}
