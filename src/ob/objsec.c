/*
 * objsec.c - the security descriptors of objects: ZwQuerySecurityObject, ZwSetSecurityObject
 * and release at object deletion.
 *
 * An object's descriptor is a shared descriptor (sdcache.c) with one reference held by the
 * object, kept in its header - or where the type says (OBJECT_TYPE.SecurityDescriptorOffset:
 * a device's is DEVICE_OBJECT.SecurityDescriptor, where drivers read it). A device starts with
 * a static default (src/io/iodefsd.c), not in the shared table. Swaps
 * and reads of the pointer happen under ObpSecurityLock; a reader takes its own reference
 * on the shared descriptor before dropping the lock.
 */
#include <pthread.h>
#include "ob/obp.h"

static pthread_mutex_t ObpSecurityLock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(const OBP_SECURITY_METHODS *) ObpSecurityMethods;

/* ObpRegisterSecurityMethods - see obp.h. No references. */
VOID ObpRegisterSecurityMethods(const OBP_SECURITY_METHODS *Methods)
{
    atomic_store_explicit(&ObpSecurityMethods, Methods, memory_order_release);
}

/* Generic rights of a type that names none (ObpProcessType, ObpThreadType, test types). */
static const GENERIC_MAPPING ObpProcessMapping = { STANDARD_RIGHTS_READ | SYNCHRONIZE,
                                                   STANDARD_RIGHTS_WRITE | SYNCHRONIZE,
                                                   STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
                                                   PROCESS_ALL_ACCESS };

/* ---- Per-object descriptor slots ---- */

static PSECURITY_DESCRIPTOR *ObpSecuritySlot(PVOID Object)
{
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    if (h->Type->SecurityDescriptorOffset != 0)
        return (PSECURITY_DESCRIPTOR *)((PUCHAR)Object + h->Type->SecurityDescriptorOffset);
    return &h->SecurityDescriptor;
}

static const GENERIC_MAPPING *ObpMappingOf(PVOID Object)
{
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    return h->Type->GenericMapping != NULL ? h->Type->GenericMapping : &ObpProcessMapping;
}

/* ObpDeleteObjectSecurity - see obp.h: releases the object's reference on its shared
 * descriptor (a device's static default is not one and is left alone). */
VOID ObpDeleteObjectSecurity(POBJECT_HEADER Header)
{
    PSECURITY_DESCRIPTOR *slot = ObpSecuritySlot(Header->Body);
    PSECURITY_DESCRIPTOR sd = *slot;
    *slot = NULL;
    BOOLEAN underflow;
    if (sd != NULL)
        (void)ObpReleaseSecurityDescriptor(sd, 1, &underflow);
}

/* The object's descriptor with a reference for the caller (*Shared TRUE: release it with
 * ObpReleaseSecurityDescriptor), or a static one (*Shared FALSE), or NULL. */
static PSECURITY_DESCRIPTOR ObpGetObjectSecurity(PVOID Object, PBOOLEAN Shared)
{
    pthread_mutex_lock(&ObpSecurityLock);
    PSECURITY_DESCRIPTOR sd = *ObpSecuritySlot(Object);
    *Shared = sd != NULL && ObpSecurityDescriptorReferences(sd) > 0;
    if (*Shared)
        ObReferenceSecurityDescriptor(sd, 1);
    pthread_mutex_unlock(&ObpSecurityLock);
    return sd;
}

/* ZwQuerySecurityObject - see ntob.h. */
NTSTATUS ZwQuerySecurityObject(HANDLE Handle, SECURITY_INFORMATION SecurityInformation,
                               PSECURITY_DESCRIPTOR SecurityDescriptor, ULONG Length,
                               PULONG LengthNeeded)
{
    if (LengthNeeded == NULL)
        return STATUS_INVALID_PARAMETER;
    const OBP_SECURITY_METHODS *methods =
        atomic_load_explicit(&ObpSecurityMethods, memory_order_acquire);
    if (methods == NULL)
        return STATUS_INTERNAL_ERROR; /* before the init sequence: nothing to build with */
    PVOID object;
    NTSTATUS status = ObReferenceObjectByHandle(Handle, 0, NULL, KernelMode, &object, NULL);
    if (!NT_SUCCESS(status))
        return status;
    BOOLEAN shared;
    PSECURITY_DESCRIPTOR sd = ObpGetObjectSecurity(object, &shared);
    ULONG length = SecurityDescriptor != NULL ? Length : 0;
    status = methods->Query(&SecurityInformation, SecurityDescriptor, &length, &sd);
    *LengthNeeded = length;
    BOOLEAN underflow;
    if (shared)
        (void)ObpReleaseSecurityDescriptor(sd, 1, &underflow);
    ObDereferenceObject(object);
    return status;
}

/* ZwSetSecurityObject - see ntob.h. */
NTSTATUS ZwSetSecurityObject(HANDLE Handle, SECURITY_INFORMATION SecurityInformation,
                             PSECURITY_DESCRIPTOR SecurityDescriptor)
{
    if (SecurityDescriptor == NULL)
        return STATUS_INVALID_PARAMETER;
    const OBP_SECURITY_METHODS *methods =
        atomic_load_explicit(&ObpSecurityMethods, memory_order_acquire);
    if (methods == NULL)
        return STATUS_INTERNAL_ERROR; /* before the init sequence: nothing to build with */
    PVOID object;
    NTSTATUS status = ObReferenceObjectByHandle(Handle, 0, NULL, KernelMode, &object, NULL);
    if (!NT_SUCCESS(status))
        return status;
    /* Build from the current descriptor and swap under the lock, so two setters of
     * different parts do not lose each other's change. */
    pthread_mutex_lock(&ObpSecurityLock);
    PSECURITY_DESCRIPTOR *slot = ObpSecuritySlot(object);
    PSECURITY_DESCRIPTOR old = *slot, built = old;
    status = methods->Set(object, &SecurityInformation, SecurityDescriptor, &built, 0, PagedPool,
                          (PGENERIC_MAPPING)ObpMappingOf(object));
    PSECURITY_DESCRIPTOR logged = NULL;
    if (NT_SUCCESS(status)) {
        status = ObLogSecurityDescriptor(built, &logged, 1);
        ExFreePool(built);
    }
    if (NT_SUCCESS(status))
        *slot = logged;
    pthread_mutex_unlock(&ObpSecurityLock);
    BOOLEAN underflow;
    if (NT_SUCCESS(status) && old != NULL)
        (void)ObpReleaseSecurityDescriptor(old, 1, &underflow);
    ObDereferenceObject(object);
    return status;
}
