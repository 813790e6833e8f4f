/*
 * objects.c - object lifetime under the verifier: creation stacks, the live-object list,
 * poisoned and quarantined freed objects, type mismatches, leaks at shutdown.
 *
 * Lock order: VfpObjectLock is a leaf; nothing is called while holding it except pool
 * frees of quarantined objects.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "ps/psp.h"
#include "verifier/vfp.h"
#include "ex/pooltags.h"

#define VFP_QUARANTINE_SIZE 4096
#define VFP_POISON 0xFD

static pthread_mutex_t VfpObjectLock = PTHREAD_MUTEX_INITIALIZER;
static LIST_ENTRY VfpLiveObjects = { &VfpLiveObjects, &VfpLiveObjects };
static POBJECT_HEADER VfpQuarantine[VFP_QUARANTINE_SIZE]; /* ring, oldest at VfpQuarantineHead */
static ULONG VfpQuarantineHead;
static ULONG VfpQuarantineCount;

/*
 * Address lookup (issue 9 item 7): every tracked header, live or quarantined, is also in a
 * hash table keyed by its address, so a pointer can be recognised as an object (or not)
 * without reading the memory in front of it. Guarded by VfpObjectLock.
 */
#define VFP_HASH_BITS 12
static POBJECT_HEADER VfpObjectHash[1u << VFP_HASH_BITS];

static ULONG VfpHashIndex(const void *Header)
{
    return (ULONG)(((uintptr_t)Header * 0x9E3779B97F4A7C15ull) >> (64 - VFP_HASH_BITS));
}

/* Caller holds VfpObjectLock. */
static VOID VfpHashInsert(POBJECT_HEADER Header)
{
    ULONG i = VfpHashIndex(Header);
    OBJECT_HEADER_TO_VERIFIER(Header)->VfHashNext = VfpObjectHash[i];
    VfpObjectHash[i] = Header;
}

/* Caller holds VfpObjectLock. */
static VOID VfpHashRemove(POBJECT_HEADER Header)
{
    for (POBJECT_HEADER *p = &VfpObjectHash[VfpHashIndex(Header)]; *p != NULL;
         p = &OBJECT_HEADER_TO_VERIFIER(*p)->VfHashNext) {
        if (*p == Header) {
            *p = OBJECT_HEADER_TO_VERIFIER(Header)->VfHashNext;
            OBJECT_HEADER_TO_VERIFIER(Header)->VfHashNext = NULL;
            return;
        }
    }
}

/* VfIsTrackedObject - see vf.h. Computes the header address; dereferences only table entries. */
BOOLEAN VfIsTrackedObject(PVOID Object)
{
    if (Object == NULL)
        return FALSE;
    const void *h = (const UCHAR *)Object - offsetof(OBJECT_HEADER, Body);
    BOOLEAN found = FALSE;
    pthread_mutex_lock(&VfpObjectLock);
    for (POBJECT_HEADER e = VfpObjectHash[VfpHashIndex(h)]; e != NULL && !found;
         e = OBJECT_HEADER_TO_VERIFIER(e)->VfHashNext)
        found = (const void *)e == h;
    pthread_mutex_unlock(&VfpObjectLock);
    return found;
}

/* VfpObjectAlive - see vfp.h. Reads only table entries. */
BOOLEAN VfpObjectAlive(PVOID Object)
{
    if (Object == NULL)
        return TRUE;
    const void *h = (const UCHAR *)Object - offsetof(OBJECT_HEADER, Body);
    BOOLEAN alive = TRUE;
    pthread_mutex_lock(&VfpObjectLock);
    for (POBJECT_HEADER e = VfpObjectHash[VfpHashIndex(h)]; e != NULL; e = OBJECT_HEADER_TO_VERIFIER(e)->VfHashNext)
        if ((const void *)e == h) {
            alive = e->Magic == OBP_HEADER_MAGIC;
            break;
        }
    pthread_mutex_unlock(&VfpObjectLock);
    return alive;
}

/*
 * VfReportNotAnObject - Object is neither a tracked object nor (when untracked objects exist)
 * one that a fault-safe probe recognised: reported without reading any memory at or before
 * it, and the routine fails with its usual error.
 */
