/*
 * ntsec_verifier.h - the verifier: findings, handler, leak checks, pool usage.
 * Included by ntsec.h; see ntsec.h for the library-wide rules (buffers from Ntsec*
 * routines are freed with NtsecFree).
 */
#ifndef NTSEC_NTSEC_VERIFIER_H
#define NTSEC_NTSEC_VERIFIER_H

#include "ntifs.h"
#include "ntsec_token.h"

NTSEC_EXTERN_C_BEGIN

/* ---- Verifier ---- */
/* Flags for NtsecEnableVerifier (docs/verifier.md). 0 turns the verifier off. */
#define NTSEC_VERIFIER_ENABLED 0x1   /* every check, quarantine of freed objects */
#define NTSEC_VERIFIER_FATAL   0x2   /* an error finding with no handler installed aborts
                                        (env NTSEC_VERIFIER_FATAL=1; for CI) */

typedef enum _NTSEC_VERIFIER_FINDING {
    NtsecFindingOther = 0,
    NtsecFindingWrongObjectType,          /* e.g. a process where a token is expected (D24) */
    NtsecFindingNotAnObject,              /* a pointer that is no ntsec object at all */
    NtsecFindingReferenceLeak,            /* object alive at shutdown */
    NtsecFindingDereferenceBelowZero,     /* released a reference after the last one */
    NtsecFindingUseAfterFree,             /* used after its last reference was released */
    NtsecFindingThreadExitImpersonating,
    NtsecFindingWorkItemImpersonating,    /* a work routine returned impersonating (0xDF) */
    NtsecFindingSubjectContextLeak,       /* captured, never released */
    NtsecFindingSubjectContextDoubleRelease,
    NtsecFindingSubjectContextReleaseLocked,
    NtsecFindingClientContextLeak,        /* created, never deleted */
    NtsecFindingClientContextDoubleDelete,
    NtsecFindingClientContextUseAfterDelete,
    NtsecFindingRestoreWithoutDisable,
    NtsecFindingDowngradedAccessCheck,    /* hint: failed because of an Identification/Anonymous level */
    NtsecFindingPoolTagMismatch,          /* ExFreePoolWithTag with another tag than the block's */
    NtsecFindingBadPoolBlock,             /* freeing memory that is no live pool block */
    NtsecFindingPoolInUse,                /* hint: pool blocks still live at a leak check, by tag */
    NtsecFindingNullArgument,             /* a required pointer was NULL in a routine with no status
                                             to return (before the NTSEC_NULL_ARGUMENT bug check) */
    NtsecFindingMaximum
} NTSEC_VERIFIER_FINDING;

typedef enum _NTSEC_VERIFIER_SEVERITY {
    NtsecSeverityError = 0,               /* a bug in the caller */
    NtsecSeverityHint = 1                 /* legal but probably not what the caller meant */
} NTSEC_VERIFIER_SEVERITY;

/* One finding. Every string is valid only during the handler call. */
typedef struct _NTSEC_VERIFIER_REPORT {
    NTSEC_VERIFIER_FINDING Kind;
    NTSEC_VERIFIER_SEVERITY Severity;
    PCSTR KindName;        /* "wrong object type", ... */
    PCSTR Routine;         /* where the misuse was seen ("SeReleaseSubjectContext") */
    PVOID Object;          /* the object or context concerned, or NULL */
    PCSTR ObjectType;      /* "Token", "Process", "Thread", "Device", "subject context", ... */
    PCSTR Message;         /* the one-paragraph report (what, which object, where) */
    PCSTR CreationStack;   /* backtrace text where the object was created ("" if unknown) */
    PCSTR MisuseStack;     /* backtrace text where the misuse was seen ("" if none) */
} NTSEC_VERIFIER_REPORT, *PNTSEC_VERIFIER_REPORT;

typedef VOID (*NTSEC_VERIFIER_HANDLER)(const NTSEC_VERIFIER_REPORT *Report, PVOID Context);

/* Turns the verifier on (Flags != 0) or off (0). Equivalent to NTSEC_VERIFIER=1 at load. */
NTSEC_API VOID NtsecEnableVerifier(ULONG Flags);
NTSEC_API ULONG NtsecVerifierFlags(VOID);
/* Installs the report hook (NULL restores the default: stderr). Reports go to the handler
 * instead of stderr. The handler may run on any thread and must not call back into the
 * verifier's setup routines. */
NTSEC_API VOID NtsecSetVerifierHandler(NTSEC_VERIFIER_HANDLER Handler, PVOID Context);
/* Findings reported since load (every kind and severity). */
NTSEC_API ULONG NtsecVerifierFindingCount(VOID);
/* Reports every live tracked object, unreleased subject context and undeleted client
 * context now (as NtsecShutdown does) and returns how many were reported. */
NTSEC_API ULONG NtsecVerifierCheckLeaks(VOID);
NTSEC_API PCSTR NtsecVerifierFindingName(NTSEC_VERIFIER_FINDING Kind);
/* Pool blocks of Tag allocated while the verifier was on and not yet freed; *Bytes (may be
 * NULL) their total size. Diagnostics and tests; takes no reference. */
NTSEC_API LONG_PTR NtsecPoolBlocksInUse(ULONG Tag, PSIZE_T Bytes);

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTSEC_VERIFIER_H */
