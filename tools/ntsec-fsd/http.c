/*
 * http.c - the libmicrohttpd glue: one FSD_CONN per connection (authenticated once when
 * it is accepted), one FSD_REQ per request, dispatch by method, responses, and the
 * structured log line of every request:
 *   fsd: user="DOMAIN\\user (SID)" uid=N method=M path=/P status=S layer=L us=MICROSECONDS note="..."
 * Each daemon runs a few worker threads (main.c FsdpStart); a connection stays on the thread
 * that accepted it, so every request of a connection runs on that thread, which impersonates
 * the connection's client for each file operation (and may keep it: auth_local.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fsd.h"
#include "logline.h"

volatile long FsdInFlight; /* requests begun and not completed (shutdown waits for 0) */

const char *FsdHeader(FSD_REQ *Req, const char *Name)
{
    return MHD_lookup_connection_value(Req->Mhd, MHD_HEADER_KIND, Name);
}

int FsdDepth(FSD_REQ *Req, int Default)
{
    const char *d = FsdHeader(Req, "Depth");
    if (d == NULL)
        return Default;
    if (strcmp(d, "0") == 0) return 0;
    if (strcmp(d, "1") == 0) return 1;
    if (strcasecmp(d, "infinity") == 0) return -1;
    return -2;
}

int FsdRespondResponse(FSD_REQ *Req, unsigned Status, struct MHD_Response *Resp)
{
    if (Resp == NULL)
        return MHD_NO;
    if (Req->Conn && Req->Conn->Authenticated)
        MHD_add_response_header(Resp, "X-Ntsec-Served-As",
                                FsdConfig.BenchNoImpersonation ? FSD_BENCH_SERVED_AS : Req->Conn->Identity);
    if (Req->AuthReply != NULL) {
        char *h = malloc(strlen(Req->AuthReply) + 12);
        if (h != NULL) {
            sprintf(h, "Negotiate %s", Req->AuthReply);
            MHD_add_response_header(Resp, "WWW-Authenticate", h);
            free(h);
        }
    }
    if (Req->Status == 0)
        Req->Status = (int)Status;
    else
        Req->Status = (int)Status;
    if (Req->Layer == NULL)
        Req->Layer = Status >= 400 ? FSD_LAYER_HTTP : FSD_LAYER_NONE;
    Req->Responded = TRUE;
    int r = MHD_queue_response(Req->Mhd, Status, Resp);
    MHD_destroy_response(Resp);
    return r;
}

int FsdRespond(FSD_REQ *Req, unsigned Status, const char *Layer, const char *ContentType,
               const char *Body, size_t Length)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(Length, (void *)Body, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    if (ContentType)
        MHD_add_response_header(r, "Content-Type", ContentType);
    if (Layer && Status >= 400)
        Req->Layer = Layer;
    return FsdRespondResponse(Req, Status, r);
}

int FsdRespondError(FSD_REQ *Req, unsigned Status, const char *Layer, const char *Text)
{
    char body[512];
    int n = snprintf(body, sizeof body, "%u %s\n", Status, Text ? Text : "");
    if (Text)
        snprintf(Req->Note, sizeof Req->Note, "%s", Text);
    return FsdRespond(Req, Status, Layer, "text/plain; charset=utf-8", body, (size_t)n);
}

/* ---- connections ---- */

