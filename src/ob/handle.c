/*
 * handle.c - the kernel handle table (ObOpenObjectByPointer, ObReferenceObjectByHandle, ZwClose).
 *
 * One table for the whole library, as for kernel handles (OBJ_KERNEL_HANDLE). Each entry
 * owns one reference on its object. Handles are multiples of 4 starting at 4; the pseudo
 * handles NtCurrentThread()/NtCurrentProcess() resolve to the caller's thread/process.
 */
#include <pthread.h>
#include <stdlib.h>
#include "ob/obp.h"
#include "ps/psp.h"
#include "ex/pooltags.h"
#include "rtl/rtlp.h"

typedef struct _OBP_HANDLE_ENTRY {
    PVOID Object;
    ACCESS_MASK GrantedAccess;
    ULONG Attributes;
} OBP_HANDLE_ENTRY;

static pthread_mutex_t ObpHandleLock = PTHREAD_MUTEX_INITIALIZER;
static OBP_HANDLE_ENTRY *ObpHandles;
static ULONG ObpHandleCapacity;

static ULONG_PTR ObpHandleToIndex(HANDLE Handle)
{
    ULONG_PTR v = (ULONG_PTR)Handle;
    if (v == 0 || (v & 3) != 0)
        return (ULONG_PTR)-1;
    return v / 4 - 1;
}

/*
 * ObOpenObjectByPointer - creates a kernel handle for Object. On success the handle owns
 * a new reference (the caller's own reference is untouched); close it with ZwClose. A
 * PassedAccessState stays the caller's (its subject context's references too); without one
 * a UserMode open captures the caller's subject context for the check and releases it.
 * @remarks As Windows opens a handle (ObCheckObjectAccess): a UserMode open, or any open
 * with OBJ_FORCE_ACCESS_CHECK, is checked with SeAccessCheck against the object's
 * descriptor (an object without one is unprotected); a refusal creates no handle and
 * returns SeAccessCheck's status. KernelMode opens are granted what they ask. The handle
 * records the granted access with generic bits mapped and MAXIMUM_ALLOWED resolved.
 */
NTSTATUS ObOpenObjectByPointer(PVOID Object, ULONG HandleAttributes, PACCESS_STATE PassedAccessState,
                               ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                               KPROCESSOR_MODE AccessMode, PHANDLE Handle)
{
    if (Object == NULL || Handle == NULL)
        return STATUS_INVALID_PARAMETER;
    *Handle = NULL;
    if (ObjectType != NULL && !ObpCheckType(Object, ObjectType, "ObOpenObjectByPointer"))
        return STATUS_OBJECT_TYPE_MISMATCH;
    if (HandleAttributes & OBJ_FORCE_ACCESS_CHECK)
        AccessMode = UserMode;
    ACCESS_MASK granted = 0;
    NTSTATUS st = ObpCheckOpenAccess(Object, PassedAccessState, DesiredAccess, AccessMode, &granted);
    if (!NT_SUCCESS(st))
        return st;

    pthread_mutex_lock(&ObpHandleLock);
    ULONG i;
    for (i = 0; i < ObpHandleCapacity; i++)
        if (ObpHandles[i].Object == NULL)
            break;
    if (i == ObpHandleCapacity) {
        ULONG n = ObpHandleCapacity ? ObpHandleCapacity * 2 : 64;
        OBP_HANDLE_ENTRY *t = ExAllocatePoolWithTag(NonPagedPool, n * sizeof(*t), OBP_HANDLE_TAG);
        if (t == NULL) {
            pthread_mutex_unlock(&ObpHandleLock);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        for (ULONG j = 0; j < n; j++)
            t[j] = (OBP_HANDLE_ENTRY){ 0 };
        for (ULONG j = 0; j < ObpHandleCapacity; j++)
            t[j] = ObpHandles[j];
        if (ObpHandles)
            ExFreePoolWithTag(ObpHandles, OBP_HANDLE_TAG);
        ObpHandles = t;
        ObpHandleCapacity = n;
    }
    ObfReferenceObject(Object);
    ObpHandles[i].Object = Object;
    ObpHandles[i].GrantedAccess = granted;
    ObpHandles[i].Attributes = HandleAttributes;
    pthread_mutex_unlock(&ObpHandleLock);
    *Handle = (HANDLE)(ULONG_PTR)((i + 1) * 4);
    return STATUS_SUCCESS;
}

/*
 * ObReferenceObjectByHandle - on success *Object holds a new reference the caller must
 * release with ObDereferenceObject. Wrong type: STATUS_OBJECT_TYPE_MISMATCH; unknown
 * handle: STATUS_INVALID_HANDLE. UserMode callers get STATUS_ACCESS_DENIED when the
 * handle was not granted DesiredAccess.
 */
NTSTATUS ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                                   KPROCESSOR_MODE AccessMode, PVOID *Object,
                                   POBJECT_HANDLE_INFORMATION HandleInformation)
{
    if (Object == NULL)
        return STATUS_INVALID_PARAMETER;
    *Object = NULL;
    PVOID obj = NULL;
    ACCESS_MASK granted = 0;
    if (Handle == NtCurrentThread()) {
        obj = PsGetCurrentThread();
        granted = THREAD_ALL_ACCESS;
    } else if (Handle == NtCurrentProcess()) {
        obj = PsGetCurrentProcess();
        granted = PROCESS_ALL_ACCESS;
    }
    if (obj != NULL) {
        if (ObjectType != NULL && !ObpCheckType(obj, ObjectType, "ObReferenceObjectByHandle"))
            return STATUS_OBJECT_TYPE_MISMATCH;
        ObfReferenceObject(obj);
    } else {
        ULONG_PTR i = ObpHandleToIndex(Handle);
        pthread_mutex_lock(&ObpHandleLock);
        if (i >= ObpHandleCapacity || ObpHandles[i].Object == NULL) {
            pthread_mutex_unlock(&ObpHandleLock);
            return STATUS_INVALID_HANDLE;
        }
        obj = ObpHandles[i].Object;
        granted = ObpHandles[i].GrantedAccess;
        if (ObjectType != NULL && !ObpCheckType(obj, ObjectType, "ObReferenceObjectByHandle")) {
            pthread_mutex_unlock(&ObpHandleLock);
            return STATUS_OBJECT_TYPE_MISMATCH;
        }
        if (AccessMode == UserMode && (DesiredAccess & ~granted) != 0) {
            pthread_mutex_unlock(&ObpHandleLock);
            return STATUS_ACCESS_DENIED;
        }
        ObfReferenceObject(obj);
        pthread_mutex_unlock(&ObpHandleLock);
    }
    if (HandleInformation != NULL) {
        HandleInformation->GrantedAccess = granted;
        HandleInformation->HandleAttributes = 0;
    }
    *Object = obj;
    return STATUS_SUCCESS;
}

