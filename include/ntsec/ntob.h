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

typedef struct _UNICODE_STRING {
    USHORT Length;
    USHORT MaximumLength;
    PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;

typedef struct _OBJECT_ATTRIBUTES {
    ULONG Length;
    HANDLE RootDirectory;
    PUNICODE_STRING ObjectName;
    ULONG Attributes;
    PVOID SecurityDescriptor;
    PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;

#define InitializeObjectAttributes(p, n, a, r, s) \\
    do { \\
        (p)->Length = sizeof(OBJECT_ATTRIBUTES); \\
        (p)->RootDirectory = (r); \\
        (p)->Attributes = (a); \\
        (p)->ObjectName = (n); \\
        (p)->SecurityDescriptor = (s); \\
        (p)->SecurityQualityOfService = NULL; \\
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
NTKERNELAPI NTSTATUS ObOpenObjectByPointer(PVOID Object, ULONG HandleAttributes,
                                           PACCESS_STATE PassedAccessState,
                                           ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                                           KPROCESSOR_MODE AccessMode, PHANDLE Handle);
NTSYSAPI NTSTATUS ZwClose(HANDLE Handle);

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTOB_H */
