/*
 * harness.h - the scene the tests/wdk re-creations run in: tokens, processes, client
 * threads and a check macro. The driver-style code of tests/wdk/test_*.c includes only
 * <ntifs.h>, this header and fsdstubs.h; harness.c (which may use ntsec.h) builds the scene.
 */
#ifndef WDK_HARNESS_H
#define WDK_HARNESS_H

#include <ntifs.h>

/* A token from ntsec's token text (docs/token-text.md); the caller owns the reference. */
PACCESS_TOKEN WdkToken(PCSTR Text);
/* A process whose primary token is Token (a new reference); caller owns the process. */
PEPROCESS WdkProcess(PACCESS_TOKEN Token);
/* Runs Routine(Context) on a new thread of Process and waits for it. */
VOID WdkRunThread(PEPROCESS Process, PKSTART_ROUTINE Routine, PVOID Context);
/* A one-shot event in place of a KEVENT (ntsec models no dispatcher objects). */
typedef struct _WDK_EVENT { PVOID Opaque[12]; } WDK_EVENT;
VOID WdkEventInit(WDK_EVENT *Event);
VOID WdkEventSet(WDK_EVENT *Event);
VOID WdkEventWait(WDK_EVENT *Event);
/* The reference count of an object (leak checks). */
LONG_PTR WdkReferences(PVOID Object);
/* Pool blocks allocated so far on this thread (to show "nothing allocated"). */
ULONG WdkAllocations(VOID);
/* Number of failed checks; main returns it. */
extern ULONG WdkFailures;

#define WDK_CHECK(cond)                                                                  \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            DbgPrint("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);            \
            WdkFailures++;                                                               \
        }                                                                                \
    } while (0)
#define WDK_CHECK_STATUS(expr, want)                                                     \
    do {                                                                                 \
        NTSTATUS wdk_st_ = (expr);                                                       \
        if (wdk_st_ != (NTSTATUS)(want)) {                                               \
            DbgPrint("%s:%d: %s returned 0x%08X, expected 0x%08X\n", __FILE__, __LINE__, \
                     #expr, (ULONG)wdk_st_, (ULONG)(want));                              \
            WdkFailures++;                                                               \
        }                                                                                \
    } while (0)

/* End of a test main: a leak check of everything the test made, then the verdict. */
int WdkFinish(PCSTR Name);

#endif /* WDK_HARNESS_H */
