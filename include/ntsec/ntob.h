/*
 * ntob.h - object references and the kernel handle table (Ob*).
 *
 * Object arguments. Every routine of this library that takes an object (PACCESS_TOKEN,
 * PEPROCESS, PETHREAD, PDEVICE_OBJECT, a PVOID Object) checks its type by reading the object
 * header stored just before the pointer. The pointer must therefore be NULL or an ntsec
 * object: anything else is undefined behaviour - usually STATUS_OBJECT_TYPE_MISMATCH, but a
 * pointer at the start of a mapping faults, and a small heap block is a read of its allocator's
 * metadata. With the verifier on (NTSEC_VERIFIER=1) the pointer is first looked up among the
 * live and freed objects the verifier knows, so a non-object is a NotAnObject finding and the
 * routine's usual error without any read of that memory (docs/verifier.md).
 */
#ifndef NTSEC_NTOB_H
#define NTSEC_NTOB_H

#include "ntdef.h"
#include "ntse.h"

NTSEC_EXTERN_C_BEGIN

#define OBJ_INHERIT       0x00000002L
#define OBJ_CASE_INSENSITIVE 0x00000040L
#define OBJ_KERNEL_HANDLE 0x00000200L
#define OBJ_FORCE_ACCESS_CHECK 0x00000400L /* ObOpenObjectByPointer checks the open as UserMode */

typedef struct _OBJECT_ATTRIBUTES {
    ULONG Length;
    HANDLE RootDirectory;
    PUNICODE_STRING ObjectName;
    ULONG Attributes;
    PVOID SecurityDescriptor;
    PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;

#define InitializeObjectAttributes(p, n, a, r, s) \
    do { \
        (p)->Length = sizeof(OBJECT_ATTRIBUTES); \
        (p)->RootDirectory = (r); \
        (p)->Attributes = (a); \
        (p)->ObjectName = (n); \
        (p)->SecurityDescriptor = (s); \
        (p)->SecurityQualityOfService = NULL; \
    } while (0)

typedef struct _OBJECT_HANDLE_INFORMATION {
    ULONG HandleAttributes;
    ACCESS_MASK GrantedAccess;
} OBJECT_HANDLE_INFORMATION, *POBJECT_HANDLE_INFORMATION;

typedef struct _ACCESS_STATE *PACCESS_STATE;

NTKERNELAPI LONG_PTR ObfReferenceObject(PVOID Object);
NTKERNELAPI LONG_PTR ObfDereferenceObject(PVOID Object);
#define ObReferenceObject(Object) ObfReferenceObject(Object)
#define ObDereferenceObject(Object) ObfDereferenceObject(Object)

NTKERNELAPI NTSTATUS ObReferenceObjectByPointer(PVOID Object, ACCESS_MASK DesiredAccess,
                                                POBJECT_TYPE ObjectType,
                                                KPROCESSOR_MODE AccessMode);
NTKERNELAPI NTSTATUS ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess,
                                               POBJECT_TYPE ObjectType,
                                               KPROCESSOR_MODE AccessMode, PVOID *Object,
                                               POBJECT_HANDLE_INFORMATION HandleInformation);
/*
 * ObOpenObjectByPointer - a kernel handle to Object that owns a new reference (ZwClose
 * releases it); the caller's reference and PassedAccessState stay the caller's. A UserMode
 * open, or one with OBJ_FORCE_ACCESS_CHECK, is checked with SeAccessCheck against the
 * object's descriptor for the caller's subject context (or PassedAccessState's, whose
 * remaining access is the access asked); an object without a descriptor is unprotected.
 * A refusal returns SeAccessCheck's status and creates no handle. The handle records the
 * granted access, generic bits mapped and MAXIMUM_ALLOWED resolved.
 */
NTKERNELAPI NTSTATUS ObOpenObjectByPointer(PVOID Object, ULONG HandleAttributes,
                                           PACCESS_STATE PassedAccessState,
                                           ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                                           KPROCESSOR_MODE AccessMode, PHANDLE Handle);
NTSYSAPI NTSTATUS ZwClose(HANDLE Handle);
/*
 * ObCloseHandle - closes Handle as ZwClose does, releasing the reference the handle owned.
 * PreviousMode is accepted for the WDK signature: every ntsec handle is a kernel handle, so
 * UserMode and KernelMode close the same table. STATUS_INVALID_HANDLE for an unknown handle.
 */
NTKERNELAPI NTSTATUS ObCloseHandle(HANDLE Handle, KPROCESSOR_MODE PreviousMode);

/* ---- Shared security descriptors (src/ob/sdcache.c) ---- */
/*
 * ObLogSecurityDescriptor - enters the self-relative InputSecurityDescriptor in the
 * library's table of shared descriptors and returns in *OutputSecurityDescriptor the shared
 * copy (an identical descriptor already in the table is shared, not copied again), holding
 * RefBias new references (RefBias >= 1) the caller owns. InputSecurityDescriptor is only
 * read: the caller still owns and frees it. STATUS_INVALID_SECURITY_DESCR (not a valid
 * self-relative descriptor), STATUS_INVALID_PARAMETER (RefBias 0), STATUS_NO_MEMORY.
 */
NTKERNELAPI NTSTATUS ObLogSecurityDescriptor(PSECURITY_DESCRIPTOR InputSecurityDescriptor,
                                             PSECURITY_DESCRIPTOR *OutputSecurityDescriptor,
                                             ULONG RefBias);
/* ObReferenceSecurityDescriptor - Count more references on a shared descriptor. */
NTKERNELAPI VOID ObReferenceSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, ULONG Count);
/*
 * ObDereferenceSecurityDescriptor - releases Count references on a shared descriptor from
 * ObLogSecurityDescriptor; the last one frees it. A descriptor that is not in the table, or
 * more releases than references, is a verifier finding and changes nothing.
 */
NTKERNELAPI VOID ObDereferenceSecurityDescriptor(PSECURITY_DESCRIPTOR SecurityDescriptor, ULONG Count);

/* ---- Object security by handle (src/ob/objsec.c) ---- */
/*
 * ZwQuerySecurityObject - the parts named by SecurityInformation of the security descriptor
 * of Handle's object, self-relative, in the caller's buffer (Length bytes); *LengthNeeded is
 * the size it needs. STATUS_BUFFER_TOO_SMALL (with *LengthNeeded) when Length is short.
 * An object that was never given a descriptor answers an empty one (no owner, group or
 * ACLs). Zw from kernel code: PreviousMode is KernelMode, so the handle's granted access is
 * not checked. Takes and keeps no references (the handle's object is referenced for the call).
 */
NTSYSAPI NTSTATUS ZwQuerySecurityObject(HANDLE Handle, SECURITY_INFORMATION SecurityInformation,
                                        PSECURITY_DESCRIPTOR SecurityDescriptor, ULONG Length,
                                        PULONG LengthNeeded);
/*
 * ZwSetSecurityObject - replaces the parts named by SecurityInformation of the descriptor of
 * Handle's object with those of SecurityDescriptor (SeSetSecurityDescriptorInfo rules; generic
 * rights in the new ACEs are mapped with the object type's mapping). The object keeps the new
 * descriptor in the shared table (one reference, released when it is replaced or the object
 * is deleted). Same handle rules as ZwQuerySecurityObject.
 */
NTSYSAPI NTSTATUS ZwSetSecurityObject(HANDLE Handle, SECURITY_INFORMATION SecurityInformation,
                                      PSECURITY_DESCRIPTOR SecurityDescriptor);

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTOB_H */
