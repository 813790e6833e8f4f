/*
 * test_iosec_requestor.c - the IRP's security members (src/io/iosec.c): the WDK's x64 layout
 * of IRP and IO_STACK_LOCATION, IoGetCurrentIrpStackLocation, and IoGetRequestorProcess /
 * IoGetRequestorProcessId for the requesting thread, attached or not (WinFsp create.c and
 * fileinfo.c hand IoGetRequestorProcessId(Irp) to their user-mode file system).
 */
#include <string.h>
#include "ntsec_test.h"

#define USER_B "user=S-1-5-21-1-2-3-1002 groups=WD"

static void test_irp_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(IRP), 0xD0);
    assert_int_equal(FIELD_OFFSET(IRP, IoStatus), 0x30);
    assert_int_equal(FIELD_OFFSET(IRP, RequestorMode), 0x40);
    assert_int_equal(FIELD_OFFSET(IRP, Overlay.AllocationSize), 0x58);
    assert_int_equal(FIELD_OFFSET(IRP, Tail.Overlay.DriverContext), 0x78);
    assert_int_equal(FIELD_OFFSET(IRP, Tail.Overlay.Thread), 0x98);
    assert_int_equal(FIELD_OFFSET(IRP, Tail.Overlay.CurrentStackLocation), 0xB8);
    assert_int_equal(sizeof(IO_STACK_LOCATION), 0x48);
    assert_int_equal(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.Create.SecurityContext), 0x08);
    assert_int_equal(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.Create.Options), 0x10);
    assert_int_equal(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.Create.ShareAccess), 0x1A);
    assert_int_equal(FIELD_OFFSET(IO_STACK_LOCATION, FileObject), 0x30);
    assert_int_equal(sizeof(IO_STATUS_BLOCK), 16);
    assert_int_equal(FILE_SUPERSEDED, 0);
    assert_int_equal(FILE_OPENED, 1);
    assert_int_equal(FILE_CREATED, 2);
    assert_int_equal(FILE_OVERWRITTEN, 3);
    assert_int_equal(IO_TYPE_IRP, 6);
    IO_STACK_LOCATION sp;
    IRP irp;
    memset(&irp, 0, sizeof irp);
    irp.Tail.Overlay.CurrentStackLocation = &sp;
    assert_ptr_equal(IoGetCurrentIrpStackLocation(&irp), &sp);
}

static void test_requestor_process(void **state)
{
    (void)state;
    IRP irp;
    memset(&irp, 0, sizeof irp);
    assert_null(IoGetRequestorProcess(NULL));
    assert_int_equal(IoGetRequestorProcessId(NULL), 0);
    /* No thread recorded: no requestor. */
    assert_null(IoGetRequestorProcess(&irp));
    assert_int_equal(IoGetRequestorProcessId(&irp), 0);

    PEPROCESS own = PsGetCurrentProcess();
    ULONG ownId = (ULONG)(ULONG_PTR)PsGetProcessId(own);
    assert_int_not_equal(ownId, 0);
    LONG_PTR ownRefs = NtsecReferenceCount(own);
    irp.Tail.Overlay.Thread = PsGetCurrentThread();
    irp.ApcEnvironment = 0;
    assert_ptr_equal(IoGetRequestorProcess(&irp), own);
    assert_int_equal(IoGetRequestorProcessId(&irp), ownId);
    assert_int_equal(NtsecReferenceCount(own), ownRefs); /* no reference taken */

    PACCESS_TOKEN primary = TestToken(USER_B);
    PEPROCESS other;
    assert_status(NtsecCreateProcess(primary, &other), STATUS_SUCCESS);
    ULONG otherId = (ULONG)(ULONG_PTR)PsGetProcessId(other);
    assert_int_not_equal(otherId, ownId);
    KAPC_STATE apc;
    KeStackAttachProcess(other, &apc);
    /* Requested in the thread's own process: the owner, attached or not. */
    assert_ptr_equal(IoGetRequestorProcess(&irp), own);
    assert_int_equal(IoGetRequestorProcessId(&irp), ownId);
    /* Requested while attached: the process the requestor is attached to. */
    irp.ApcEnvironment = 1;
    assert_ptr_equal(IoGetRequestorProcess(&irp), other);
    assert_int_equal(IoGetRequestorProcessId(&irp), otherId);
    /* Any other environment names no process. */
    irp.ApcEnvironment = 2;
    assert_null(IoGetRequestorProcess(&irp));
    assert_int_equal(IoGetRequestorProcessId(&irp), 0);
    KeUnstackDetachProcess(&apc);
    irp.ApcEnvironment = 1;
    assert_ptr_equal(IoGetRequestorProcess(&irp), own);
    ObDereferenceObject(other);
    ObDereferenceObject(primary);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_irp_layout),
        cmocka_unit_test(test_requestor_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