VOID VfReportNotAnObject(PCSTR Routine, PVOID Object, PCSTR Expected)
{
    char message[512];
    snprintf(message, sizeof message,
             "%s expected %s and was given %p, which is no ntsec object (no live or freed object "
             "has this address). The call fails and changes nothing; the memory at the pointer "
             "was not read.", Routine, Expected, Object);
    VfpDeliver(NtsecFindingNotAnObject, NtsecSeverityError, Routine, Object, "not an object", NULL, message);
}

/*
 * VfObjectCreated - records where Header's object was created and links it into the
 * live list (OBP_FLAG_TRACKED). Called by ObpCreateObject while the verifier is on;
 * takes no reference.
 */
VOID VfObjectCreated(struct _OBJECT_HEADER *Header)
{
    POBJECT_HEADER_VERIFIER v = OBJECT_HEADER_TO_VERIFIER(Header);
    v->CreationDepth = VfpCaptureStack(v->CreationStack, OBP_STACK_DEPTH, 1);
    pthread_mutex_lock(&VfpObjectLock);
    v->TrackLinks.Flink = &VfpLiveObjects;
    v->TrackLinks.Blink = VfpLiveObjects.Blink;
    VfpLiveObjects.Blink->Flink = &v->TrackLinks;
    VfpLiveObjects.Blink = &v->TrackLinks;
    Header->Flags |= OBP_FLAG_TRACKED;
    VfpHashInsert(Header);
    pthread_mutex_unlock(&VfpObjectLock);
}

/*
 * VfObjectDeleting - Header's count reached zero and its delete procedure ran. Unlinks
 * it; while the verifier is on, poisons the body, marks the header freed and keeps the
 * memory in a bounded quarantine (the oldest entry is freed when it is full) so that a
 * later use is reported with the creation stack instead of touching reused memory.
 * Returns TRUE if the memory was kept (the caller must not free it).
 */
BOOLEAN VfObjectDeleting(struct _OBJECT_HEADER *Header)
{
    POBJECT_HEADER evict = NULL;
    BOOLEAN keep = VfIsEnabled();
    POBJECT_HEADER_VERIFIER v = OBJECT_HEADER_TO_VERIFIER(Header);
    pthread_mutex_lock(&VfpObjectLock);
    v->TrackLinks.Blink->Flink = v->TrackLinks.Flink;
    v->TrackLinks.Flink->Blink = v->TrackLinks.Blink;
    v->TrackLinks.Flink = v->TrackLinks.Blink = NULL;
    Header->Flags &= ~OBP_FLAG_TRACKED;
    if (!keep)
        VfpHashRemove(Header);
    if (keep) {
        memset(Header->Body, VFP_POISON, Header->BodySize);
        Header->Magic = OBP_FREED_MAGIC;
        if (VfpQuarantineCount == VFP_QUARANTINE_SIZE) {
            evict = VfpQuarantine[VfpQuarantineHead];
            VfpHashRemove(evict);
            VfpQuarantine[VfpQuarantineHead] = Header;
            VfpQuarantineHead = (VfpQuarantineHead + 1) % VFP_QUARANTINE_SIZE;
        } else {
            VfpQuarantine[(VfpQuarantineHead + VfpQuarantineCount) % VFP_QUARANTINE_SIZE] = Header;
            VfpQuarantineCount++;
        }
    }
    pthread_mutex_unlock(&VfpObjectLock);
    if (evict != NULL)
        ExFreePoolWithTag(OBJECT_HEADER_ALLOCATION(evict), OBP_OBJECT_TAG);
    return keep;
}

/* VfFlushQuarantine - frees every quarantined object (verifier off, or shutdown). */
VOID VfFlushQuarantine(VOID)
{
    pthread_mutex_lock(&VfpObjectLock);
    while (VfpQuarantineCount > 0) {
        POBJECT_HEADER h = VfpQuarantine[VfpQuarantineHead];
        VfpQuarantine[VfpQuarantineHead] = NULL;
        VfpQuarantineHead = (VfpQuarantineHead + 1) % VFP_QUARANTINE_SIZE;
        VfpQuarantineCount--;
        VfpHashRemove(h);
        ExFreePoolWithTag(OBJECT_HEADER_ALLOCATION(h), OBP_OBJECT_TAG);
    }
    VfpQuarantineHead = 0;
    pthread_mutex_unlock(&VfpObjectLock);
}

