/* wire.c - frames (4-byte big-endian length, then the bytes) and sealed messages. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "echo.h"

static int EchoReadFull(int Fd, void *Data, size_t Length)
{
    size_t done = 0;
    while (done < Length) {
        ssize_t n = read(Fd, (char *)Data + done, Length - done);
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

int EchoSendFrame(int Fd, const void *Data, ULONG Length)
{
    uint32_t be = htonl(Length);
    if (write(Fd, &be, 4) != 4)
        return -1;
    return Length == 0 || write(Fd, Data, Length) == (ssize_t)Length ? 0 : -1;
}

long EchoReadFrame(int Fd, void *Data, ULONG Capacity)
{
    uint32_t be;
    if (EchoReadFull(Fd, &be, 4) != 0)
        return -1;
    ULONG length = ntohl(be);
    if (length > Capacity || EchoReadFull(Fd, Data, length) != 0)
        return -1;
    return (long)length;
}

void EchoString(SECURITY_STRING *String, WCHAR *Buffer, size_t Capacity, const char *Text)
{
    size_t n = Text ? strlen(Text) : 0;
    if (n > Capacity)
        n = Capacity;
    for (size_t i = 0; i < n; i++)
        Buffer[i] = (WCHAR)(unsigned char)Text[i];
    String->Buffer = Buffer;
    String->Length = String->MaximumLength = (USHORT)(n * sizeof(WCHAR));
}

SECURITY_STATUS EchoSendSealed(int Fd, PCtxtHandle Context, const void *Data, ULONG Length, ULONG Trailer)
{
    static unsigned char frame[ECHO_MAX_FRAME];
    if (Trailer + Length > sizeof(frame))
        return SEC_E_BUFFER_TOO_SMALL;
    memcpy(frame + Trailer, Data, Length);
    SecBuffer b[2] = {{Trailer, SECBUFFER_TOKEN, frame}, {Length, SECBUFFER_DATA, frame + Trailer}};
    SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
    SECURITY_STATUS st = EncryptMessage(Context, 0, &d, 0);
    if (st != SEC_E_OK)
        return st;
    /* the trailer may come back shorter than its maximum: keep it, then the data */
    memmove(frame + b[0].cbBuffer, frame + Trailer, b[1].cbBuffer);
    unsigned char header[4];
    header[0] = (unsigned char)(b[0].cbBuffer >> 24);
    header[1] = (unsigned char)(b[0].cbBuffer >> 16);
    header[2] = (unsigned char)(b[0].cbBuffer >> 8);
    header[3] = (unsigned char)b[0].cbBuffer;
    static unsigned char out[ECHO_MAX_FRAME + 4];
    memcpy(out, header, 4);
    memcpy(out + 4, frame, b[0].cbBuffer + b[1].cbBuffer);
    return EchoSendFrame(Fd, out, 4 + b[0].cbBuffer + b[1].cbBuffer) == 0 ? SEC_E_OK : SEC_E_INTERNAL_ERROR;
}

long EchoReadSealed(int Fd, PCtxtHandle Context, char *Out, ULONG Capacity, ULONG Trailer, SECURITY_STATUS *Status)
{
    static unsigned char frame[ECHO_MAX_FRAME + 4];
    *Status = SEC_E_INVALID_TOKEN;
    long n = EchoReadFrame(Fd, frame, sizeof(frame));
    if (n < 4)
        return -1;
    ULONG trailer = ((ULONG)frame[0] << 24) | ((ULONG)frame[1] << 16) | ((ULONG)frame[2] << 8) | frame[3];
    if (trailer > (ULONG)n - 4 || (ULONG)n - 4 - trailer + 1 > Capacity)
        return -1;
    ULONG length = (ULONG)n - 4 - trailer;
    SecBuffer b[2] = {{trailer, SECBUFFER_TOKEN, frame + 4}, {length, SECBUFFER_DATA, frame + 4 + trailer}};
    SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
    *Status = DecryptMessage(Context, &d, 0, NULL);
    if (*Status != SEC_E_OK)
        return -1;
    memcpy(Out, b[1].pvBuffer, b[1].cbBuffer);
    Out[b[1].cbBuffer] = 0;
    (void)Trailer;
    return (long)b[1].cbBuffer;
}
