/*
 * subjects.c - tokens and idle threads for the benchmarks' set-up (see subjects.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "subjects.h"

PACCESS_TOKEN BenchTokenWithGroups(const char *User, int Groups, const char *Extra)
{
    char text[8192];
    int len = snprintf(text, sizeof text, "user=%s groups=", User);
    for (int g = 0; g < Groups; g++)
        len += snprintf(text + len, sizeof text - len, "%sS-1-5-21-7-7-7-%d", g ? "," : "", 5000 + g);
    snprintf(text + len, sizeof text - len, " integrity=ME %s", Extra);
    PACCESS_TOKEN t = NULL;
    if (NtsecCreateTokenFromText(text, &t) != 0) {
        fprintf(stderr, "token text: %s\n", NtsecLastErrorText());
        exit(1);
    }
    return t;
}

static pthread_mutex_t IdleLock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t IdleCond = PTHREAD_COND_INITIALIZER;
static int IdleQuit;

VOID BenchIdle(PVOID Context)
{
    (void)Context;
    pthread_mutex_lock(&IdleLock);
    while (!IdleQuit)
        pthread_cond_wait(&IdleCond, &IdleLock);
    pthread_mutex_unlock(&IdleLock);
}

void BenchIdleRelease(void)
{
    pthread_mutex_lock(&IdleLock);
    IdleQuit = 1;
    pthread_cond_broadcast(&IdleCond);
    pthread_mutex_unlock(&IdleLock);
}

void BenchIdleRearm(void)
{
    pthread_mutex_lock(&IdleLock);
    IdleQuit = 0;
    pthread_mutex_unlock(&IdleLock);
}