/* TRUE iff Header is a quarantined object (so its header may be read). */
/*
 * VfpSnapshotQuarantined - if Header is in the quarantine, copies what a report needs (type
 * name, description, creation stack) while holding the lock, so a concurrent eviction
 * cannot free the memory between the check and the reads. Returns FALSE otherwise.
 */
static BOOLEAN VfpSnapshotQuarantined(POBJECT_HEADER Header, PCSTR *Type, PSTR Description,
                                      SIZE_T DescriptionSize, PSTR Creation, SIZE_T CreationSize)
{
    BOOLEAN found = FALSE;
    pthread_mutex_lock(&VfpObjectLock);
    for (ULONG i = 0; i < VfpQuarantineCount && !found; i++)
        found = VfpQuarantine[(VfpQuarantineHead + i) % VFP_QUARANTINE_SIZE] == Header;
    if (found) {
        *Type = Header->Type->Name; /* a static string: valid after the object is gone */
        VfpDescribeObject(Header->Body, Description, DescriptionSize);
        VfpFormatStack(OBJECT_HEADER_TO_VERIFIER(Header)->CreationStack,
                       OBJECT_HEADER_TO_VERIFIER(Header)->CreationDepth, Creation, CreationSize);
    }
    pthread_mutex_unlock(&VfpObjectLock);
    return found;
}

/*
 * VfpDescribeHeldObject - "Token 0x... ("creator", N references)" where N leaves out the
 * Held references the verifier itself holds while describing. No references change.
 */
VOID VfpDescribeHeldObject(PVOID Object, LONG_PTR Held, PSTR Buffer, SIZE_T Size)
{
    if (Object == NULL) {
        snprintf(Buffer, Size, "NULL");
        return;
    }
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    if (h->Magic == OBP_HEADER_MAGIC) {
        LONG_PTR n = atomic_load(&h->PointerCount) - Held;
        snprintf(Buffer, Size, "%s %p (\"%s\", %ld reference%s)", h->Type->Name, Object,
                 h->CreatorTag ? h->CreatorTag : "?", (long)n, n == 1 ? "" : "s");
    } else if (h->Magic == OBP_FREED_MAGIC)
        snprintf(Buffer, Size, "freed %s %p (\"%s\", no references left)", h->Type->Name, Object,
                 h->CreatorTag ? h->CreatorTag : "?");
    else
        snprintf(Buffer, Size, "%p (not an ntsec object)", Object);
}

VOID VfpDescribeObject(PVOID Object, PSTR Buffer, SIZE_T Size)
{
    VfpDescribeHeldObject(Object, 0, Buffer, Size);
}

VOID VfpObjectCreationStack(PVOID Object, PSTR Buffer, SIZE_T Size)
{
    Buffer[0] = '\0';
    if (Object == NULL)
        return;
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    if ((h->Magic != OBP_HEADER_MAGIC && h->Magic != OBP_FREED_MAGIC) || !(h->Flags & OBP_FLAG_VERIFIER_PART))
        return; /* created while the verifier was off: no creation stack was recorded */
    VfpFormatStack(OBJECT_HEADER_TO_VERIFIER(h)->CreationStack, OBJECT_HEADER_TO_VERIFIER(h)->CreationDepth,
                   Buffer, Size);
}

/*
 * VfReportBadObject - Routine was handed something that is not a live object: a freed
 * (quarantined) object - reported as a dereference below zero when Routine releases a
 * reference, else as a use after the last reference - or no object at all.
 */
