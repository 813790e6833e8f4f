/*
 * obp.h - private object manager interface: object headers, types, creation.
 *
 * Every ntsec object (token, process, thread, device) is a body preceded by an
 * OBJECT_HEADER that carries its type, an atomic pointer count and the tag of the
 * routine that created it (for the verifier's leak report).
 */
#ifndef NTSEC_OBP_H
#define NTSEC_OBP_H

#include <stdatomic.h>
#include "ntifs.h"
#include "verifier/vf.h"

/*
 * Thread-local state read on hot paths (the current thread, allocation counters) uses the
 * initial-exec TLS model: one %fs-relative load instead of a __tls_get_addr call in
 * libntsec.so. The few bytes come from glibc's static TLS reserve, which also covers a
 * dlopen'ed libntsec.
 */
#define NTSEC_HOT_TLS __thread __attribute__((tls_model("initial-exec")))

/*
 * An object type, as NT's OBJECT_TYPE_INITIALIZER describes it to Ob: the component that owns
 * the type says what Ob needs to know of it (its generic mapping, where its descriptor is),
 * so Ob names no type of a layer above it (docs/layers.md).
 */
struct _OBJECT_TYPE {
    PCSTR Name;                       /* "Token", "Process", "Thread", "Device" */
    VOID (*DeleteProcedure)(PVOID Object); /* runs at pointer count zero, before the free */
    const GENERIC_MAPPING *GenericMapping; /* ZwSetSecurityObject's; NULL: the process one */
    SIZE_T SecurityDescriptorOffset;  /* 0: the header's slot; else the body offset of the
                                         type's own pointer (DEVICE_OBJECT.SecurityDescriptor) */
};

#define OBP_HEADER_MAGIC 0x6448624fUL /* 'ObHd' */
#define OBP_FREED_MAGIC 0x64656546UL  /* 'Feed': freed, poisoned and quarantined */
#define OBP_STACK_DEPTH 12

/*
 * The header every object carries (48 bytes). What only the verifier needs - the live list,
 * the address table's chain, the creation stack - is in an OBJECT_HEADER_VERIFIER in front
 * of the header, allocated only for an object created while the verifier is on
 * (OBP_FLAG_VERIFIER_PART); an object created with the verifier off has none (issue 15 s6).
 */
typedef struct _OBJECT_HEADER {
    ULONG Magic;
    ULONG Flags;
    POBJECT_TYPE Type;
    _Atomic LONG_PTR PointerCount;
    PCSTR CreatorTag;                 /* e.g. "token (SeCopyClientToken)" */
    SIZE_T BodySize;
    PSECURITY_DESCRIPTOR SecurityDescriptor; /* shared descriptor (sdcache.c) or NULL; under
                                                ObpSecurityLock (objsec.c); devices keep theirs
                                                in DEVICE_OBJECT.SecurityDescriptor */
    _Alignas(16) UCHAR Body[];
} OBJECT_HEADER, *POBJECT_HEADER;

typedef struct _OBJECT_HEADER_VERIFIER {
    LIST_ENTRY TrackLinks;            /* verifier: live-object list */
    struct _OBJECT_HEADER *VfHashNext; /* verifier: address lookup (live and quarantined) */
    ULONG CreationDepth;
    PVOID CreationStack[OBP_STACK_DEPTH];
} OBJECT_HEADER_VERIFIER, *POBJECT_HEADER_VERIFIER;

_Static_assert(sizeof(OBJECT_HEADER_VERIFIER) % 16 == 0, "the header after it stays 16-byte aligned");

#define OBP_FLAG_TRACKED 0x1        /* on the verifier's live list */
#define OBP_FLAG_VERIFIER_PART 0x2  /* an OBJECT_HEADER_VERIFIER precedes the header */

/* The verifier part of h (only when h->Flags & OBP_FLAG_VERIFIER_PART). */
#define OBJECT_HEADER_TO_VERIFIER(h) ((POBJECT_HEADER_VERIFIER)(h) - 1)
/* The start of h's allocation. */
#define OBJECT_HEADER_ALLOCATION(h) \
    ((h)->Flags & OBP_FLAG_VERIFIER_PART ? (PVOID)OBJECT_HEADER_TO_VERIFIER(h) : (PVOID)(h))

#define OBJECT_TO_OBJECT_HEADER(o) CONTAINING_RECORD((o), OBJECT_HEADER, Body)

