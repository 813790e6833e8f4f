/*
 * ntio.h - the security data of the I/O manager that file systems use: file access rights,
 * ACCESS_STATE, IO_SECURITY_CONTEXT, the create IRP stack flags, the file generic mapping,
 * and the Se routines that work on an ACCESS_STATE (Io*, Se*). The IRP plumbing itself is
 * not modelled. Values and x64 layouts are the WDK's (wdm.h / ntifs.h).
 */
#ifndef NTSEC_NTIO_H
#define NTSEC_NTIO_H

#include "ntdef.h"
#include "ntse.h"
#include "ntob.h"
#include "ntex.h"
#include "ntke.h"

NTSEC_EXTERN_C_BEGIN

/* ---- File and directory access rights (winnt.h) ---- */
#define FILE_READ_DATA            0x0001    /* file & pipe */
#define FILE_LIST_DIRECTORY       0x0001    /* directory */
#define FILE_WRITE_DATA           0x0002    /* file & pipe */
#define FILE_ADD_FILE             0x0002    /* directory */
#define FILE_APPEND_DATA          0x0004    /* file */
#define FILE_ADD_SUBDIRECTORY     0x0004    /* directory */
#define FILE_CREATE_PIPE_INSTANCE 0x0004    /* named pipe */
#define FILE_READ_EA              0x0008
#define FILE_WRITE_EA             0x0010
#define FILE_EXECUTE              0x0020    /* file */
#define FILE_TRAVERSE             0x0020    /* directory */
#define FILE_DELETE_CHILD         0x0040    /* directory */
#define FILE_READ_ATTRIBUTES      0x0080
#define FILE_WRITE_ATTRIBUTES     0x0100
#define FILE_ALL_ACCESS           (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FF)
#define FILE_GENERIC_READ         (STANDARD_RIGHTS_READ | FILE_READ_DATA | FILE_READ_ATTRIBUTES | \
                                   FILE_READ_EA | SYNCHRONIZE)
#define FILE_GENERIC_WRITE        (STANDARD_RIGHTS_WRITE | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES | \
                                   FILE_WRITE_EA | FILE_APPEND_DATA | SYNCHRONIZE)
#define FILE_GENERIC_EXECUTE      (STANDARD_RIGHTS_EXECUTE | FILE_READ_ATTRIBUTES | FILE_EXECUTE | \
                                   SYNCHRONIZE)
#define FILE_SHARE_READ           0x00000001
#define FILE_SHARE_WRITE          0x00000002
#define FILE_SHARE_DELETE         0x00000004
#define FILE_SHARE_VALID_FLAGS    0x00000007

/* ---- Create options (IO_SECURITY_CONTEXT.FullCreateOptions, wdm.h) ---- */
#define FILE_DIRECTORY_FILE            0x00000001
#define FILE_WRITE_THROUGH             0x00000002
#define FILE_SEQUENTIAL_ONLY           0x00000004
#define FILE_NO_INTERMEDIATE_BUFFERING 0x00000008
#define FILE_SYNCHRONOUS_IO_ALERT      0x00000010
#define FILE_SYNCHRONOUS_IO_NONALERT   0x00000020
#define FILE_NON_DIRECTORY_FILE        0x00000040
#define FILE_CREATE_TREE_CONNECTION    0x00000080
#define FILE_COMPLETE_IF_OPLOCKED      0x00000100
#define FILE_NO_EA_KNOWLEDGE           0x00000200
#define FILE_OPEN_REMOTE_INSTANCE      0x00000400
#define FILE_RANDOM_ACCESS             0x00000800
#define FILE_DELETE_ON_CLOSE           0x00001000
#define FILE_OPEN_BY_FILE_ID           0x00002000
#define FILE_OPEN_FOR_BACKUP_INTENT    0x00004000
#define FILE_NO_COMPRESSION            0x00008000
#define FILE_RESERVE_OPFILTER          0x00100000
#define FILE_OPEN_REPARSE_POINT        0x00200000
#define FILE_OPEN_NO_RECALL            0x00400000
#define FILE_OPEN_FOR_FREE_SPACE_QUERY 0x00800000