VOID VfReportBadObject(PCSTR Routine, PVOID Object, PCSTR What)
{
    char desc[256];
    char creation[VFP_STACK_TEXT] = "";
    char message[1024];
    POBJECT_HEADER h = Object != NULL ? OBJECT_TO_OBJECT_HEADER(Object) : NULL;
    NTSEC_VERIFIER_FINDING kind = NtsecFindingNotAnObject;
    PCSTR type = "not an object";

    BOOLEAN described = FALSE;
    if (h != NULL && h->Magic == OBP_FREED_MAGIC &&
        VfpSnapshotQuarantined(h, &type, desc, sizeof desc, creation, sizeof creation)) {
        described = TRUE;
        kind = strstr(Routine, "Dereference") != NULL ? NtsecFindingDereferenceBelowZero
                                                       : NtsecFindingUseAfterFree;
    } else if (h != NULL && h->Magic == OBP_HEADER_MAGIC) {
        type = h->Type->Name;
        if (atomic_load(&h->PointerCount) < 0)
            kind = NtsecFindingDereferenceBelowZero;
        VfpObjectCreationStack(Object, creation, sizeof creation);
    }
    if (!described)
        VfpDescribeObject(Object, desc, sizeof desc);
    if (kind == NtsecFindingDereferenceBelowZero)
        snprintf(message, sizeof message,
                 "%s released a reference to %s after its last reference was gone (%s): the "
                 "count would go below zero; some caller released a reference it did not own. "
                 "The object was created at the stack below.", Routine, desc, What);
    else if (kind == NtsecFindingUseAfterFree)
        snprintf(message, sizeof message,
                 "%s used %s after its last reference was released (%s); the memory is poisoned "
                 "and quarantined. The object was created at the stack below.", Routine, desc,
                 What);
    else
        snprintf(message, sizeof message, "%s was given %s: %s.", Routine, desc, What);
    VfpDeliver(kind, NtsecSeverityError, Routine, Object, type, creation, message);
}

/*
 * VfReportTypeMismatch - Routine expected an object of type Expected (e.g. a token) and
 * got Object (e.g. a process: the seed example's trap, spec 5-D24). The routine fails
 * with STATUS_OBJECT_TYPE_MISMATCH; this names what was passed and where it was created.
 */
VOID VfReportTypeMismatch(PCSTR Routine, PVOID Object, POBJECT_TYPE Expected)
{
    if (Object == NULL) {
        char message[256];
        snprintf(message, sizeof message, "%s expected a %s and was given NULL.", Routine,
                 Expected->Name);
        VfpDeliver(NtsecFindingNotAnObject, NtsecSeverityError, Routine, NULL, "NULL", NULL,
                   message);
        return;
    }
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    if (h->Magic != OBP_HEADER_MAGIC) {
        char what[128];
        snprintf(what, sizeof what, "expected a %s", Expected->Name);
        VfReportBadObject(Routine, Object, what);
        return;
    }
    char desc[256];
    char creation[VFP_STACK_TEXT];
    char message[1024];
    VfpDescribeObject(Object, desc, sizeof desc);
    VfpObjectCreationStack(Object, creation, sizeof creation);
    snprintf(message, sizeof message,
             "%s expected a %s but was given %s. C accepts it because PACCESS_TOKEN, PEPROCESS "
             "and PETHREAD are all pointers; the call fails with STATUS_OBJECT_TYPE_MISMATCH "
             "and changes nothing. The %s was created at the stack below.", Routine,
             Expected->Name, desc, h->Type->Name);
    VfpDeliver(NtsecFindingWrongObjectType, NtsecSeverityError, Routine, Object, h->Type->Name,
               creation, message);
}

/*
 * Leak accounting. Objects that running threads keep alive are not leaks: a running
 * thread owns one reference on its own ETHREAD (released when it ends), each live thread
 * one on its process and, while impersonating, one on its token; each process one on
 * its primary token. An object is "explained" when every reference it has comes from
 * such an owner that is itself explained (checked in type order thread, process,
 * token). Every other live tracked object is reported with its outstanding references.
 */
#define VFP_MAX_LEAKS 1024

/* A thread whose teardown has not run (started or about to start; adopted threads). */
static BOOLEAN VfpThreadRunning(PETHREAD Thread)
{
    return (atomic_load(&Thread->CrossThreadFlags) & PSP_TERMINATED) == 0;
}

static pthread_mutex_t VfpLeakLock = PTHREAD_MUTEX_INITIALIZER; /* guards the arrays below */

