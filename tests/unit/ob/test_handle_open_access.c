/*
 * test_handle_open_access.c - the access check ObOpenObjectByPointer makes (src/ob/handle.c,
 * src/ob/objsec.c ObpCheckOpenAccess, src/se/objectopen.c): a UserMode open, or one with
 * OBJ_FORCE_ACCESS_CHECK, is checked against the object's descriptor for the caller's
 * subject context, as Windows' ObCheckObjectAccess does (ReactOS ntoskrnl/ob/obsecure.c);
 * KernelMode opens and objects without a descriptor are granted what is asked, generic bits
 * mapped with the type's mapping and MAXIMUM_ALLOWED resolved; a refusal leaves no handle
 * and no reference. The handle records the access granted.
 */
#include "ntsec_test.h"
#include "ob/obp.h"

#define USER_A "user=S-1-5-21-1-2-3-1001 groups=WD integrity=ME type=impersonation level=impersonation"
#define USER_B "user=S-1-5-21-1-2-3-1002 groups=WD integrity=ME type=impersonation level=impersonation"
#define USER_A_IDENT "user=S-1-5-21-1-2-3-1001 groups=WD integrity=ME type=impersonation level=identification"

/* The object the tests open: a token whose descriptor lets user A query it, nothing more. */
static PACCESS_TOKEN ProtectedToken(void)
{
    PACCESS_TOKEN object = TestToken("user=S-1-5-21-1-2-3-2000 groups=WD");
    PSECURITY_DESCRIPTOR sd = NULL;
    assert_status(NtsecSddlToSecurityDescriptor("O:BAD:(A;;0x8;;;S-1-5-21-1-2-3-1001)", &sd, NULL),
                  STATUS_SUCCESS);
    HANDLE h = NULL;
    assert_status(ObOpenObjectByPointer(object, OBJ_KERNEL_HANDLE, NULL, WRITE_DAC, *SeTokenObjectType,
                                        KernelMode, &h), STATUS_SUCCESS);
    assert_status(ZwSetSecurityObject(h, DACL_SECURITY_INFORMATION, sd), STATUS_SUCCESS);
    assert_status(ZwClose(h), STATUS_SUCCESS);
    NtsecFree(sd);
    return object;
}

/* Opens Object from the calling thread; on success returns the handle's granted access and
 * closes it, on failure checks that no handle and no reference were left. */
