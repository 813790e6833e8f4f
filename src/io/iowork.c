/*
 * iowork.c - minimal device objects and I/O work items: IoCreateDevice, IoDeleteDevice,
 * IoAllocateWorkItem, IoQueueWorkItem, IoFreeWorkItem, IoSizeofWorkItem,
 * IoInitializeWorkItem, IoUninitializeWorkItem (spec 2.21).
 *
 * A device object is an ntsec object of type "Device" (so it is reference counted and
 * shows up in the verifier's leak report). An I/O work item keeps its device referenced
 * from IoQueueWorkItem until its routine has returned, so a driver may delete the device
 * while an item is pending.
 */
#include <pthread.h>
#include <string.h>
#include "ex/exp.h"
#include "io/iop.h"
#include "verifier/vf.h"
#include "rtl/rtlp.h"
#include "ex/pooltags.h"

OBJECT_TYPE IopDeviceObjectType = {
    .Name = "Device",
    .GenericMapping = &IopFileMapping,
    .SecurityDescriptorOffset = offsetof(DEVICE_OBJECT, SecurityDescriptor),
};

struct _IO_WORKITEM {
    WORK_QUEUE_ITEM Item;
    PDEVICE_OBJECT DeviceObject;   /* no reference while idle; one while queued/running */
    PIO_WORKITEM_ROUTINE Routine;
    PVOID Context;
    _Atomic BOOLEAN Queued;        /* TRUE from IoQueueWorkItem until the routine starts */
    BOOLEAN Allocated;             /* from IoAllocateWorkItem (IoFreeWorkItem frees it) */
};

/* The WDK's x64 offsets of the members drivers read. */
_Static_assert(offsetof(DEVICE_OBJECT, DeviceExtension) == 0x40, "DEVICE_OBJECT layout");
_Static_assert(offsetof(DEVICE_OBJECT, DeviceType) == 0x48, "DEVICE_OBJECT layout");
_Static_assert(offsetof(DEVICE_OBJECT, SecurityDescriptor) == 0x110, "DEVICE_OBJECT layout");
_Static_assert(offsetof(DEVICE_OBJECT, SectorSize) == 0x130, "DEVICE_OBJECT layout");

static pthread_mutex_t IopDeviceLock = PTHREAD_MUTEX_INITIALIZER;

/*
 * IoCreateDevice - creates an unnamed device object for DriverObject. On success
 * *DeviceObject holds the creation reference, released by IoDeleteDevice; the device is
 * linked at the head of DriverObject->DeviceObject. DeviceExtensionSize zeroed bytes
 * follow the object (DeviceExtension).
 * @remarks Only what work items need is modelled: named devices (DeviceName != NULL)
 * return STATUS_NOT_IMPLEMENTED; Exclusive is recorded in Flags only. NULL DriverObject
 * or DeviceObject: STATUS_INVALID_PARAMETER. Out of memory: STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
                        PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
                        ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                        PDEVICE_OBJECT *DeviceObject)
{
    if (DeviceObject == NULL)
        return STATUS_INVALID_PARAMETER;
    *DeviceObject = NULL;
    if (DriverObject == NULL)
        return STATUS_INVALID_PARAMETER;
    if (DeviceName != NULL)
        return NTSEC_NOT_IMPLEMENTED();
    SIZE_T extension = (DeviceExtensionSize + 15u) & ~(SIZE_T)15u;
    PDEVICE_OBJECT device = NULL;
    NTSTATUS status = ObpCreateObject(&IopDeviceObjectType, sizeof(DEVICE_OBJECT) + extension,
                                      "device (IoCreateDevice)", (PVOID *)&device);
    if (!NT_SUCCESS(status))
        return STATUS_INSUFFICIENT_RESOURCES;
    device->Type = IO_TYPE_DEVICE;
    device->Size = (USHORT)sizeof(DEVICE_OBJECT);
    device->DriverObject = DriverObject;
    device->Characteristics = DeviceCharacteristics;
    device->DeviceType = DeviceType;
    device->Flags = Exclusive ? 0x8 /* DO_EXCLUSIVE */ : 0;
    device->DeviceExtension = DeviceExtensionSize ? (PUCHAR)(device + 1) : NULL;
    device->SecurityDescriptor = IopDefaultDeviceSecurityDescriptor();
    pthread_mutex_lock(&IopDeviceLock);
    device->NextDevice = DriverObject->DeviceObject;
    DriverObject->DeviceObject = device;
    pthread_mutex_unlock(&IopDeviceLock);
    *DeviceObject = device;
    return STATUS_SUCCESS;
}

/*
 * IoDeleteDevice - unlinks DeviceObject from its driver and releases the creation
 * reference. Pending work items keep the object alive until their routines return.
 * Something that is not a device is reported (verifier) and ignored.
 */
VOID IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
    if (!ObpCheckType(DeviceObject, &IopDeviceObjectType, "IoDeleteDevice"))
        return;
    PDRIVER_OBJECT driver = DeviceObject->DriverObject;
    pthread_mutex_lock(&IopDeviceLock);
    if (driver != NULL) {
        for (PDEVICE_OBJECT *p = &driver->DeviceObject; *p != NULL; p = &(*p)->NextDevice) {
            if (*p == DeviceObject) {
                *p = DeviceObject->NextDevice;
                break;
            }
        }
    }
    DeviceObject->NextDevice = NULL;
    DeviceObject->DriverObject = NULL;
    pthread_mutex_unlock(&IopDeviceLock);
    ObDereferenceObject(DeviceObject);
}

ULONG IoSizeofWorkItem(VOID)
{
    return (ULONG)sizeof(IO_WORKITEM);
}

