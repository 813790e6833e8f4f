/*
 * vfp.h - verifier internals shared by the files of src/verifier (not used elsewhere).
 *
 * report.c   formats one finding and delivers it (handler, stderr, fatal mode)
 * objects.c  live-object list, creation stacks, poison + quarantine, leak report
 * contexts.c subject/client context tracking (address-keyed table, see VfpTable*)
 * threads.c  disable/restore pairing, thread exit and work items returning impersonating
 * hints.c    the downgrade hint for access checks failing at Identification/Anonymous level
 */
#ifndef NTSEC_VFP_H
#define NTSEC_VFP_H

#include <pthread.h>
#include "ntsec.h"
#include "ob/obp.h"
#include "verifier/vf.h"

#define VFP_STACK_DEPTH 16
#define VFP_STACK_TEXT 2048

/* Captures the caller's stack (skipping Skip innermost frames). Returns the depth. */
ULONG VfpCaptureStack(PVOID *Frames, ULONG Max, ULONG Skip);

/* Formats Frames as "    #0 symbol\n..." into Buffer (always NUL-terminated). */
VOID VfpFormatStack(PVOID const *Frames, ULONG Depth, PSTR Buffer, SIZE_T Size);

/*
 * VfpDeliver - delivers one finding: counts it, then calls the installed handler, or
 * prints it to stderr (and aborts in fatal mode for an error). CreationStack may be NULL
 * or "". The misuse stack is captured here. Message is the paragraph body.
 */
VOID VfpDeliver(NTSEC_VERIFIER_FINDING Kind, NTSEC_VERIFIER_SEVERITY Severity, PCSTR Routine,
                PVOID Object, PCSTR ObjectType, PCSTR CreationStack, PCSTR Message);

/* "Token 0x... (token (SeCopyClientToken), 2 references)" for an ntsec object. */
VOID VfpDescribeObject(PVOID Object, PSTR Buffer, SIZE_T Size);
VOID VfpDescribeHeldObject(PVOID Object, LONG_PTR Held, PSTR Buffer, SIZE_T Size);

/* The creation stack of an ntsec object (live or quarantined) as text; "" if unknown. */
VOID VfpObjectCreationStack(PVOID Object, PSTR Buffer, SIZE_T Size);

/*
 * Address-keyed record table (contexts.c, threads.c). One mutex per table; records are
 * pool blocks. Only used while the verifier is on.
 */
typedef struct _VFP_RECORD {
    struct _VFP_RECORD *Next;
    PVOID Key;
    PVOID Owner;          /* e.g. the thread for a disable record */
    PVOID Token;          /* client contexts: the ClientToken the context holds a reference on */
    ULONG State;
    LONG LockDepth;
    ULONG StackDepth;     /* where it was captured/created */
    PVOID Stack[VFP_STACK_DEPTH];
    ULONG EndDepth;       /* where it was released/deleted */
    PVOID EndStack[VFP_STACK_DEPTH];
} VFP_RECORD, *PVFP_RECORD;

/* VfpObjectAlive - FALSE when Object is a tracked object that has been deleted (quarantined);
 * TRUE for a live object and for anything the verifier does not track. Takes the object lock. */
BOOLEAN VfpObjectAlive(PVOID Object);

#define VFP_TABLE_BUCKETS 256

typedef struct _VFP_TABLE {
    pthread_mutex_t Lock;
    PVFP_RECORD Buckets[VFP_TABLE_BUCKETS];
    ULONG Count;
} VFP_TABLE, *PVFP_TABLE;

/* Under Table->Lock: the record for Key (and Owner, when Owner != NULL), or NULL. */
PVFP_RECORD VfpTableFind(PVFP_TABLE Table, PVOID Key, PVOID Owner);
/* Under Table->Lock: a new zeroed record for Key, or NULL when out of memory. */
PVFP_RECORD VfpTableInsert(PVFP_TABLE Table, PVOID Key, PVOID Owner);
/* Under Table->Lock: unlinks and frees Record. */
VOID VfpTableRemove(PVFP_TABLE Table, PVFP_RECORD Record);
/* Under Table->Lock: frees every record for which Predicate returns TRUE (NULL: all). */
VOID VfpTablePurge(PVFP_TABLE Table, BOOLEAN (*Predicate)(PVFP_RECORD Record));

/* Resets the context/thread tables (verifier turned off). */
VOID VfpResetContexts(VOID);
VOID VfpResetThreads(VOID);
ULONG VfpReportContextLeaks(VOID);

#endif /* NTSEC_VFP_H */