static NTSTATUS OpenAs(PVOID Object, ULONG Attributes, ACCESS_MASK Desired, KPROCESSOR_MODE Mode,
                       ACCESS_MASK *Granted)
{
    LONG_PTR refs = NtsecReferenceCount(Object);
    HANDLE h = (HANDLE)(ULONG_PTR)0x1234;
    NTSTATUS st = ObOpenObjectByPointer(Object, OBJ_KERNEL_HANDLE | Attributes, NULL, Desired,
                                        *SeTokenObjectType, Mode, &h);
    *Granted = 0;
    if (!NT_SUCCESS(st)) {
        assert_null(h);
        assert_int_equal(NtsecReferenceCount(Object), refs);
        return st;
    }
    assert_int_equal(NtsecReferenceCount(Object), refs + 1);
    PVOID got = NULL;
    OBJECT_HANDLE_INFORMATION info = { 0 };
    assert_status(ObReferenceObjectByHandle(h, 0, *SeTokenObjectType, KernelMode, &got, &info), STATUS_SUCCESS);
    assert_ptr_equal(got, Object);
    ObDereferenceObject(got);
    *Granted = info.GrantedAccess;
    assert_status(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(NtsecReferenceCount(Object), refs);
    return st;
}

static void Impersonate(PACCESS_TOKEN Token, SECURITY_IMPERSONATION_LEVEL Level)
{
    assert_status(PsImpersonateClient(PsGetCurrentThread(), Token, FALSE, FALSE, Level), STATUS_SUCCESS);
}

static void test_user_mode_open_is_checked_against_the_descriptor(void **state)
{
    PACCESS_TOKEN object = ProtectedToken(), a = TestToken(USER_A), b = TestToken(USER_B);
    ACCESS_MASK granted;
    Impersonate(a, SecurityImpersonation);
    assert_status(OpenAs(object, 0, TOKEN_QUERY, UserMode, &granted), STATUS_SUCCESS);
    assert_int_equal(granted, TOKEN_QUERY);
    assert_status(OpenAs(object, 0, TOKEN_QUERY | TOKEN_ADJUST_DEFAULT, UserMode, &granted),
                  STATUS_ACCESS_DENIED);
    /* GENERIC_READ maps to TOKEN_READ, which includes READ_CONTROL: not granted. */
    assert_status(OpenAs(object, 0, GENERIC_READ, UserMode, &granted), STATUS_ACCESS_DENIED);
    assert_status(OpenAs(object, 0, MAXIMUM_ALLOWED, UserMode, &granted), STATUS_SUCCESS);
    assert_int_equal(granted, TOKEN_QUERY);
    /* KernelMode is granted what it asks; OBJ_FORCE_ACCESS_CHECK checks it as UserMode. */
    assert_status(OpenAs(object, 0, TOKEN_ADJUST_DEFAULT, KernelMode, &granted), STATUS_SUCCESS);
    assert_int_equal(granted, TOKEN_ADJUST_DEFAULT);
    assert_status(OpenAs(object, OBJ_FORCE_ACCESS_CHECK, TOKEN_ADJUST_DEFAULT, KernelMode, &granted),
                  STATUS_ACCESS_DENIED);
    assert_status(OpenAs(object, OBJ_FORCE_ACCESS_CHECK, TOKEN_QUERY, KernelMode, &granted), STATUS_SUCCESS);
    assert_int_equal(granted, TOKEN_QUERY);
    /* Another user is refused; the check is for whoever the thread is now. */
    Impersonate(b, SecurityImpersonation);
    assert_status(OpenAs(object, 0, TOKEN_QUERY, UserMode, &granted), STATUS_ACCESS_DENIED);
    PsRevertToSelf();
    assert_int_equal(NtsecReferenceCount(a), 1);
    assert_int_equal(NtsecReferenceCount(b), 1);
    ObDereferenceObject(a);
    ObDereferenceObject(b);
    ObDereferenceObject(object);
}

static void test_identification_level_cannot_open(void **state)
{
    PACCESS_TOKEN object = ProtectedToken(), ident = TestToken(USER_A_IDENT);
    ACCESS_MASK granted;
    Impersonate(ident, SecurityIdentification);
    assert_status(OpenAs(object, 0, TOKEN_QUERY, UserMode, &granted), STATUS_BAD_IMPERSONATION_LEVEL);
    PsRevertToSelf();
    assert_int_equal(NtsecReferenceCount(ident), 1);
    ObDereferenceObject(ident);
    ObDereferenceObject(object);
}

static void test_unprotected_objects_and_kernel_mode_map_what_is_asked(void **state)
{
    PACCESS_TOKEN object = TestToken("user=S-1-5-21-1-2-3-2000 groups=WD");
    PACCESS_TOKEN b = TestToken(USER_B);
    ACCESS_MASK granted;
    Impersonate(b, SecurityImpersonation);
    /* No descriptor: unprotected, whoever asks. */
    assert_status(OpenAs(object, 0, TOKEN_ADJUST_DEFAULT, UserMode, &granted), STATUS_SUCCESS);
    assert_int_equal(granted, TOKEN_ADJUST_DEFAULT);
    assert_status(OpenAs(object, 0, GENERIC_READ, UserMode, &granted), STATUS_SUCCESS);
    assert_int_equal(granted, TOKEN_READ);
    assert_status(OpenAs(object, 0, MAXIMUM_ALLOWED, KernelMode, &granted), STATUS_SUCCESS);
    assert_int_equal(granted, TOKEN_ALL_ACCESS);
    assert_status(OpenAs(object, 0, GENERIC_WRITE | TOKEN_QUERY, KernelMode, &granted), STATUS_SUCCESS);
    assert_int_equal(granted, TOKEN_WRITE | TOKEN_QUERY);
    PsRevertToSelf();
    ObDereferenceObject(b);
    ObDereferenceObject(object);
}

static void test_passed_access_state_is_the_one_checked_and_updated(void **state)
{
    PACCESS_TOKEN object = ProtectedToken(), a = TestToken(USER_A);
    Impersonate(a, SecurityImpersonation);
    ACCESS_STATE as;
    AUX_ACCESS_DATA aux;
    static GENERIC_MAPPING mapping = { TOKEN_READ, TOKEN_WRITE, TOKEN_EXECUTE, TOKEN_ALL_ACCESS };
    assert_status(SeCreateAccessState(&as, &aux, TOKEN_QUERY, &mapping), STATUS_SUCCESS);
    as.PreviouslyGrantedAccess = TOKEN_ADJUST_DEFAULT; /* granted earlier, e.g. by privilege */
    HANDLE h = NULL;
    assert_status(ObOpenObjectByPointer(object, OBJ_KERNEL_HANDLE, &as, TOKEN_ALL_ACCESS /* ignored */,
                                        *SeTokenObjectType, UserMode, &h), STATUS_SUCCESS);
    assert_int_equal(as.RemainingDesiredAccess, 0);
    assert_int_equal(as.PreviouslyGrantedAccess, TOKEN_QUERY | TOKEN_ADJUST_DEFAULT);
    PVOID got = NULL;
    OBJECT_HANDLE_INFORMATION info = { 0 };
    assert_status(ObReferenceObjectByHandle(h, TOKEN_QUERY | TOKEN_ADJUST_DEFAULT, *SeTokenObjectType,
                                            UserMode, &got, &info), STATUS_SUCCESS);
    assert_int_equal(info.GrantedAccess, TOKEN_QUERY | TOKEN_ADJUST_DEFAULT);
    ObDereferenceObject(got);
    assert_status(ZwClose(h), STATUS_SUCCESS);
    /* A refused passed state keeps its remaining access and gets no handle. */
    as.RemainingDesiredAccess = TOKEN_DUPLICATE;
    h = (HANDLE)(ULONG_PTR)0x1234;
    assert_status(ObOpenObjectByPointer(object, OBJ_KERNEL_HANDLE, &as, 0, *SeTokenObjectType, UserMode, &h),
                  STATUS_ACCESS_DENIED);
    assert_null(h);
    assert_int_equal(as.RemainingDesiredAccess, TOKEN_DUPLICATE);
    SeDeleteAccessState(&as);
    PsRevertToSelf();
    assert_int_equal(NtsecReferenceCount(a), 1);
    assert_int_equal(NtsecReferenceCount(object), 1);
    ObDereferenceObject(a);
    ObDereferenceObject(object);
}

static void test_the_check_holds_no_reference_on_the_descriptor(void **state)
{
    PACCESS_TOKEN object = ProtectedToken(), a = TestToken(USER_A);
    PSECURITY_DESCRIPTOR shared = OBJECT_TO_OBJECT_HEADER(object)->SecurityDescriptor;
    assert_non_null(shared);
    LONG_PTR before = ObpSecurityDescriptorReferences(shared);
    assert_true(before >= 1);
    ACCESS_MASK granted;
    Impersonate(a, SecurityImpersonation);
    assert_status(OpenAs(object, 0, TOKEN_QUERY, UserMode, &granted), STATUS_SUCCESS);
    assert_status(OpenAs(object, 0, TOKEN_DUPLICATE, UserMode, &granted), STATUS_ACCESS_DENIED);
    PsRevertToSelf();
    assert_int_equal(ObpSecurityDescriptorReferences(shared), before);
    ObDereferenceObject(a);
    ObDereferenceObject(object);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_mode_open_is_checked_against_the_descriptor),
        cmocka_unit_test(test_identification_level_cannot_open),
        cmocka_unit_test(test_unprotected_objects_and_kernel_mode_map_what_is_asked),
        cmocka_unit_test(test_passed_access_state_is_the_one_checked_and_updated),
        cmocka_unit_test(test_the_check_holds_no_reference_on_the_descriptor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