/* Create dispositions (the high byte of the create options in IRP_MJ_CREATE). */
#define FILE_SUPERSEDE    0x00000000
#define FILE_OPEN         0x00000001
#define FILE_CREATE       0x00000002
#define FILE_OPEN_IF      0x00000003
#define FILE_OVERWRITE    0x00000004
#define FILE_OVERWRITE_IF 0x00000005

/* ---- IO_STACK_LOCATION.Flags of IRP_MJ_CREATE (wdm.h) ---- */
#define SL_FORCE_ACCESS_CHECK        0x01
#define SL_OPEN_PAGING_FILE          0x02
#define SL_OPEN_TARGET_DIRECTORY     0x04
#define SL_STOP_ON_SYMLINK           0x08
#define SL_IGNORE_READONLY_ATTRIBUTE 0x40
#define SL_CASE_SENSITIVE            0x80

/* ---- ACCESS_STATE (wdm.h, x64: 0xA0 bytes) ---- */
/* ACCESS_STATE.Flags (the same bits as the TOKEN_HAS_* flags of ntse.h where they agree). */
#define SE_BACKUP_PRIVILEGES_CHECKED 0x00000010

struct _ACCESS_STATE {
    LUID OperationID;
    BOOLEAN SecurityEvaluated;
    BOOLEAN GenerateAudit;
    BOOLEAN GenerateOnClose;
    BOOLEAN PrivilegesAllocated;
    ULONG Flags;                       /* TOKEN_HAS_TRAVERSE_PRIVILEGE, ... */
    ACCESS_MASK RemainingDesiredAccess;
    ACCESS_MASK PreviouslyGrantedAccess;
    ACCESS_MASK OriginalDesiredAccess;
    SECURITY_SUBJECT_CONTEXT SubjectSecurityContext;
    PSECURITY_DESCRIPTOR SecurityDescriptor;
    PVOID AuxData;                     /* PAUX_ACCESS_DATA */
    union {
        INITIAL_PRIVILEGE_SET InitialPrivilegeSet;
        PRIVILEGE_SET PrivilegeSet;
    } Privileges;
    BOOLEAN AuditPrivileges;
    UNICODE_STRING ObjectName;
    UNICODE_STRING ObjectTypeName;
};
typedef struct _ACCESS_STATE ACCESS_STATE;

/* The part of the system's AUX_ACCESS_DATA drivers touch (ReactOS's public layout). */
typedef struct _AUX_ACCESS_DATA {
    PPRIVILEGE_SET PrivilegeSet;       /* the privileges used so far (SeAppendPrivileges) */
    GENERIC_MAPPING GenericMapping;
    ULONG Reserved;
} AUX_ACCESS_DATA, *PAUX_ACCESS_DATA;

typedef struct _IO_SECURITY_CONTEXT {
    PSECURITY_QUALITY_OF_SERVICE SecurityQos;
    PACCESS_STATE AccessState;
    ACCESS_MASK DesiredAccess;
    ULONG FullCreateOptions;
} IO_SECURITY_CONTEXT, *PIO_SECURITY_CONTEXT;