void FsdNotifyConnection(void *Cls, struct MHD_Connection *Connection, void **SocketContext,
                         enum MHD_ConnectionNotificationCode Toe)
{
    BOOLEAN tcp = Cls != NULL;
    if (Toe == MHD_CONNECTION_NOTIFY_STARTED) {
        FSD_CONN *c = malloc(sizeof *c);
        if (c == NULL) {
            *SocketContext = NULL;
            return;
        }
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(Connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        FsdAuthenticateConnection(c, info ? info->connect_fd : -1, tcp);
        *SocketContext = c;
    } else if (Toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        FSD_CONN *c = *SocketContext;
        if (c != NULL) {
            FsdReleaseConnection(c);
            free(c);
        }
        *SocketContext = NULL;
    }
}

static FSD_CONN *FsdpConnOf(struct MHD_Connection *Connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(Connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? (FSD_CONN *)info->socket_context : NULL;
}

size_t FsdUnescape(void *Cls, struct MHD_Connection *Connection, char *S)
{
    return strlen(S);   /* path.c decodes, so it can see encoded slashes and NULs */
}

static int FsdpDispatch(FSD_REQ *Req)
{
    const char *m = Req->Method;
    if (Req->BodyTooBig)
        return FsdRespondError(Req, 413, FSD_LAYER_HTTP, "request body too large");
    if (!strcmp(m, "GET")) return FsdGet(Req, FALSE);
    if (!strcmp(m, "HEAD")) return FsdGet(Req, TRUE);
    if (!strcmp(m, "PUT")) return FsdPutEnd(Req);
    if (!strcmp(m, "DELETE")) return FsdDelete(Req);
    if (!strcmp(m, "MKCOL")) return FsdMkcol(Req);
    if (!strcmp(m, "OPTIONS")) return FsdOptions(Req);
    if (!strcmp(m, "COPY")) return FsdCopyMove(Req, FALSE);
    if (!strcmp(m, "MOVE")) return FsdCopyMove(Req, TRUE);
    if (!strcmp(m, "PROPFIND")) return FsdPropfind(Req);
    if (!strcmp(m, "PROPPATCH")) return FsdProppatch(Req);
    if (!strcmp(m, "LOCK")) return FsdLock(Req);
    if (!strcmp(m, "UNLOCK")) return FsdUnlock(Req);
    return FsdRespondError(Req, 501, FSD_LAYER_HTTP, "method not implemented");
}

enum MHD_Result FsdHandler(void *Cls, struct MHD_Connection *Connection, const char *Url,
                           const char *Method, const char *Version, const char *UploadData,
                           size_t *UploadSize, void **ConCls)
{
    FSD_REQ *req = *ConCls;
    /* The thread may still keep a client from a GET (FsdKeepClient, ops_get.c): every call
     * for any other method starts as the server; a GET or HEAD chooses in FsdGet. */
    if (strcmp(Method, "GET") != 0 && strcmp(Method, "HEAD") != 0)
        FsdStopKeeping();
    if (req == NULL) {
        req = calloc(1, sizeof *req);
        if (req == NULL)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &req->Start);
        req->Mhd = Connection;
        req->Conn = FsdpConnOf(Connection);
        req->Method = Method;
        req->Url = strdup(Url);
        req->PutFd = req->PutDirFd = -1;
        *ConCls = req;
        __atomic_add_fetch(&FsdInFlight, 1, __ATOMIC_SEQ_CST);
        if (req->Conn != NULL && req->Conn->Tcp && !req->Conn->Authenticated && FsdNegotiateEnabled()) {
            FsdStopKeeping();   /* the handshake (keytab, replay cache) as the server */
            int st = FsdNegotiate(req);
            if (st == 401 && FsdHeader(req, "Authorization") == NULL && FsdAuthenticateGuest(req->Conn))
                st = 0;
            if (st == 400)
                return (enum MHD_Result)FsdRespondError(req, 400, FSD_LAYER_AUTH, req->Note);
            if (st != 0) {
                struct MHD_Response *r = MHD_create_response_from_buffer(17, (void *)"401 unauthorized\n",
                                                                         MHD_RESPMEM_PERSISTENT);
                if (req->AuthReply == NULL)
                    MHD_add_response_header(r, "WWW-Authenticate", "Negotiate");
                req->Layer = FSD_LAYER_AUTH;
                return (enum MHD_Result)FsdRespondResponse(req, 401, r);
            }
        }
        if (req->Conn == NULL || !req->Conn->Authenticated) {
            if (req->Conn && req->Conn->Tcp) {
                struct MHD_Response *r = MHD_create_response_from_buffer(17, (void *)"401 unauthorized\n",
                                                                         MHD_RESPMEM_PERSISTENT);
                MHD_add_response_header(r, "WWW-Authenticate", "Negotiate");
                req->Layer = FSD_LAYER_AUTH;
                snprintf(req->Note, sizeof req->Note, "%s", req->Conn->AuthError);
                return (enum MHD_Result)FsdRespondResponse(req, 401, r);
            }
            return (enum MHD_Result)FsdRespondError(req, 403, FSD_LAYER_AUTH,
                                                    req->Conn ? req->Conn->AuthError : "no connection");
        }
        req->PathStatus = FsdDecodePath(Url, &req->Path, &req->TrailingSlash);
        if (req->PathStatus != 0)
            return (enum MHD_Result)FsdRespondError(req, (unsigned)req->PathStatus, FSD_LAYER_PATH,
                                                    "bad request path");
        if (strcmp(Method, "PUT") == 0)
            return (enum MHD_Result)FsdPutBegin(req);
        const char *cl = FsdHeader(req, "Content-Length");
        if (cl != NULL && strtoull(cl, NULL, 10) > FSD_MAX_BODY)
            return (enum MHD_Result)FsdRespondError(req, 413, FSD_LAYER_HTTP, "request body too large");
        return MHD_YES;
    }
    if (*UploadSize != 0) {
        if (req->Responded) {
            *UploadSize = 0;
            return MHD_YES;
        }
        if (strcmp(Method, "PUT") == 0) {
            int r = FsdPutData(req, UploadData, *UploadSize);
            *UploadSize = 0;
            return (enum MHD_Result)r;
        }
        if (req->BodyLen + *UploadSize > FSD_MAX_BODY) {
            req->BodyTooBig = TRUE;
        } else {
            if (req->BodyLen + *UploadSize + 1 > req->BodyCap) {
                size_t cap = (req->BodyLen + *UploadSize + 1) * 2;
                char *b = realloc(req->Body, cap);
                if (b == NULL)
                    return MHD_NO;
                req->Body = b;
                req->BodyCap = cap;
            }
            memcpy(req->Body + req->BodyLen, UploadData, *UploadSize);
            req->BodyLen += *UploadSize;
            req->Body[req->BodyLen] = 0;
        }
        *UploadSize = 0;
        return MHD_YES;
    }
    if (req->Responded)
        return MHD_YES;
    return (enum MHD_Result)FsdpDispatch(req);
}

void FsdCompleted(void *Cls, struct MHD_Connection *Connection, void **ConCls,
                  enum MHD_RequestTerminationCode Toe)
{
    FSD_REQ *req = *ConCls;
    if (req == NULL)
        return;
    FsdPutAbort(req);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long us = (now.tv_sec - req->Start.tv_sec) * 1000000LL + (now.tv_nsec - req->Start.tv_nsec) / 1000;
    if (Toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && req->Status == 0)
        snprintf(req->Note, sizeof req->Note, "connection ended before a response (%d)", (int)Toe);
    char line[FSD_MAX_PATH + 2048];   /* the path, the principal, the note and the rest */
    FSD_LOG_FIELDS f = {
        .Principal = req->Conn && req->Conn->Authenticated ? req->Conn->Principal : "-",
        .Uid = req->Conn ? req->Conn->PeerUid : -1L,
        .Method = req->Method,
        .Path = req->Path ? req->Path : "?",
        .Status = req->Status,
        .Layer = req->Layer ? req->Layer : "-",
        .Us = us,
        .Kept = req->Kept,
        .Note = req->Note};
    FsdLogLine(line, FsdFormatLogLine(&f, line, sizeof line));
    FsdAudit(req);
    free(req->Body);
    free(req->Path);
    free(req->Url);
    free(req->PutName);
    free(req->AuthReply);
    FsdInoFree(&req->Deletable);
    free(req);
    *ConCls = NULL;
    __atomic_sub_fetch(&FsdInFlight, 1, __ATOMIC_SEQ_CST);
}
