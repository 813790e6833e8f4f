/*
 * iosec.c - the I/O manager's security helpers: the file generic mapping and the current
 * process as the I/O manager names it.
 */
#include <stddef.h>
#include "io/iop.h"

/* Read-only: IoGetFileObjectGenericMapping hands out a non-const pointer (WDK signature),
 * and a write through it faults instead of changing every caller's mapping. */
const GENERIC_MAPPING IopFileMapping = { FILE_GENERIC_READ, FILE_GENERIC_WRITE,
                                         FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS };

/* IoGetFileObjectGenericMapping - see ntio.h. No references. */
PGENERIC_MAPPING IoGetFileObjectGenericMapping(VOID)
{
    return (PGENERIC_MAPPING)&IopFileMapping;
}

/* IoGetCurrentProcess - see ntio.h. No reference is taken. */
PEPROCESS IoGetCurrentProcess(VOID)
{
    return PsGetCurrentProcess();
}

/* The WDK's x64 offsets of the IRP and stack-location members drivers read. */
_Static_assert(offsetof(IRP, IoStatus) == 0x30, "IRP layout");
_Static_assert(offsetof(IRP, RequestorMode) == 0x40, "IRP layout");
_Static_assert(offsetof(IRP, ApcEnvironment) == 0x46, "IRP layout");
_Static_assert(offsetof(IRP, Overlay) == 0x58, "IRP layout");
_Static_assert(offsetof(IRP, UserBuffer) == 0x70, "IRP layout");
_Static_assert(offsetof(IRP, Tail.Overlay.Thread) == 0x98, "IRP layout");
_Static_assert(offsetof(IRP, Tail.Overlay.CurrentStackLocation) == 0xB8, "IRP layout");
_Static_assert(sizeof(IRP) == 0xD0, "IRP layout");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Create.FileAttributes) == 0x18, "IRP layout");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Create.EaLength) == 0x20, "IRP layout");
_Static_assert(offsetof(IO_STACK_LOCATION, DeviceObject) == 0x28, "IRP layout");
_Static_assert(sizeof(IO_STACK_LOCATION) == 0x48, "IRP layout");

/* IoGetRequestorProcess - see ntio.h. No reference is taken. The thread's attachment is
 * its own state (ps/attach.c), so only the requesting thread can say where it is attached. */
PEPROCESS IoGetRequestorProcess(PIRP Irp)
{
    if (Irp == NULL || Irp->Tail.Overlay.Thread == NULL)
        return NULL;
    PETHREAD thread = Irp->Tail.Overlay.Thread;
    switch (Irp->ApcEnvironment) {
    case 0:
        return PsGetThreadProcess(thread);
    case 1:
        return thread == PsGetCurrentThread() ? PsGetCurrentProcess() : NULL;
    default:
        return NULL;
    }
}

/* IoGetRequestorProcessId - see ntio.h. No references. */
ULONG IoGetRequestorProcessId(PIRP Irp)
{
    PEPROCESS process = IoGetRequestorProcess(Irp);
    return process != NULL ? (ULONG)(ULONG_PTR)PsGetProcessId(process) : 0;
}
