/*
 * echo.h - examples/sspi-echo: a server and a client that authenticate through SSPI over a
 * Unix socket or TCP on 127.0.0.1 (README.md in this folder). The package is a command-line
 * option; the same code runs every package (multi-leg handshakes included).
 */
#ifndef SSPI_ECHO_H
#define SSPI_ECHO_H

#include <stddef.h>
#include "ntifs.h"
#include "ntsec.h"
#include "sspi.h"

#define ECHO_MAX_FRAME 65536

/* Server reply frames during the handshake: first byte. */
#define ECHO_CONTINUE 'T' /* a token follows; the client calls InitializeSecurityContextW again */
#define ECHO_DONE     'D' /* authenticated; an optional final token follows */
#define ECHO_ERROR    'E' /* 4 bytes: the server's SECURITY_STATUS */

/* Where to listen or connect. */
typedef struct {
    const char *UnixPath; /* or NULL */
    const char *Host;     /* TCP: 127.0.0.1 by default */
    int Port;             /* TCP port (server: 0 picks one and prints it) */
} ECHO_ENDPOINT;

int EchoSendFrame(int Fd, const void *Data, ULONG Length);
long EchoReadFrame(int Fd, void *Data, ULONG Capacity); /* -1 at EOF or on a bad frame */
void EchoString(SECURITY_STRING *String, WCHAR *Buffer, size_t Capacity, const char *Text);
/* Seals Data (Length bytes) and sends trailer + ciphertext as one frame. */
SECURITY_STATUS EchoSendSealed(int Fd, PCtxtHandle Context, const void *Data, ULONG Length, ULONG Trailer);
/* Receives one sealed frame and decrypts it into Out (NUL-terminated); returns its length or -1. */
long EchoReadSealed(int Fd, PCtxtHandle Context, char *Out, ULONG Capacity, ULONG Trailer, SECURITY_STATUS *Status);

int EchoServer(const ECHO_ENDPOINT *Endpoint, const char *Package, int Host, int Once);
int EchoClient(const ECHO_ENDPOINT *Endpoint, const char *Package, const char *Target, const char *Message);

#endif
