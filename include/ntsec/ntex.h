/*
 * ntex.h - pool allocation, system worker queues, I/O work items, bug checks (Ex*, Io*, Ke*).
 */
#ifndef NTSEC_NTEX_H
#define NTSEC_NTEX_H

#include "ntdef.h"
#include "ntse.h"
#include "ntob.h"

NTSEC_EXTERN_C_BEGIN

/* Pool (src/ex/pool.c). Every allocation carries a four-character tag. */
NTKERNELAPI PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
NTKERNELAPI PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes);
/* Charged to the requestor's quota in Windows; ntsec has no quotas, so these allocate as
 * ExAllocatePoolWithTag does. POOL_QUOTA_FAIL_INSTEAD_OF_RAISE (may be or'ed into PoolType)
 * is what ntsec does anyway: a failure is NULL, never an exception. */
#define POOL_QUOTA_FAIL_INSTEAD_OF_RAISE 8
#define POOL_RAISE_IF_ALLOCATION_FAILURE 16
NTKERNELAPI PVOID ExAllocatePoolWithQuotaTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
NTKERNELAPI PVOID ExAllocatePoolWithQuota(POOL_TYPE PoolType, SIZE_T NumberOfBytes);
NTKERNELAPI VOID ExFreePoolWithTag(PVOID P, ULONG Tag);
NTKERNELAPI VOID ExFreePool(PVOID P);

/* Bug checks (src/ex/bugcheck.c) */
#define IMPERSONATING_WORKER_THREAD 0x000000DFUL
#define WORKER_THREAD_RETURNED_AT_BAD_IRQL 0x000000E1UL
#define WORKER_INVALID 0x000000E4UL
/* P1 = 0x46: freeing memory that is no pool block (P2 = the address); raised only with the
 * verifier off - with it on, a finding instead (src/verifier/pool.c). */
#define BAD_POOL_CALLER 0x000000C2UL
/* ntsec-specific: a thread's Linux credentials could not be brought back to a consistent
 * identity after a failed switch (src/host, docs/host.md). P1 = failed step, P2 = errno,
 * P3 = Linux thread id, P4 = the uid the thread was being switched to. */
#define NTSEC_HOST_CREDENTIALS_INCONSISTENT 0x4E545345UL
/* ntsec-specific: the library could not initialise itself when it was loaded (src/ex/init.c).
 * P1 = the init step that failed, P2 = its NTSTATUS. */
#define NTSEC_INITIALIZATION_FAILED 0x4E54494EUL
/* ntsec-specific: a required pointer argument was NULL in a routine that has no status to
 * return it in (docs/null-arguments.md). P1 = the routine's name (a PCSTR), P2 = the 1-based
 * number of the argument. A handler that returns lets the caller go on; the routine then does
 * nothing and returns 0. */
#define NTSEC_NULL_ARGUMENT 0x4E544E4CUL
NTKERNELAPI VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1,
                              ULONG_PTR BugCheckParameter2, ULONG_PTR BugCheckParameter3,
                              ULONG_PTR BugCheckParameter4);
/* KeBugCheck - KeBugCheckEx(BugCheckCode, 0, 0, 0, 0). */
NTKERNELAPI VOID KeBugCheck(ULONG BugCheckCode);
NTKERNELAPI KIRQL KeGetCurrentIrql(VOID);

/* ---- Debug output and assertions (src/ex/debug.c) ---- */
/* DbgPrint - printf-style text to stderr (the kernel debugger's place here). Returns
 * STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for a NULL Format. */
NTSYSAPI ULONG DbgPrint(PCSTR Format, ...);
ULONG DbgPrint(PCSTR Format, ...) __attribute__((format(printf, 1, 2)));
/*
 * RtlAssert - what a failed ASSERT calls: prints the expression, file and line (and
 * MutableMessage when not NULL) to stderr, reports a verifier finding when the verifier is
 * on, then bug checks NTSEC_ASSERTION_FAILURE
 * (P1 = the expression text, P2 = the file name, P3 = the line). A bug check handler that
 * returns lets the caller go on, as "continue" in the kernel debugger would.
 */
#define NTSEC_ASSERTION_FAILURE 0x4E544153UL
NTSYSAPI VOID RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName, ULONG LineNumber,
                        PSTR MutableMessage);
/* ASSERT/NT_ASSERT check unless NDEBUG is defined (the WDK checks them in DBG builds). */
#if defined(NDEBUG) && !(defined(DBG) && DBG)
#define ASSERT(exp) ((void)0)
#define ASSERTMSG(msg, exp) ((void)0)
#else
#define ASSERT(exp) \
    ((!(exp)) ? (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, NULL), FALSE) : TRUE)
#define ASSERTMSG(msg, exp) \
    ((!(exp)) ? (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, (PSTR)(msg)), FALSE) : TRUE)
#endif
#define NT_ASSERT(exp) ASSERT(exp)
#define NT_ASSERTMSG(msg, exp) ASSERTMSG(msg, exp)
/* PAGED_CODE - code that may be paged must run at or below APC_LEVEL: checked (an
 * assertion) against the modelled IRQL, which is PASSIVE_LEVEL in every ntsec thread. */
#define PAGED_CODE() ((void)ASSERT(KeGetCurrentIrql() <= APC_LEVEL))
#define PAGED_CODE_LOCKED() ((void)0)

/* Worker queues (src/ex/work.c, spec 2.21). */
typedef enum _WORK_QUEUE_TYPE {
    CriticalWorkQueue = 0,
    DelayedWorkQueue = 1,
    HyperCriticalWorkQueue = 2,   /* reserved for the system */
    NormalWorkQueue = 3,
    BackgroundWorkQueue = 4,
    RealTimeWorkQueue = 5,
    SuperCriticalWorkQueue = 6,
    MaximumWorkQueue = 7,
    CustomPriorityWorkQueue = 32  /* 32 + priority (Windows 8.1 and later) */
} WORK_QUEUE_TYPE;

