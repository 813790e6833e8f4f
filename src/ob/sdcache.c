/*
 * sdcache.c - the table of shared security descriptors (ObLogSecurityDescriptor,
 * ObReferenceSecurityDescriptor, ObDereferenceSecurityDescriptor).
 *
 * Each entry is one pool block: a header with the reference count, then the self-relative
 * descriptor (the pointer callers hold). Identical descriptors share one entry, as the
 * Windows object manager's descriptor cache does. The table is small (one entry per
 * distinct descriptor in use) and guarded by one mutex.
 */
#include <pthread.h>
#include "ob/obp.h"
#include "ex/exp.h"
#include "verifier/vf.h"
#include "ex/pooltags.h"

#define OBP_SD_MAGIC 0x43445353UL /* 'SSDC' */

typedef struct _OBP_SD_ENTRY {
    LIST_ENTRY Links;
    LONG_PTR ReferenceCount;
    ULONG Length;
    ULONG Magic;
    _Alignas(16) UCHAR Descriptor[];
} OBP_SD_ENTRY, *POBP_SD_ENTRY;

static pthread_mutex_t ObpSdLock = PTHREAD_MUTEX_INITIALIZER;
static LIST_ENTRY ObpSdList = { &ObpSdList, &ObpSdList };

/* The entry whose descriptor is SecurityDescriptor, or NULL. Caller holds ObpSdLock. */
static POBP_SD_ENTRY ObpFindEntry(PSECURITY_DESCRIPTOR SecurityDescriptor)
{
    for (PLIST_ENTRY l = ObpSdList.Flink; l != &ObpSdList; l = l->Flink) {
        POBP_SD_ENTRY e = CONTAINING_RECORD(l, OBP_SD_ENTRY, Links);
        if ((PVOID)e->Descriptor == SecurityDescriptor)
            return e;
    }
    return NULL;
}

/* ObLogSecurityDescriptor - see ntob.h. *OutputSecurityDescriptor owns RefBias references. */
NTSTATUS ObLogSecurityDescriptor(PSECURITY_DESCRIPTOR InputSecurityDescriptor,
                                 PSECURITY_DESCRIPTOR *OutputSecurityDescriptor, ULONG RefBias)
{
    if (OutputSecurityDescriptor == NULL || InputSecurityDescriptor == NULL)
        return STATUS_INVALID_PARAMETER;
    *OutputSecurityDescriptor = NULL;
    if (RefBias == 0)
        return STATUS_INVALID_PARAMETER;
    PISECURITY_DESCRIPTOR_RELATIVE rel = InputSecurityDescriptor;
    if (rel->Revision != SECURITY_DESCRIPTOR_REVISION || !(rel->Control & SE_SELF_RELATIVE) ||
        !RtlValidSecurityDescriptor(InputSecurityDescriptor))
        return STATUS_INVALID_SECURITY_DESCR;
    ULONG length = RtlLengthSecurityDescriptor(InputSecurityDescriptor);
    pthread_mutex_lock(&ObpSdLock);
    for (PLIST_ENTRY l = ObpSdList.Flink; l != &ObpSdList; l = l->Flink) {
        POBP_SD_ENTRY e = CONTAINING_RECORD(l, OBP_SD_ENTRY, Links);
        if (e->Length == length && memcmp(e->Descriptor, InputSecurityDescriptor, length) == 0) {
            e->ReferenceCount += RefBias;
            pthread_mutex_unlock(&ObpSdLock);
            *OutputSecurityDescriptor = e->Descriptor;
            return STATUS_SUCCESS;
        }
    }
    POBP_SD_ENTRY e = ExAllocatePoolWithTag(PagedPool, sizeof(*e) + length, OBP_SD_TAG);
    if (e == NULL) {
        pthread_mutex_unlock(&ObpSdLock);
        return STATUS_NO_MEMORY;
    }
    e->ReferenceCount = RefBias;
    e->Length = length;
    e->Magic = OBP_SD_MAGIC;
    memcpy(e->Descriptor, InputSecurityDescriptor, length);
    e->Links.Flink = ObpSdList.Flink;
    e->Links.Blink = &ObpSdList;
    ObpSdList.Flink->Blink = &e->Links;
    ObpSdList.Flink = &e->Links;
    pthread_mutex_unlock(&ObpSdLock);
    *OutputSecurityDescriptor = e->Descriptor;
    return STATUS_SUCCESS;
}