extern NTSEC_HIDDEN OBJECT_TYPE ObpTokenType;
extern NTSEC_HIDDEN OBJECT_TYPE ObpProcessType;
extern NTSEC_HIDDEN OBJECT_TYPE ObpThreadType;

/*
 * ObpCreateObject - allocate a zeroed object body of BodySize bytes of type Type.
 * On success *Object holds the body with a pointer count of one, owned by the caller.
 * CreatorTag is a static string naming what the object is for.
 * Returns STATUS_SUCCESS or STATUS_NO_MEMORY (nothing allocated).
 */
NTSTATUS ObpCreateObject(POBJECT_TYPE Type, SIZE_T BodySize, PCSTR CreatorTag, PVOID *Object);

/* TRUE iff Object is a live object of type Type. Takes no reference. */
static inline BOOLEAN ObpIsObjectOfType(PVOID Object, POBJECT_TYPE Type)
{
    if (Object == NULL)
        return FALSE;
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    return h->Magic == OBP_HEADER_MAGIC && h->Type == Type;
}

/* Reports a wrong object type to the verifier (when on); always returns FALSE. */
BOOLEAN ObpReportTypeMismatch(PVOID Object, POBJECT_TYPE Type, PCSTR Routine);

/*
 * ObpHeaderReadable - with the verifier on: TRUE iff Object's header may be read, i.e. Object
 * is an object the verifier tracks (live or quarantined) or, when objects created while the
 * verifier was off are still alive, a fault-safe probe (process_vm_readv) finds an object
 * header there. Reads no memory at Object itself. Takes no reference. issue 9 item 7,
 * docs/verifier.md "Pointers that are not objects".
 */
BOOLEAN ObpHeaderReadable(PVOID Object);

/* The verifier's form of ObpCheckType: looks Object up before reading its header. */
BOOLEAN ObpVerifiedCheckType(PVOID Object, POBJECT_TYPE Type, PCSTR Routine);

/*
 * ObpCheckType - TRUE iff Object is a live object of type Type; otherwise reports a
 * verifier finding naming Routine (when the verifier is on) and returns FALSE.
 * Takes no reference. Inline: it guards every public entry point.
 *
 * Without the verifier it reads the header in front of Object, so Object must be NULL or
 * point into readable memory at least sizeof(OBJECT_HEADER) bytes past its start: a pointer
 * that is no ntsec object is undefined behaviour (it may fault, e.g. at the start of a
 * mapping; docs/verifier.md). With the verifier it looks the pointer up first.
 */
static inline BOOLEAN ObpCheckType(PVOID Object, POBJECT_TYPE Type, PCSTR Routine)
{
    if (__builtin_expect(VfIsEnabled(), 0))
        return ObpVerifiedCheckType(Object, Type, Routine);
    if (__builtin_expect(ObpIsObjectOfType(Object, Type), 1))
        return TRUE;
    return ObpReportTypeMismatch(Object, Type, Routine);
}

/*
 * ObpReferenceObjectFast / ObpDereferenceObjectFast - ObfReferenceObject and
 * ObfDereferenceObject for a pointer the caller knows is a live object (it holds a
 * reference, or checked the type): inline, one atomic RMW, the verifier's checks and the
 * deletion out of line. Same references as the Obf forms.
 */
VOID ObpDereferenceObjectSlow(PVOID Object, LONG_PTR NewCount);

/* The counts alone, for callers that tested VfIsEnabled() themselves (it is off). */
static inline VOID ObpIncrementPointerCount(PVOID Object)
{
    atomic_fetch_add_explicit(&OBJECT_TO_OBJECT_HEADER(Object)->PointerCount, 1, memory_order_relaxed);
}

static inline VOID ObpDecrementPointerCount(PVOID Object)
{
    LONG_PTR before = atomic_fetch_sub_explicit(&OBJECT_TO_OBJECT_HEADER(Object)->PointerCount, 1,
                                                memory_order_acq_rel);
    if (__builtin_expect(before <= 1, 0)) /* the old value compared: one instruction fewer */
        ObpDereferenceObjectSlow(Object, before - 1);
}

static inline VOID ObpReferenceObjectFast(PVOID Object)
{
    if (__builtin_expect(VfIsEnabled(), 0))
        (VOID)ObfReferenceObject(Object);
    else
        ObpIncrementPointerCount(Object);
}