/* The WDK's routine type for work-item routines (`WORKER_THREAD_ROUTINE MyWorker;`) and the
 * pointer type ExInitializeWorkItem takes. */
typedef VOID WORKER_THREAD_ROUTINE(PVOID Parameter);
typedef WORKER_THREAD_ROUTINE *PWORKER_THREAD_ROUTINE;

typedef struct _WORK_QUEUE_ITEM {
    LIST_ENTRY List;              /* Flink is NULL while the item is not queued */
    PWORKER_THREAD_ROUTINE WorkerRoutine;
    volatile PVOID Parameter;
} WORK_QUEUE_ITEM, *PWORK_QUEUE_ITEM;

/* A macro in the WDK (kept as one here); the function of the same name is exported for
 * callers that cannot use macros. Both set the routine and parameter and mark the item
 * "not queued". */
NTKERNELAPI VOID ExInitializeWorkItem(PWORK_QUEUE_ITEM Item, PWORKER_THREAD_ROUTINE Routine,
                                      PVOID Context);
#define ExInitializeWorkItem(Item, Routine, Context) \
    ((Item)->WorkerRoutine = (Routine), (Item)->Parameter = (Context), \
     (Item)->List.Flink = NULL)
NTKERNELAPI VOID ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType);

/* Minimal I/O manager objects (src/io/iowork.c): enough for IoAllocateWorkItem. */
#define IO_TYPE_DRIVER 4
#define IO_TYPE_DEVICE 3
#define FILE_DEVICE_UNKNOWN 0x00000022
/* DEVICE_OBJECT.Characteristics (wdm.h). */
#define FILE_AUTOGENERATED_DEVICE_NAME 0x00000080
#define FILE_DEVICE_SECURE_OPEN        0x00000100
typedef ULONG DEVICE_TYPE;
struct _DEVICE_OBJECT;

typedef struct _DRIVER_OBJECT {
    SHORT Type;                   /* IO_TYPE_DRIVER (set by the caller or left 0) */
    SHORT Size;
    struct _DEVICE_OBJECT *DeviceObject; /* devices created for this driver (NextDevice chain) */
    ULONG Flags;
    PVOID DriverExtension;
    UNICODE_STRING DriverName;
} DRIVER_OBJECT, *PDRIVER_OBJECT;

typedef struct _DEVICE_OBJECT {
    /* The WDK's x64 layout (offsets checked in src/io/iowork.c); the members ntsec does not
     * model (IRP queues, DPC, timer, VPB, lock) are opaque reserved bytes of their size. */
    CSHORT Type;                  /* IO_TYPE_DEVICE */
    USHORT Size;
    LONG ReferenceCount;          /* I/O reference count (unused; the object count is kept by Ob) */
    struct _DRIVER_OBJECT *DriverObject;
    struct _DEVICE_OBJECT *NextDevice;
    struct _DEVICE_OBJECT *AttachedDevice; /* NULL: ntsec has no device stacks */
    PVOID CurrentIrp;
    PVOID Timer;
    ULONG Flags;
    ULONG Characteristics;
    PVOID Vpb;
    PVOID DeviceExtension;        /* DeviceExtensionSize zeroed bytes, or NULL */
    DEVICE_TYPE DeviceType;
    CCHAR StackSize;
    union {
        LIST_ENTRY ListEntry;
        UCHAR Wcb[0x48];          /* WAIT_CONTEXT_BLOCK (not modelled) */
    } Queue;
    ULONG AlignmentRequirement;
    union { ULONG_PTR Align; UCHAR Bytes[0x28]; } DeviceQueue; /* KDEVICE_QUEUE (not modelled) */
    union { ULONG_PTR Align; UCHAR Bytes[0x40]; } Dpc;         /* KDPC (not modelled) */
    ULONG ActiveThreadCount;
    /* The device's descriptor (IoCreateDevice: a default that grants SYSTEM and
     * Administrators all access, Everyone and Restricted read/execute; a shared descriptor,
     * see ObLogSecurityDescriptor; ZwSetSecurityObject on a device handle replaces it). */
    PSECURITY_DESCRIPTOR SecurityDescriptor;
    union { ULONG_PTR Align; UCHAR Bytes[0x18]; } DeviceLock;  /* KEVENT (not modelled) */
    USHORT SectorSize;
    USHORT Spare1;
    PVOID DeviceObjectExtension;
    PVOID Reserved;
} DEVICE_OBJECT, *PDEVICE_OBJECT;

NTKERNELAPI NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
                                    PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
                                    ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                                    PDEVICE_OBJECT *DeviceObject);
NTKERNELAPI VOID IoDeleteDevice(PDEVICE_OBJECT DeviceObject);

typedef struct _IO_WORKITEM IO_WORKITEM, *PIO_WORKITEM;
typedef VOID (*PIO_WORKITEM_ROUTINE)(PDEVICE_OBJECT DeviceObject, PVOID Context);
NTKERNELAPI PIO_WORKITEM IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject);
NTKERNELAPI VOID IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                                 WORK_QUEUE_TYPE QueueType, PVOID Context);
NTKERNELAPI VOID IoFreeWorkItem(PIO_WORKITEM IoWorkItem);
NTKERNELAPI ULONG IoSizeofWorkItem(VOID);
NTKERNELAPI VOID IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem);
NTKERNELAPI VOID IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem);

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTEX_H */
