/*
 * objsec.c - the security descriptors of objects: ZwQuerySecurityObject, ZwSetSecurityObject,
 * release at object deletion, and the check a UserMode open makes against it.
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
#include "rtl/rtlp.h"

static pthread_mutex_t ObpSecurityLock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(const OBP_SECURITY_METHODS *) ObpSecurityMethods;

/* ObpRegisterSecurityMethods - see obp.h. No references. */
VOID ObpRegisterSecurityMethods(const OBP_SECURITY_METHODS *Methods)
{
    atomic_store_explicit(&ObpSecurityMethods, Methods, memory_order_release);
}

/* The registered methods, loaded once per use (NULL before the init sequence). */
static const OBP_SECURITY_METHODS *ObpLoadSecurityMethods(VOID)
{
    return atomic_load_explicit(&ObpSecurityMethods, memory_order_acquire);
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

/* The mask an open granted without a check gets: Desired with its generic bits mapped,
 * MAXIMUM_ALLOWED as GenericAll (SeAccessCheck's KernelMode rule, spec 2.20 (1)). */
static ACCESS_MASK ObpKernelGrant(ACCESS_MASK Desired, const GENERIC_MAPPING *Mapping)
{
    RtlMapGenericMask(&Desired, Mapping);
    return RtlpGrantAsAsked(Desired, Mapping);
}

/* An open granted without a look at a descriptor: the access state's remaining access
 * (mapped) joins what it was granted before, and nothing remains. */
static ACCESS_MASK ObpGrantAll(PACCESS_STATE AccessState, const GENERIC_MAPPING *Mapping)
{
    AccessState->PreviouslyGrantedAccess |= ObpKernelGrant(AccessState->RemainingDesiredAccess, Mapping);
    AccessState->RemainingDesiredAccess = 0;
    return AccessState->PreviouslyGrantedAccess;
}

/*
 * ObpCheckOpenAccess - see obp.h. References: takes and releases its own on the object's
 * shared descriptor; PassedAccessState and its subject context stay the caller's.
 */
NTSTATUS ObpCheckOpenAccess(PVOID Object, PACCESS_STATE PassedAccessState, ACCESS_MASK DesiredAccess,
                            KPROCESSOR_MODE AccessMode, PACCESS_MASK GrantedAccess)
{
    const GENERIC_MAPPING *mapping = ObpMappingOf(Object);
    *GrantedAccess = 0;
    BOOLEAN shared = FALSE;
    PSECURITY_DESCRIPTOR sd = AccessMode == KernelMode ? NULL : ObpGetObjectSecurity(Object, &shared);
    if (sd == NULL) {
        /* KernelMode, or an object without a descriptor: it is unprotected, Windows'
         * ObCheckObjectAccess grants the open (as ReactOS ntoskrnl/ob/obsecure.c does). */
        *GrantedAccess = PassedAccessState != NULL ? ObpGrantAll(PassedAccessState, mapping)
                                                   : ObpKernelGrant(DesiredAccess, mapping);
        return STATUS_SUCCESS;
    }
    const OBP_SECURITY_METHODS *methods = ObpLoadSecurityMethods();
    NTSTATUS status = methods == NULL || methods->CheckOpen == NULL
                          ? STATUS_INTERNAL_ERROR /* before the init sequence: fail closed */
                          : methods->CheckOpen(sd, PassedAccessState, DesiredAccess,
                                               (PGENERIC_MAPPING)mapping, GrantedAccess);
    if (shared) {
        BOOLEAN underflow;
        (void)ObpReleaseSecurityDescriptor(sd, 1, &underflow);
    }
    return status;
}

/* The registered methods and the object Handle names, for ZwQuery/ZwSetSecurityObject. On
 * success *Object holds a reference the caller releases with ObDereferenceObject.
 * STATUS_INTERNAL_ERROR before the init sequence (nothing to build with), else the status of
 * ObReferenceObjectByHandle. */
static NTSTATUS ObpReferenceSecurityTarget(HANDLE Handle, const OBP_SECURITY_METHODS **Methods,
                                           PVOID *Object)
{
    *Methods = ObpLoadSecurityMethods();
    if (*Methods == NULL)
        return STATUS_INTERNAL_ERROR;
    return ObReferenceObjectByHandle(Handle, 0, NULL, KernelMode, Object, NULL);
}

/* ZwQuerySecurityObject - see ntob.h. */
NTSTATUS ZwQuerySecurityObject(HANDLE Handle, SECURITY_INFORMATION SecurityInformation,
                               PSECURITY_DESCRIPTOR SecurityDescriptor, ULONG Length,
                               PULONG LengthNeeded)
{
    if (LengthNeeded == NULL)
        return STATUS_INVALID_PARAMETER;
    const OBP_SECURITY_METHODS *methods;
    PVOID object;
    NTSTATUS status = ObpReferenceSecurityTarget(Handle, &methods, &object);
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
    const OBP_SECURITY_METHODS *methods;
    PVOID object;
    NTSTATUS status = ObpReferenceSecurityTarget(Handle, &methods, &object);
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