/* ObReferenceSecurityDescriptor - see ntob.h. The caller owns Count more references. */
VOID ObReferenceSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, ULONG Count)
{
    if (SecurityDescriptor == NULL) {
        ExpNullArgument("ObReferenceSecurityDescriptor", 1, "SecurityDescriptor");
        return;
    }
    pthread_mutex_lock(&ObpSdLock);
    POBP_SD_ENTRY e = ObpFindEntry(SecurityDescriptor);
    if (e != NULL)
        e->ReferenceCount += Count;
    pthread_mutex_unlock(&ObpSdLock);
    if (e == NULL && VfIsEnabled())
        VfReport("bad security descriptor", "ObReferenceSecurityDescriptor", SecurityDescriptor,
                 "%p is not a descriptor from ObLogSecurityDescriptor; nothing referenced",
                 SecurityDescriptor);
}

/*
 * ObpReleaseSecurityDescriptor - releases Count references if SecurityDescriptor is a shared
 * descriptor; returns FALSE (nothing done) when it is not one.
 */
BOOLEAN ObpReleaseSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, ULONG Count,
                                     PBOOLEAN Underflow)
{
    *Underflow = FALSE;
    pthread_mutex_lock(&ObpSdLock);
    POBP_SD_ENTRY e = ObpFindEntry(SecurityDescriptor);
    if (e == NULL) {
        pthread_mutex_unlock(&ObpSdLock);
        return FALSE;
    }
    if ((ULONG_PTR)e->ReferenceCount < Count) {
        *Underflow = TRUE;
        pthread_mutex_unlock(&ObpSdLock);
        return TRUE;
    }
    e->ReferenceCount -= Count;
    BOOLEAN last = e->ReferenceCount == 0;
    if (last) {
        e->Links.Blink->Flink = e->Links.Flink;
        e->Links.Flink->Blink = e->Links.Blink;
        e->Magic = 0;
    }
    pthread_mutex_unlock(&ObpSdLock);
    if (last)
        ExFreePoolWithTag(e, OBP_SD_TAG);
    return TRUE;
}

/* ObDereferenceSecurityDescriptor - see ntob.h. Releases Count references. */
VOID ObDereferenceSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, ULONG Count)
{
    if (SecurityDescriptor == NULL) {
        ExpNullArgument("ObDereferenceSecurityDescriptor", 1, "SecurityDescriptor");
        return;
    }
    BOOLEAN underflow;
    BOOLEAN known = ObpReleaseSecurityDescriptor(SecurityDescriptor, Count, &underflow);
    if ((!known || underflow) && VfIsEnabled())
        VfReport("bad security descriptor", "ObDereferenceSecurityDescriptor", SecurityDescriptor,
                 "%p %s; nothing released", SecurityDescriptor,
                 known ? "has fewer references than released" :
                         "is not a descriptor from ObLogSecurityDescriptor");
}

/* ObpSecurityDescriptorReferences - the reference count of a shared descriptor, or -1
 * (tests and diagnostics). */
LONG_PTR ObpSecurityDescriptorReferences(PSECURITY_DESCRIPTOR SecurityDescriptor)
{
    pthread_mutex_lock(&ObpSdLock);
    POBP_SD_ENTRY e = ObpFindEntry(SecurityDescriptor);
    LONG_PTR n = e != NULL ? e->ReferenceCount : -1;
    pthread_mutex_unlock(&ObpSdLock);
    return n;
}
