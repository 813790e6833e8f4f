/*
 * main.c - examples/sspi-echo:
 *   example-sspi-echo server (--unix PATH | --tcp PORT) [--package NAME] [--host] [--once]
 *   example-sspi-echo client (--unix PATH | --tcp PORT) [--package NAME] [--target NAME] [--message TEXT]
 * --package defaults to ntsec-local (which needs a Unix socket: over TCP the server refuses it
 * with SEC_E_INVALID_PARAMETER, the kernel knowing nothing of a TCP peer). --host: the server
 * turns on the euid host backend (root), so impersonating really switches the thread's ids.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "echo.h"

static int Usage(void)
{
    fprintf(stderr, "usage: example-sspi-echo server (--unix PATH | --tcp PORT) [--package NAME] [--host] [--once]\n"
                    "       example-sspi-echo client (--unix PATH | --tcp PORT) [--package NAME] [--target NAME] "
                    "[--message TEXT]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return Usage();
    ECHO_ENDPOINT e = {NULL, "127.0.0.1", -1};
    const char *package = "ntsec-local", *target = NULL, *message = "hello, sealed";
    int host = 0, once = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--unix") == 0 && i + 1 < argc)
            e.UnixPath = argv[++i];
        else if (strcmp(argv[i], "--tcp") == 0 && i + 1 < argc)
            e.Port = atoi(argv[++i]);
        else if (strcmp(argv[i], "--package") == 0 && i + 1 < argc)
            package = argv[++i];
        else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc)
            target = argv[++i];
        else if (strcmp(argv[i], "--message") == 0 && i + 1 < argc)
            message = argv[++i];
        else if (strcmp(argv[i], "--host") == 0)
            host = 1;
        else if (strcmp(argv[i], "--once") == 0)
            once = 1;
        else
            return Usage();
    }
    if ((e.UnixPath == NULL) == (e.Port < 0))
        return Usage();
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(argv[1], "server") == 0)
        return EchoServer(&e, package, host, once);
    if (strcmp(argv[1], "client") == 0)
        return EchoClient(&e, package, target, message);
    return Usage();
}
