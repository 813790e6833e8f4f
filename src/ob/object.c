/*
 * object.c - object creation, reference counting and type checks (Ob*).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "ntsec.h"
#include "ob/obp.h"
#include "ex/exp.h"
#include "verifier/vf.h"
#include "ex/pooltags.h"

static const GENERIC_MAPPING ObpTokenMapping = { TOKEN_READ, TOKEN_WRITE, TOKEN_EXECUTE,
                                                 TOKEN_ALL_ACCESS };

OBJECT_TYPE ObpTokenType = { .Name = "Token", .GenericMapping = &ObpTokenMapping };
OBJECT_TYPE ObpProcessType = { .Name = "Process" };
OBJECT_TYPE ObpThreadType = { .Name = "Thread" };

static POBJECT_TYPE ObpTokenTypePointer = &ObpTokenType;
static POBJECT_TYPE ObpProcessTypePointer = &ObpProcessType;
static POBJECT_TYPE ObpThreadTypePointer = &ObpThreadType;

/*
 * Link anchor, not a call: naming the init sequence (src/ex/init.c) makes the static
 * archive's linker pull it in with the object manager, so its constructor runs in every
 * program that uses ntsec objects.
 */
VOID ExpInitializeLibrary(VOID);
__attribute__((used)) static VOID (*const ObpInitializeLibraryAnchor)(VOID) = ExpInitializeLibrary;

POBJECT_TYPE *SeTokenObjectType = &ObpTokenTypePointer;
POBJECT_TYPE *PsProcessType = &ObpProcessTypePointer;
POBJECT_TYPE *PsThreadType = &ObpThreadTypePointer;

/* Live objects created while the verifier was off (not in its address table). */
static _Atomic LONG_PTR ObpUntrackedObjects;

/*
 * ObpCreateObject - see obp.h. The new object's single reference belongs to the caller.
 */
NTSTATUS ObpCreateObject(POBJECT_TYPE Type, SIZE_T BodySize, PCSTR CreatorTag, PVOID *Object)
{
    *Object = NULL;
    /* Whole cache lines of their own (ExpAllocatePoolLines): two objects never share a line,
     * so threads working on different tokens and threads do not slow each other down. The
     * verifier's part goes in front only while it is on (obp.h). */
    BOOLEAN verified = VfIsEnabled();
    SIZE_T extra = verified ? sizeof(OBJECT_HEADER_VERIFIER) : 0;
    PUCHAR block = ExpAllocatePoolLines(extra + sizeof(OBJECT_HEADER) + BodySize, OBP_OBJECT_TAG);
    if (block == NULL)
        return STATUS_NO_MEMORY;
    POBJECT_HEADER h = (POBJECT_HEADER)(block + extra);
    h->Magic = OBP_HEADER_MAGIC;
    h->Type = Type;
    h->CreatorTag = CreatorTag;
    h->BodySize = BodySize;
    atomic_init(&h->PointerCount, 1);
    if (verified) {
        h->Flags = OBP_FLAG_VERIFIER_PART;
        VfObjectCreated(h);
    } else {
        atomic_fetch_add_explicit(&ObpUntrackedObjects, 1, memory_order_relaxed);
    }
    *Object = h->Body;
    return STATUS_SUCCESS;
}

/*
 * ObpDeleteObject - runs the type's delete procedure and frees the object
 * (or, with the verifier on, poisons and quarantines it).
 */
static VOID ObpDeleteObject(POBJECT_HEADER h)
{
    if (h->Type->DeleteProcedure != NULL)
        h->Type->DeleteProcedure(h->Body);
    ObpDeleteObjectSecurity(h);
    if (h->Flags & OBP_FLAG_TRACKED) {
        if (VfObjectDeleting(h))
            return; /* quarantined by the verifier */
    } else {
        atomic_fetch_sub_explicit(&ObpUntrackedObjects, 1, memory_order_relaxed);
    }
    h->Magic = OBP_FREED_MAGIC;
    ExFreePoolWithTag(OBJECT_HEADER_ALLOCATION(h), OBP_OBJECT_TAG);
}

/*
 * ObfReferenceObject - adds one reference the caller must release with ObfDereferenceObject.
 * Returns the new count. NULL: no status to return, so a verifier finding and bug check
 * NTSEC_NULL_ARGUMENT; if the handler returns, nothing is referenced and the result is 0
 * (docs/null-arguments.md).
 */
LONG_PTR ObfReferenceObject(PVOID Object)
{
    if (Object == NULL) {
        ExpNullArgument("ObfReferenceObject", 1, "Object");
        return 0;
    }
    if (VfIsEnabled() && !ObpHeaderReadable(Object)) {
        VfReportNotAnObject("ObfReferenceObject", Object, "an object");
        return 0;
    }
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    if (VfIsEnabled() && h->Magic != OBP_HEADER_MAGIC) {
        VfReportBadObject("ObfReferenceObject", Object, "reference to an object that was freed");
        return 0;
    }
    return atomic_fetch_add_explicit(&h->PointerCount, 1, memory_order_relaxed) + 1;
}

/*
 * ObfDereferenceObject - releases one reference owned by the caller; the object is
 * deleted when the count reaches zero. Returns the new count. NULL: as ObfReferenceObject
 * (finding, NTSEC_NULL_ARGUMENT, 0).
 */