/*
 * ZwClose - closes a kernel handle, releasing the reference the handle owned.
 */
NTSTATUS ZwClose(HANDLE Handle)
{
    if (Handle == NtCurrentThread() || Handle == NtCurrentProcess())
        return STATUS_SUCCESS;
    ULONG_PTR i = ObpHandleToIndex(Handle);
    pthread_mutex_lock(&ObpHandleLock);
    if (i >= ObpHandleCapacity || ObpHandles[i].Object == NULL) {
        pthread_mutex_unlock(&ObpHandleLock);
        return STATUS_INVALID_HANDLE;
    }
    PVOID obj = ObpHandles[i].Object;
    ObpHandles[i].Object = NULL;
    pthread_mutex_unlock(&ObpHandleLock);
    ObfDereferenceObject(obj);
    return STATUS_SUCCESS;
}

/* ObpCloseAllHandles - releases every handle's reference and frees the table. */
/* ObCloseHandle - see ntob.h: ZwClose for either previous mode. */
NTSTATUS ObCloseHandle(HANDLE Handle, KPROCESSOR_MODE PreviousMode)
{
    (void)PreviousMode;
    return ZwClose(Handle);
}

VOID ObpCloseAllHandles(VOID)
{
    for (;;) {
        PVOID obj = NULL;
        pthread_mutex_lock(&ObpHandleLock);
        for (ULONG i = 0; i < ObpHandleCapacity; i++) {
            if (ObpHandles[i].Object != NULL) {
                obj = ObpHandles[i].Object;
                ObpHandles[i].Object = NULL;
                break;
            }
        }
        if (obj == NULL) {
            if (ObpHandles)
                ExFreePoolWithTag(ObpHandles, OBP_HANDLE_TAG);
            ObpHandles = NULL;
            ObpHandleCapacity = 0;
        }
        pthread_mutex_unlock(&ObpHandleLock);
        if (obj == NULL)
            return;
        ObfDereferenceObject(obj);
    }
}

/* Fork (src/ex/fork.c): the handle table lock is held across fork and released in the
 * child (its only thread took it), which keeps the parent's handles (each still owns its reference). */
VOID ObpForkPrepare(VOID)
{
    pthread_mutex_lock(&ObpHandleLock);
}

VOID ObpForkParent(VOID)
{
    pthread_mutex_unlock(&ObpHandleLock);
}

VOID ObpForkChild(VOID)
{
    pthread_mutex_unlock(&ObpHandleLock); /* locked by this thread, the child's only one */
}