static ULONG VfpReportObjectLeaks(VOID)
{
    ULONG reported = 0;
    static PVOID objects[VFP_MAX_LEAKS];
    static BOOLEAN explained[VFP_MAX_LEAKS];
    ULONG n = 0;
    pthread_mutex_lock(&VfpLeakLock);
    pthread_mutex_lock(&VfpObjectLock);
    for (PLIST_ENTRY e = VfpLiveObjects.Flink; e != &VfpLiveObjects && n < VFP_MAX_LEAKS;
         e = e->Flink) {
        POBJECT_HEADER h = (POBJECT_HEADER)(CONTAINING_RECORD(e, OBJECT_HEADER_VERIFIER, TrackLinks) + 1);
        /* Pin (one reference while reported) only an object whose count is still above
         * zero, in one step: a load then an add could revive an object whose last
         * reference is released in between, which the unpin would then delete again. */
        LONG_PTR count = atomic_load(&h->PointerCount);
        while (count > 0 && !atomic_compare_exchange_weak(&h->PointerCount, &count, count + 1))
            ;
        if (count <= 0)
            continue; /* being deleted right now */
        explained[n] = FALSE;
        objects[n++] = h->Body;
    }
    pthread_mutex_unlock(&VfpObjectLock);

    /* Threads: a running thread with only its own reference. */
    for (ULONG i = 0; i < n; i++) {
        POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(objects[i]);
        if (h->Type == &ObpThreadType && VfpThreadRunning(objects[i]) &&
            atomic_load(&h->PointerCount) - 1 == 1)
            explained[i] = TRUE;
    }
    /* Processes: every reference from an explained thread; tokens likewise. */
    for (int pass = 0; pass < 2; pass++) {
        POBJECT_TYPE type = pass == 0 ? &ObpProcessType : &ObpTokenType;
        for (ULONG i = 0; i < n; i++) {
            POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(objects[i]);
            if (h->Type != type)
                continue;
            LONG_PTR owners = 0;
            for (ULONG j = 0; j < n; j++) {
                if (!explained[j])
                    continue;
                POBJECT_HEADER o = OBJECT_TO_OBJECT_HEADER(objects[j]);
                if (o->Type == &ObpThreadType) {
                    PETHREAD t = objects[j];
                    PPS_IMPERSONATION_INFORMATION info = atomic_load(&t->ImpersonationInfo);
                    if (pass == 0 && t->Process == objects[i])
                        owners++;
                    if (pass == 1 && PspIsImpersonating(t) && info != NULL &&
                        info->Token == objects[i])
                        owners++;
                } else if (pass == 1 && o->Type == &ObpProcessType &&
                           ((PEPROCESS)objects[j])->PrimaryToken == objects[i]) {
                    owners++;
                }
            }
            if (owners > 0 && atomic_load(&h->PointerCount) - 1 == owners)
                explained[i] = TRUE;
        }
    }

    for (ULONG i = 0; i < n; i++) {
        if (explained[i])
            continue;
        POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(objects[i]);
        char creation[VFP_STACK_TEXT];
        char message[768];
        LONG_PTR refs = atomic_load(&h->PointerCount) - 1;
        VfpFormatStack(OBJECT_HEADER_TO_VERIFIER(h)->CreationStack, OBJECT_HEADER_TO_VERIFIER(h)->CreationDepth,
                       creation, sizeof creation);
        snprintf(message, sizeof message,
                 "%s %p (\"%s\") is still alive at shutdown with %ld outstanding reference%s; "
                 "every reference taken must be released (ObDereferenceObject, "
                 "PsDereference*Token, SeReleaseSubjectContext, SeDeleteClientSecurity, "
                 "ZwClose). It was created at the stack below.", h->Type->Name, objects[i],
                 h->CreatorTag ? h->CreatorTag : "?", (long)refs, refs == 1 ? "" : "s");
        VfpDeliver(NtsecFindingReferenceLeak, NtsecSeverityError, "NtsecShutdown", objects[i],
                   h->Type->Name, creation, message);
        reported++;
    }
    for (ULONG i = 0; i < n; i++)
        ObfDereferenceObject(objects[i]);
    pthread_mutex_unlock(&VfpLeakLock);
    return reported;
}

/* VfReportLeaks - objects, then contexts. Returns the number of findings. */
ULONG VfReportLeaks(VOID)
{
    if (!VfIsEnabled())
        return 0;
    return VfpReportObjectLeaks() + VfpReportContextLeaks();
}

ULONG NtsecVerifierCheckLeaks(VOID)
{
    return VfReportLeaks();
}

/* Fork (src/ex/fork.c): the object lock is held across fork and released in the child,
 * where the live list, the address table and the quarantine are the parent's, unchanged. */
VOID VfForkPrepare(VOID)
{
    pthread_mutex_lock(&VfpObjectLock);
}

VOID VfForkParent(VOID)
{
    pthread_mutex_unlock(&VfpObjectLock);
}

VOID VfForkChild(VOID)
{
    pthread_mutex_unlock(&VfpObjectLock); /* locked by this thread, the child's only one */
}