/* ---- IO_STATUS_BLOCK and the create results in its Information (wdm.h) ---- */
typedef struct _IO_STATUS_BLOCK {
    union {
        NTSTATUS Status;
        PVOID Pointer;
    };
    ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

#define FILE_SUPERSEDED     0x00000000
#define FILE_OPENED         0x00000001
#define FILE_CREATED        0x00000002
#define FILE_OVERWRITTEN    0x00000003
#define FILE_EXISTS         0x00000004
#define FILE_DOES_NOT_EXIST 0x00000005

/* ---- The IRP and its stack location: the members that carry security data ----
 * The WDK's x64 layout (offsets checked in src/io/iosec.c and test_wdk_surface). ntsec has
 * no I/O manager: nothing builds, queues or completes IRPs; a driver's test builds one
 * (Tail.Overlay.Thread, RequestorMode, a stack location with Parameters.Create) and hands it
 * to its dispatch code, which reads it as on Windows. Members ntsec does not model (MDLs,
 * APCs, cancel routines) are opaque pointers or bytes of their size. FILE_OBJECT is not
 * modelled (an incomplete type). */
#define IO_TYPE_IRP 6
#define IRP_MJ_CREATE 0x00
typedef struct _FILE_OBJECT FILE_OBJECT, *PFILE_OBJECT;
struct _IO_STACK_LOCATION;

typedef struct _IRP {
    CSHORT Type;                         /* IO_TYPE_IRP */
    USHORT Size;
    USHORT AllocationProcessorNumber;
    USHORT Reserved;
    PVOID MdlAddress;                    /* PMDL (not modelled) */
    ULONG Flags;
    union {
        struct _IRP *MasterIrp;
        LONG IrpCount;
        PVOID SystemBuffer;
    } AssociatedIrp;
    LIST_ENTRY ThreadListEntry;
    IO_STATUS_BLOCK IoStatus;
    KPROCESSOR_MODE RequestorMode;       /* the mode of the requestor (KernelMode: no check) */
    BOOLEAN PendingReturned;
    CHAR StackCount;
    CHAR CurrentLocation;
    BOOLEAN Cancel;
    KIRQL CancelIrql;
    CCHAR ApcEnvironment;                /* 0: requested in the thread's own process; 1: while
                                            it was attached to another (IoGetRequestorProcess) */
    UCHAR AllocationFlags;
    PIO_STATUS_BLOCK UserIosb;
    PVOID UserEvent;                     /* PKEVENT (not modelled) */
    union {
        struct {
            PVOID UserApcRoutine;
            PVOID UserApcContext;
        } AsynchronousParameters;
        LARGE_INTEGER AllocationSize;
    } Overlay;
    PVOID CancelRoutine;                 /* PDRIVER_CANCEL (not modelled) */
    PVOID UserBuffer;
    union {
        struct {
            union {
                UCHAR DeviceQueueEntry[0x18]; /* KDEVICE_QUEUE_ENTRY (not modelled) */
                struct {
                    PVOID DriverContext[4];
                };
            };
            PETHREAD Thread;             /* the requesting thread (no reference) */
            PCHAR AuxiliaryBuffer;
            struct {
                LIST_ENTRY ListEntry;
                union {
                    struct _IO_STACK_LOCATION *CurrentStackLocation;
                    ULONG PacketType;
                };
            };
            PFILE_OBJECT OriginalFileObject;
        } Overlay;
        KAPC Apc;                        /* not modelled */
        PVOID CompletionKey;
    } Tail;
} IRP, *PIRP;

typedef struct _IO_STACK_LOCATION {
    UCHAR MajorFunction;
    UCHAR MinorFunction;
    UCHAR Flags;                         /* SL_FORCE_ACCESS_CHECK, SL_OPEN_TARGET_DIRECTORY, ... */
    UCHAR Control;
    union {
        struct {
            PIO_SECURITY_CONTEXT SecurityContext;
            ULONG Options;               /* create options; disposition in the high byte */
            _Alignas(8) USHORT FileAttributes;
            USHORT ShareAccess;
            _Alignas(8) ULONG EaLength;
        } Create;
        struct {
            PVOID Argument1;
            PVOID Argument2;
            PVOID Argument3;
            PVOID Argument4;
        } Others;
    } Parameters;
    PDEVICE_OBJECT DeviceObject;
    PFILE_OBJECT FileObject;
    PVOID CompletionRoutine;             /* PIO_COMPLETION_ROUTINE (not modelled) */
    PVOID Context;
} IO_STACK_LOCATION, *PIO_STACK_LOCATION;

/* IoGetCurrentIrpStackLocation - the IRP's current stack location (a macro-like inline in the
 * WDK as here). No references. */
static inline PIO_STACK_LOCATION IoGetCurrentIrpStackLocation(PIRP Irp)
{
    return Irp->Tail.Overlay.CurrentStackLocation;
}

/* ---- Routines (src/se/accessstate.c, src/io/iosec.c) ---- */
/*
 * IoGetRequestorProcess - the process that requested the I/O of Irp: NULL when
 * Irp->Tail.Overlay.Thread is NULL; the thread's own process when Irp->ApcEnvironment is 0;
 * when it is 1 (requested while attached), the process the thread is attached to - known
 * only to that thread itself, so this is the calling thread's current process when the
 * caller is the requestor (the IRP_MJ_CREATE case: dispatch runs in the requestor's
 * context) and NULL otherwise; NULL for any other ApcEnvironment. No reference is taken.
 */
NTKERNELAPI PEPROCESS IoGetRequestorProcess(PIRP Irp);
/* IoGetRequestorProcessId - the process id (PsGetProcessId) of IoGetRequestorProcess(Irp)
 * as a ULONG; 0 when that is NULL. */
NTKERNELAPI ULONG IoGetRequestorProcessId(PIRP Irp);
/* IoGetFileObjectGenericMapping - the generic mapping of files and directories
 * (FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS). The
 * mapping is read-only static storage: writing through the pointer faults. */
NTKERNELAPI PGENERIC_MAPPING IoGetFileObjectGenericMapping(VOID);
/* IoGetCurrentProcess - PsGetCurrentProcess: the process the thread is attached to
 * (KeStackAttachProcess), else its own. No reference is taken. */
NTKERNELAPI PEPROCESS IoGetCurrentProcess(VOID);

/*
 * SeCreateAccessState - fills AccessState for an open of an object of GenericMapping's type
 * by the calling thread: captures its subject context (the references belong to AccessState
 * until SeDeleteAccessState), maps the generic bits of DesiredAccess into
 * OriginalDesiredAccess and RemainingDesiredAccess, sets TOKEN_HAS_TRAVERSE_PRIVILEGE in Flags
 * when the effective token has SeChangeNotifyPrivilege enabled (and TOKEN_HAS_BACKUP_PRIVILEGE
 * / TOKEN_HAS_RESTORE_PRIVILEGE likewise), a new OperationID, and points AuxData (the caller's
 * AUX_ACCESS_DATA) at the state's own privilege set. STATUS_SUCCESS.
 */
NTKERNELAPI NTSTATUS SeCreateAccessState(PACCESS_STATE AccessState, PVOID AuxData,
                                         ACCESS_MASK DesiredAccess, PGENERIC_MAPPING GenericMapping);
/*
 * SeDeleteAccessState - releases what SeCreateAccessState and SeAppendPrivileges gave
 * AccessState: the subject context's token references and an allocated privilege set.
 * ObjectName/ObjectTypeName buffers are the caller's (not freed here).
 */
NTKERNELAPI VOID SeDeleteAccessState(PACCESS_STATE AccessState);
/*
 * SeAppendPrivileges - appends Privileges (e.g. the set SeAccessCheck returned) to the
 * privileges recorded as used in AccessState (AUX_ACCESS_DATA.PrivilegeSet). Past
 * INITIAL_PRIVILEGE_COUNT entries a larger set is allocated from pool and owned by
 * AccessState (PrivilegesAllocated; freed by SeDeleteAccessState). Privileges is only read.
 * STATUS_INVALID_PARAMETER (AccessState without AuxData), STATUS_NO_MEMORY.
 */
NTKERNELAPI NTSTATUS SeAppendPrivileges(PACCESS_STATE AccessState, PPRIVILEGE_SET Privileges);
/*
 * SeOpenObjectAuditAlarm - ntsec keeps no audit log and honours no SACL audit ACEs: this
 * writes no audit record and sets *GenerateOnClose (and AccessState->GenerateOnClose) to
 * FALSE, which is what Windows reports when auditing is off. The other arguments are only
 * validated (AccessState and GenerateOnClose are required).
 */
NTKERNELAPI VOID SeOpenObjectAuditAlarm(PUNICODE_STRING ObjectTypeName, PVOID Object,
                                        PUNICODE_STRING AbsoluteObjectName,
                                        PSECURITY_DESCRIPTOR SecurityDescriptor,
                                        PACCESS_STATE AccessState, BOOLEAN ObjectCreated,
                                        BOOLEAN AccessGranted, KPROCESSOR_MODE AccessMode,
                                        PBOOLEAN GenerateOnClose);

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTIO_H */