/*
 * IoInitializeWorkItem - prepares caller-allocated storage of IoSizeofWorkItem() bytes
 * for IoObject (a device object). Takes no reference.
 */
VOID IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem)
{
    if (IoWorkItem == NULL)
        return;
    memset(IoWorkItem, 0, sizeof *IoWorkItem);
    IoWorkItem->DeviceObject = IoObject;
}

VOID IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem)
{
    if (IoWorkItem != NULL && atomic_load(&IoWorkItem->Queued))
        KeBugCheckEx(WORKER_INVALID, EXP_INVALID_FREE_QUEUED, (ULONG_PTR)IoWorkItem,
                     (ULONG_PTR)IoWorkItem->Routine, (ULONG_PTR)IoWorkItem->Context);
}

/*
 * IoAllocateWorkItem - a work item for DeviceObject, freed with IoFreeWorkItem, or NULL
 * when out of memory or when DeviceObject is not a device object (verifier finding).
 * Takes no reference on the device (IoQueueWorkItem does).
 */
PIO_WORKITEM IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
    if (!ObpCheckType(DeviceObject, &IopDeviceObjectType, "IoAllocateWorkItem"))
        return NULL;
    PIO_WORKITEM item = ExAllocatePoolWithTag(NonPagedPool, sizeof *item, IOP_WORKITEM_TAG);
    if (item == NULL)
        return NULL;
    IoInitializeWorkItem(DeviceObject, item);
    item->Allocated = TRUE;
    return item;
}

/*
 * IopProcessWorkItem - the executive routine behind every I/O work item. Reads the
 * item's fields and marks it not queued before calling the driver's routine (which may
 * free or requeue it), checks the post-conditions with the driver's routine and context
 * as the bug-check parameters, then releases the queue's device reference.
 */
static VOID IopProcessWorkItem(PVOID Parameter)
{
    PIO_WORKITEM item = Parameter;
    PDEVICE_OBJECT device = item->DeviceObject;
    PIO_WORKITEM_ROUTINE routine = item->Routine;
    PVOID context = item->Context;
    atomic_store(&item->Queued, FALSE);
    routine(device, context);
    ExpCheckWorkerReturn((PVOID)(ULONG_PTR)routine, context, item);
    ObDereferenceObject(device);
}

/*
 * IoQueueWorkItem - queues IoWorkItem to run WorkerRoutine(DeviceObject, Context) on a
 * system worker thread. Takes a reference on the device, released after the routine
 * returns. Queuing an item that is still queued raises WORKER_INVALID (P1 = 0, P2 =
 * item, P3 = queue type, P4 = routine) and changes nothing (spec 2.21; C for the
 * parameters). If the item is refused (0xE4 from ExQueueWorkItem: bad queue type, after
 * NtsecShutdown, no worker) and the bug-check handler returns, the device reference is
 * released again and the item is left not queued. NULL item or routine: ignored.
 */
VOID IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                     WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    if (IoWorkItem == NULL || WorkerRoutine == NULL)
        return;
    if (atomic_exchange(&IoWorkItem->Queued, TRUE)) {
        KeBugCheckEx(WORKER_INVALID, EXP_INVALID_ALREADY_QUEUED, (ULONG_PTR)IoWorkItem,
                     (ULONG_PTR)QueueType, (ULONG_PTR)WorkerRoutine);
        return;
    }
    if (!ObpCheckType(IoWorkItem->DeviceObject, &IopDeviceObjectType, "IoQueueWorkItem")) {
        atomic_store(&IoWorkItem->Queued, FALSE);
        return;
    }
    PDEVICE_OBJECT device = IoWorkItem->DeviceObject;
    ObReferenceObject(device);
    IoWorkItem->Routine = WorkerRoutine;
    IoWorkItem->Context = Context;
    ExInitializeWorkItem(&IoWorkItem->Item, IopProcessWorkItem, IoWorkItem);
    if (!ExpQueueWorkItem(&IoWorkItem->Item, QueueType)) {
        /* Refused (bad queue type, after NtsecShutdown, no worker) and the bug-check
         * handler returned: nothing is pending, so give back what was taken for it. */
        atomic_store(&IoWorkItem->Queued, FALSE);
        ObDereferenceObject(device);
    }
}

/*
 * IoFreeWorkItem - frees an item from IoAllocateWorkItem. Allowed inside the item's own
 * routine (it is no longer queued then). Freeing a queued item raises WORKER_INVALID
 * (P1 = 2) and the item is not freed (spec 2.21: "only for an item that is not queued").
 * An item prepared with IoInitializeWorkItem (caller storage) is not freed either: a
 * verifier finding when on; IoUninitializeWorkItem is its release.
 */
VOID IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
    if (IoWorkItem == NULL)
        return;
    if (!IoWorkItem->Allocated) {
        /* Caller storage from IoInitializeWorkItem: not pool memory, never freed here. */
        if (VfIsEnabled())
            VfReport("IoFreeWorkItem of an item not from IoAllocateWorkItem", "IoFreeWorkItem",
                     NULL, "work item %p was prepared with IoInitializeWorkItem in caller "
                     "storage; release it with IoUninitializeWorkItem (spec 2.21). Not freed",
                     (PVOID)IoWorkItem);
        return;
    }
    if (atomic_load(&IoWorkItem->Queued)) {
        KeBugCheckEx(WORKER_INVALID, EXP_INVALID_FREE_QUEUED, (ULONG_PTR)IoWorkItem,
                     (ULONG_PTR)IoWorkItem->Routine, (ULONG_PTR)IoWorkItem->Context);
        return;
    }
    ExFreePoolWithTag(IoWorkItem, IOP_WORKITEM_TAG);
}