static inline VOID ObpDereferenceObjectFast(PVOID Object)
{
    if (__builtin_expect(VfIsEnabled(), 0))
        (VOID)ObfDereferenceObject(Object);
    else
        ObpDecrementPointerCount(Object);
}

/* Name of the object's type, or "not an object". */
PCSTR ObpTypeName(PVOID Object);

/* Shared security descriptors (src/ob/sdcache.c). ObpReleaseSecurityDescriptor releases
 * Count references when SecurityDescriptor is a shared one (TRUE; *Underflow when it had
 * fewer), else does nothing and returns FALSE. ObpSecurityDescriptorReferences: the count,
 * or -1 for a descriptor that is not in the table. */
BOOLEAN ObpReleaseSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, ULONG Count,
                                     PBOOLEAN Underflow);
LONG_PTR ObpSecurityDescriptorReferences(PSECURITY_DESCRIPTOR SecurityDescriptor);
/* Object security (src/ob/objsec.c): releases the object's shared descriptor at deletion. */
VOID ObpDeleteObjectSecurity(POBJECT_HEADER Header);
/*
 * The security method ZwQuerySecurityObject / ZwSetSecurityObject build descriptors with
 * (NT's OBJECT_TYPE_INITIALIZER.SecurityProcedure, SeDefaultObjectMethod): se's
 * SeQuerySecurityDescriptorInfo and SeSetSecurityDescriptorInfoEx, and the check
 * ObOpenObjectByPointer makes for UserMode opens, registered by the init
 * sequence (src/ex/init.c), so ob does not call up into se (docs/layers.md). Until one is
 * registered (a call from another constructor, before the library's) both
 * routines return STATUS_INTERNAL_ERROR. ObpRegisterSecurityMethods keeps
 * the pointer (static storage); a reader loads it once per use.
 */
typedef struct _OBP_SECURITY_METHODS {
    NTSTATUS (*Query)(PSECURITY_INFORMATION SecurityInformation,
                      PSECURITY_DESCRIPTOR SecurityDescriptor, PULONG Length,
                      PSECURITY_DESCRIPTOR *ObjectsSecurityDescriptor);
    NTSTATUS (*Set)(PVOID Object, PSECURITY_INFORMATION SecurityInformation,
                    PSECURITY_DESCRIPTOR ModificationDescriptor,
                    PSECURITY_DESCRIPTOR *ObjectsSecurityDescriptor, ULONG AutoInheritFlags,
                    POOL_TYPE PoolType, PGENERIC_MAPPING GenericMapping);
    /* The UserMode check of an open of an object whose descriptor is SecurityDescriptor
     * (se's SepCheckObjectOpen, src/se/objectopen.c; contract in sep.h). */
    NTSTATUS (*CheckOpen)(PSECURITY_DESCRIPTOR SecurityDescriptor, PACCESS_STATE PassedAccessState,
                          ACCESS_MASK DesiredAccess, PGENERIC_MAPPING GenericMapping,
                          PACCESS_MASK GrantedAccess);
} OBP_SECURITY_METHODS;
VOID ObpRegisterSecurityMethods(const OBP_SECURITY_METHODS *Methods);
/* ObpCheckOpenAccess (src/ob/objsec.c) - the access an open of Object is granted, in
 * *GrantedAccess (the handle's access). The access asked is PassedAccessState's remaining
 * access, or DesiredAccess without one. KernelMode, or an object without a descriptor:
 * granted as asked (generic bits mapped, MAXIMUM_ALLOWED as GenericAll). UserMode:
 * the security method's CheckOpen (SeAccessCheck against the object's descriptor
 * for the access state's subject: the caller's, captured, when none is passed); a refusal
 * returns its status, and STATUS_INTERNAL_ERROR before the init sequence registered it. Granted bits move
 * from RemainingDesiredAccess to PreviouslyGrantedAccess of a passed access state. */
NTSTATUS ObpCheckOpenAccess(PVOID Object, PACCESS_STATE PassedAccessState, ACCESS_MASK DesiredAccess,
                            KPROCESSOR_MODE AccessMode, PACCESS_MASK GrantedAccess);

/* Handle table (src/ob/handle.c): closes every kernel handle (NtsecShutdown). */
VOID ObpCloseAllHandles(VOID);
/* pthread_atfork handlers of the handle table lock (src/ex/fork.c). */
VOID ObpForkPrepare(VOID);
VOID ObpForkParent(VOID);
VOID ObpForkChild(VOID);

#endif /* NTSEC_OBP_H */