LONG_PTR ObfDereferenceObject(PVOID Object)
{
    if (Object == NULL) {
        ExpNullArgument("ObfDereferenceObject", 1, "Object");
        return 0;
    }
    if (VfIsEnabled() && !ObpHeaderReadable(Object)) {
        VfReportNotAnObject("ObfDereferenceObject", Object, "an object");
        return 0;
    }
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    if (VfIsEnabled() && h->Magic != OBP_HEADER_MAGIC) {
        VfReportBadObject("ObfDereferenceObject", Object,
                          "dereference of an object whose last reference is gone");
        return 0;
    }
    LONG_PTR n = atomic_fetch_sub_explicit(&h->PointerCount, 1, memory_order_acq_rel) - 1;
    if (n == 0) {
        ObpDeleteObject(h);
    } else if (n < 0) {
        /* Below zero: a caller released a reference it did not own. Never free twice. */
        VfReportBadObject("ObfDereferenceObject", Object, "reference count went below zero");
    }
    return n;
}

/* ObpDereferenceObjectSlow - see obp.h: the count reached NewCount (zero: delete; below:
 * the finding ObfDereferenceObject reports). */
VOID ObpDereferenceObjectSlow(PVOID Object, LONG_PTR NewCount)
{
    if (NewCount == 0)
        ObpDeleteObject(OBJECT_TO_OBJECT_HEADER(Object));
    else
        VfReportBadObject("ObfDereferenceObject", Object, "reference count went below zero");
}

/*
 * ObpHeaderReadable - see obp.h. The probe copies the header's first bytes with
 * process_vm_readv on our own pid: the kernel reports EFAULT for an unmapped address instead
 * of the process taking SIGSEGV, and no sanitizer sees a user-space read of a redzone.
 */
BOOLEAN ObpHeaderReadable(PVOID Object)
{
    if (Object == NULL)
        return FALSE;
    if (VfIsTrackedObject(Object))
        return TRUE;
    if (atomic_load_explicit(&ObpUntrackedObjects, memory_order_relaxed) == 0)
        return FALSE; /* every live object is tracked, and this is none of them */
    struct { ULONG Magic; ULONG Flags; POBJECT_TYPE Type; } probe;
    uintptr_t at = (uintptr_t)Object - offsetof(OBJECT_HEADER, Body);
    if ((uintptr_t)Object < offsetof(OBJECT_HEADER, Body))
        return FALSE;
    struct iovec local = { &probe, sizeof(probe) }, remote = { (void *)at, sizeof(probe) };
    if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != (ssize_t)sizeof(probe))
        return FALSE;
    return probe.Magic == OBP_HEADER_MAGIC || probe.Magic == OBP_FREED_MAGIC;
}

/* ObpVerifiedCheckType - see obp.h. */
BOOLEAN ObpVerifiedCheckType(PVOID Object, POBJECT_TYPE Type, PCSTR Routine)
{
    if (Object != NULL && !ObpHeaderReadable(Object)) {
        char expected[64];
        snprintf(expected, sizeof expected, "a %s", Type->Name);
        VfReportNotAnObject(Routine, Object, expected);
        return FALSE;
    }
    if (ObpIsObjectOfType(Object, Type))
        return TRUE;
    return ObpReportTypeMismatch(Object, Type, Routine);
}

BOOLEAN ObpReportTypeMismatch(PVOID Object, POBJECT_TYPE Type, PCSTR Routine)
{
    if (VfIsEnabled())
        VfReportTypeMismatch(Routine, Object, Type);
    return FALSE;
}

PCSTR ObpTypeName(PVOID Object)
{
    if (Object == NULL)
        return "NULL";
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    if (h->Magic == OBP_FREED_MAGIC)
        return "freed object";
    if (h->Magic != OBP_HEADER_MAGIC)
        return "not an object";
    return h->Type->Name;
}

/*
 * ObReferenceObjectByPointer - adds a reference if Object is of ObjectType; otherwise
 * STATUS_OBJECT_TYPE_MISMATCH and no reference. Access checks on kernel pointers are
 * not modelled (DesiredAccess and AccessMode are accepted and ignored, as for KernelMode).
 */
NTSTATUS ObReferenceObjectByPointer(PVOID Object, ACCESS_MASK DesiredAccess,
                                    POBJECT_TYPE ObjectType, KPROCESSOR_MODE AccessMode)
{
    if (Object == NULL)
        return STATUS_INVALID_PARAMETER;
    if (ObjectType != NULL && !ObpCheckType(Object, ObjectType, "ObReferenceObjectByPointer"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    ObfReferenceObject(Object);
    return STATUS_SUCCESS;
}

/*
 * NtsecReferenceCount - the object's current pointer count (tests, diagnostics).
 * Takes no reference. Returns -1 for something that is not a live object.
 */
LONG_PTR NtsecReferenceCount(PVOID Object)
{
    if (Object == NULL)
        return -1;
    if (VfIsEnabled() && !ObpHeaderReadable(Object))
        return -1;
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    if (h->Magic != OBP_HEADER_MAGIC)
        return -1;
    return atomic_load_explicit(&h->PointerCount, memory_order_relaxed);
}
