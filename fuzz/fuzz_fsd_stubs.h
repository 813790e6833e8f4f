/*
 * fuzz_fsd_stubs.h - what the ntsec-fsd files under fuzz (path.c, locks.c, xml.c,
 * propvalue.c) need from the rest of the server, fail closed: no response is ever queued,
 * no impersonation happens, every access check denies. Headers come from a table the target
 * fills. Included by exactly one translation unit per fuzz target.
 */
#ifndef NTSEC_FUZZ_FSD_STUBS_H
#define NTSEC_FUZZ_FSD_STUBS_H
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fsd.h"

FSD_CONFIG FsdConfig = {.RootFd = -1};
static const char *FuzzHeaderName[8], *FuzzHeaderValue[8];

const char *FsdHeader(FSD_REQ *Req, const char *Name)
{
    for (int i = 0; i < 8 && FuzzHeaderName[i]; i++)
        if (strcasecmp(FuzzHeaderName[i], Name) == 0)
            return FuzzHeaderValue[i];
    return NULL;
}
int FsdDepth(FSD_REQ *Req, int Default) { return Default; }
int FsdRespondResponse(FSD_REQ *Req, unsigned Status, struct MHD_Response *Resp)
{
    if (Resp) MHD_destroy_response(Resp);
    Req->Status = (int)Status;
    return MHD_YES;
}
int FsdRespond(FSD_REQ *Req, unsigned Status, const char *Layer, const char *ContentType,
               const char *Body, size_t Length) { Req->Status = (int)Status; return MHD_YES; }
int FsdRespondError(FSD_REQ *Req, unsigned Status, const char *Layer, const char *Text)
{ Req->Status = (int)Status; return MHD_YES; }
BOOLEAN FsdCheck(FSD_REQ *Req, int Fd, ACCESS_MASK Desired, const char *What, char **Explain)
{ if (Explain) *Explain = NULL; return FALSE; }
int FsdDenyNt(FSD_REQ *Req, int Fd, ACCESS_MASK Desired, const char *What) { return MHD_YES; }
BOOLEAN FsdBecomeClient(FSD_CONN *Conn) { return FALSE; }
VOID FsdBecomeServer(FSD_CONN *Conn) {}
NTSTATUS FsdInheritSd(FSD_REQ *Req, int ParentFd, int NewFd, BOOLEAN IsDir) { return STATUS_ACCESS_DENIED; }
void FsdEtag(const struct stat *St, char *Buf, size_t Size)
{
    snprintf(Buf, Size, "\"%llx-%llx\"", (unsigned long long)St->st_ino, (unsigned long long)St->st_size);
}

/* An empty served root (the If header's ETag look-ups open paths beneath it). */
static inline void FuzzFsdRoot(void)
{
    if (FsdConfig.RootFd >= 0)
        return;
    char tmpl[] = "/tmp/fuzz-fsd.XXXXXX";
    if (mkdtemp(tmpl) != NULL)
        FsdConfig.RootFd = open(tmpl, O_PATH | O_DIRECTORY | O_CLOEXEC);
}
#endif
