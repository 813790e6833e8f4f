/*
 * test_wdk_surface.c - the WDK surface of issue 14: basic macros and layouts, ACCESS_STATE
 * routines, descriptor query/set, shared descriptors, object security by handle, process
 * attach, strings, SeExports, ZwQueryInformationToken, and the verifier's view of a
 * hand-written client-context cleanup.
 */
#include <stdio.h>
#include <string.h>
#include "ntsec_test.h"
#include "ob/obp.h"
#include "ps/psp.h"
#include "se/sep.h"

#define USER_A "user=S-1-5-21-1-2-3-1001 groups=WD,BU privileges=SeChangeNotifyPrivilege"
#define USER_B "user=S-1-5-21-1-2-3-1002 groups=WD privileges=SeBackupPrivilege:disabled"
#define IMP_A USER_A " type=impersonation level=impersonation"

static ULONG BugChecks, LastBugCheck;
static VOID CountBugCheck(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4, PVOID C)
{
    (void)P1, (void)P2, (void)P3, (void)P4, (void)C;
    BugChecks++;
    LastBugCheck = Code;
}

static void test_macros_and_layouts(void **state)
{
    ULONG flags = 0x5;
    assert_int_equal(FlagOn(flags, 0x4), 0x4);
    assert_int_equal(BooleanFlagOn(flags, 0x4), TRUE);
    assert_int_equal(BooleanFlagOn(flags, 0x2), FALSE);
    SetFlag(flags, 0x2);
    ClearFlag(flags, 0x1);
    assert_int_equal(flags, 0x6);
    /* Dokany create.c fails a directory open of the volume with it (ntstatus.h value). */
    assert_int_equal((ULONG)STATUS_NOT_A_DIRECTORY, 0xC0000103u);
    assert_false(NT_SUCCESS(STATUS_NOT_A_DIRECTORY));
    LARGE_INTEGER li;
    li.QuadPart = 0x1122334455667788LL;
    assert_int_equal(li.LowPart, 0x55667788);
    assert_int_equal(li.HighPart, 0x11223344);
    assert_int_equal(li.u.LowPart, li.LowPart);
    UCHAR a[4] = { 1, 2, 3, 4 }, b[4];
    RtlZeroMemory(b, sizeof b);
    assert_false(RtlEqualMemory(a, b, 4));
    RtlCopyMemory(b, a, 4);
    assert_true(RtlEqualMemory(a, b, 4));
    RtlFillMemory(b, 2, 9);
    RtlMoveMemory(b + 1, b, 3);
    assert_int_equal(b[2], 9); /* {9,9,3,4} moved up by one, overlapping */
    assert_int_equal(b[3], 3);
    assert_true(ARGUMENT_PRESENT(a));
    assert_false(ARGUMENT_PRESENT(NULL));
    LUID l = RtlConvertLongToLuid(-1);
    assert_int_equal(l.LowPart, 0xffffffff);
    assert_int_equal(l.HighPart, -1);
    /* The WDK's x64 layouts. */
    assert_int_equal(sizeof(ACCESS_STATE), 0xA0);
    assert_int_equal(FIELD_OFFSET(ACCESS_STATE, SubjectSecurityContext), 0x20);
    assert_int_equal(FIELD_OFFSET(ACCESS_STATE, SecurityDescriptor), 0x40);
    assert_int_equal(FIELD_OFFSET(ACCESS_STATE, AuxData), 0x48);
    assert_int_equal(FIELD_OFFSET(ACCESS_STATE, Privileges), 0x50);
    assert_int_equal(FIELD_OFFSET(ACCESS_STATE, AuditPrivileges), 0x7C);
    assert_int_equal(FIELD_OFFSET(ACCESS_STATE, ObjectName), 0x80);
    assert_int_equal(sizeof(IO_SECURITY_CONTEXT), 0x18);
    assert_int_equal(sizeof(KAPC_STATE), 0x30);
    assert_int_equal(FIELD_OFFSET(DEVICE_OBJECT, SecurityDescriptor), 0x110);
    assert_int_equal(FIELD_OFFSET(SE_EXPORTS, SeNullSid), 23 * sizeof(LUID));
    assert_int_equal(FILE_ALL_ACCESS, 0x1F01FF);
    assert_int_equal(FILE_GENERIC_READ, 0x120089);
    assert_int_equal(FILE_GENERIC_WRITE, 0x120116);
    assert_int_equal(FILE_GENERIC_EXECUTE, 0x1200A0);
    assert_int_equal(SL_FORCE_ACCESS_CHECK, 0x01);
    PGENERIC_MAPPING m = IoGetFileObjectGenericMapping();
    assert_int_equal(m->GenericRead, FILE_GENERIC_READ);
    assert_int_equal(m->GenericAll, FILE_ALL_ACCESS);
    assert_int_equal(DbgPrint("%s %d\n", "DbgPrint", 14), STATUS_SUCCESS);
}

static void test_se_exports(void **state)
{
    PSE_EXPORTS x = SeExports;
    assert_int_equal(x->SeChangeNotifyPrivilege.LowPart, SE_CHANGE_NOTIFY_PRIVILEGE);
    assert_int_equal(x->SeUnsolicitedInputPrivilege.LowPart, SE_UNSOLICITED_INPUT_PRIVILEGE);
    assert_int_equal(x->SeCreateSymbolicLinkPrivilege.LowPart, SE_CREATE_SYMBOLIC_LINK_PRIVILEGE);
    char text[64];
    UNICODE_STRING u = { 0 };
    struct { PSID Sid; PCSTR Text; } want[] = {
        { x->SeWorldSid, "S-1-1-0" }, { x->SeLocalSystemSid, "S-1-5-18" },
        { x->SeAliasAdminsSid, "S-1-5-32-544" }, { x->SeNtAuthoritySid, "S-1-5" },
        { x->SeAuthenticatedUsersSid, "S-1-5-11" }, { x->SeHighMandatorySid, "S-1-16-12288" },
        { x->SeOwnerRightsSid, "S-1-3-4" }, { x->SeRestrictedSid, "S-1-5-12" },
        { x->SeAllAppPackagesSid, "S-1-15-2-1" }, { x->SeUserModeDriversSid, "S-1-5-84-0-0-0-0-0" },
        { x->SeProcTrustWinTcbSid, "S-1-19-1024-8192" },
        { x->SeTrustedInstallerSid,
          "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464" },
    };
    /* The WDK's fields past SeOwnerRightsSid, at its x64 offsets; the app-silo SIDs (values
     * not publicly documented, no app silos here) are NULL. */
    assert_int_equal(FIELD_OFFSET(SE_EXPORTS, SeAllAppPackagesSid), 520);
    assert_int_equal(FIELD_OFFSET(SE_EXPORTS, SeDelegateSessionUserImpersonatePrivilege), 552);
    assert_int_equal(FIELD_OFFSET(SE_EXPORTS, SeAppSiloSid), 560);
    assert_int_equal(FIELD_OFFSET(SE_EXPORTS, SeAppSiloProfilesRootMinimalCapabilitySid), 576);
    assert_int_equal(sizeof(SE_EXPORTS), 600);
    assert_int_equal(x->SeDelegateSessionUserImpersonatePrivilege.LowPart,
                     SE_DELEGATE_SESSION_USER_IMPERSONATE_PRIVILEGE);
    assert_int_equal(x->SeDelegateSessionUserImpersonatePrivilege.HighPart, 0);
    assert_null(x->SeAppSiloSid);
    assert_null(x->SeAppSiloVolumeRootMinimalCapabilitySid);
    assert_null(x->SeAppSiloProfilesRootMinimalCapabilitySid);
    assert_null(x->SeAppSiloPromptForAccessCapabilitySid);
    assert_null(x->SeAppSiloAccessToPublisherDirectoryCapabilitySid);
    /* SeWorldSidAuthority: the authority of S-1-1-0, as the kernel exports it. */
    SID_IDENTIFIER_AUTHORITY world = { { 0, 0, 0, 0, 0, 1 } };
    assert_memory_equal(&SeWorldSidAuthority, &world, sizeof world);
    assert_memory_equal(RtlIdentifierAuthoritySid(x->SeWorldSid), &SeWorldSidAuthority, sizeof world);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_true(RtlValidSid(want[i].Sid));
        assert_status(RtlConvertSidToUnicodeString(&u, want[i].Sid, TRUE), STATUS_SUCCESS);
        for (USHORT c = 0; c <= u.Length / 2; c++)
            text[c] = (char)u.Buffer[c];
        assert_string_equal(text, want[i].Text);
        assert_int_equal(u.Length, strlen(want[i].Text) * 2);
        RtlFreeUnicodeString(&u);
        assert_null(u.Buffer);
    }
}

static void test_unicode_strings(void **state)
{
    UNICODE_STRING u;
    RtlInitUnicodeString(&u, u"abc");
    assert_int_equal(u.Length, 6);
    assert_int_equal(u.MaximumLength, 8);
    RtlInitUnicodeString(&u, NULL);
    assert_int_equal(u.Length, 0);
    assert_null(u.Buffer);
    WCHAR small[4];
    u.Buffer = small;
    u.Length = 0;
    u.MaximumLength = sizeof small;
    assert_status(RtlConvertSidToUnicodeString(&u, SeExports->SeWorldSid, FALSE), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(u.Length, 0);
    WCHAR big[16];
    u.Buffer = big;
    u.MaximumLength = sizeof big;
    assert_status(RtlConvertSidToUnicodeString(&u, SeExports->SeWorldSid, FALSE), STATUS_SUCCESS);
    assert_int_equal(u.Length, 14);
    assert_int_equal(big[7], 0);
    UCHAR bad[8] = { 9, 0 };
    assert_status(RtlConvertSidToUnicodeString(&u, bad, TRUE), STATUS_INVALID_SID);
}

static void test_access_state(void **state)
{
    PACCESS_TOKEN token = TestToken(IMP_A);
    assert_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    LONG_PTR refs = NtsecReferenceCount(token);
    ACCESS_STATE as;
    AUX_ACCESS_DATA aux;
    assert_status(SeCreateAccessState(&as, &aux, GENERIC_READ, IoGetFileObjectGenericMapping()),
                  STATUS_SUCCESS);
    assert_int_equal(as.OriginalDesiredAccess, FILE_GENERIC_READ);
    assert_int_equal(as.RemainingDesiredAccess, FILE_GENERIC_READ);
    assert_true(FlagOn(as.Flags, TOKEN_HAS_TRAVERSE_PRIVILEGE));
    assert_false(FlagOn(as.Flags, TOKEN_HAS_BACKUP_PRIVILEGE));
    assert_ptr_equal(as.SubjectSecurityContext.ClientToken, token);
    assert_int_equal(NtsecReferenceCount(token), refs + 1);
    assert_ptr_equal(as.AuxData, &aux);
    assert_ptr_equal(aux.PrivilegeSet, &as.Privileges.PrivilegeSet);
    assert_int_equal(aux.GenericMapping.GenericAll, FILE_ALL_ACCESS);
    assert_true(as.OperationID.LowPart != 0 || as.OperationID.HighPart != 0);

    /* Five privileges appended: past INITIAL_PRIVILEGE_COUNT the set is allocated. */
    PRIVILEGE_SET one = { 1, 0, { { { SE_BACKUP_PRIVILEGE, 0 }, SE_PRIVILEGE_USED_FOR_ACCESS } } };
    ULONG before = NtsecAllocationCount();
    for (int i = 0; i < 3; i++)
        assert_status(SeAppendPrivileges(&as, &one), STATUS_SUCCESS);
    assert_int_equal(NtsecAllocationCount(), before);
    assert_false(as.PrivilegesAllocated);
    assert_status(SeAppendPrivileges(&as, &one), STATUS_SUCCESS);
    assert_status(SeAppendPrivileges(&as, &one), STATUS_SUCCESS);
    assert_true(as.PrivilegesAllocated);
    assert_int_equal(aux.PrivilegeSet->PrivilegeCount, 5);
    assert_int_equal(aux.PrivilegeSet->Privilege[4].Luid.LowPart, SE_BACKUP_PRIVILEGE);
    BOOLEAN onClose = TRUE;
    SeOpenObjectAuditAlarm(NULL, NULL, NULL, NULL, &as, FALSE, TRUE, UserMode, &onClose);
    assert_false(onClose);
    assert_false(as.GenerateOnClose);
    SeDeleteAccessState(&as);
    assert_null(aux.PrivilegeSet);
    assert_int_equal(NtsecReferenceCount(token), refs);
    AUX_ACCESS_DATA *none = NULL;
    as.AuxData = none;
    assert_status(SeAppendPrivileges(&as, &one), STATUS_INVALID_PARAMETER);
    PsRevertToSelf();
    ObDereferenceObject(token);
}

static PSECURITY_DESCRIPTOR Sddl(PCSTR Text)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    assert_status(NtsecSddlToSecurityDescriptor(Text, &sd, NULL), STATUS_SUCCESS);
    return sd;
}

static void test_query_set_descriptor_info(void **state)
{
    PSECURITY_DESCRIPTOR object = Sddl("O:BAG:SYD:P(A;;FA;;;SY)(A;;FR;;;WD)");
    SECURITY_INFORMATION info = DACL_SECURITY_INFORMATION;
    ULONG length = 8;
    UCHAR buffer[512];
    assert_status(SeQuerySecurityDescriptorInfo(&info, buffer, &length, &object), STATUS_BUFFER_TOO_SMALL);
    assert_true(length > 20);
    ULONG needed = length;
    length = sizeof buffer;
    assert_status(SeQuerySecurityDescriptorInfo(&info, buffer, &length, &object), STATUS_SUCCESS);
    assert_int_equal(length, needed);
    PSTR text = NULL;
    assert_status(NtsecSecurityDescriptorToSddl(buffer, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                                DACL_SECURITY_INFORMATION, &text), STATUS_SUCCESS);
    assert_string_equal(text, "D:P(A;;FA;;;SY)(A;;FR;;;WD)"); /* no owner or group asked for */
    NtsecFree(text);

    /* Set: the DACL from the modification, generic rights mapped; owner kept. */
    PSECURITY_DESCRIPTOR mod = Sddl("O:SYD:(A;;GR;;;BU)");
    PSECURITY_DESCRIPTOR current = object;
    assert_status(SeSetSecurityDescriptorInfo(NULL, &info, mod, &current, PagedPool,
                                              IoGetFileObjectGenericMapping()), STATUS_SUCCESS);
    assert_ptr_not_equal(current, object); /* a new block; the old one is still the caller's */
    assert_status(NtsecSecurityDescriptorToSddl(current, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                                DACL_SECURITY_INFORMATION, &text), STATUS_SUCCESS);
    assert_string_equal(text, "O:BAG:SYD:(A;;FR;;;BU)");
    NtsecFree(text);
    ExFreePool(current);

    /* Owner: the caller (impersonating USER_A) may not give the object to SYSTEM. */
    PACCESS_TOKEN token = TestToken(IMP_A);
    assert_status(PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation),
                  STATUS_SUCCESS);
    info = OWNER_SECURITY_INFORMATION;
    current = object;
    assert_status(SeSetSecurityDescriptorInfo(NULL, &info, mod, &current, PagedPool,
                                              IoGetFileObjectGenericMapping()), STATUS_INVALID_OWNER);
    assert_ptr_equal(current, object);
    assert_status(SeSetSecurityDescriptorInfoEx(NULL, &info, mod, &current, SEF_AVOID_OWNER_CHECK, PagedPool,
                                                IoGetFileObjectGenericMapping()), STATUS_SUCCESS);
    ExFreePool(current);
    PSECURITY_DESCRIPTOR noGroup = Sddl("D:(A;;FA;;;WD)");
    info = GROUP_SECURITY_INFORMATION;
    current = object;
    assert_status(SeSetSecurityDescriptorInfo(NULL, &info, noGroup, &current, PagedPool,
                                              IoGetFileObjectGenericMapping()), STATUS_INVALID_PRIMARY_GROUP);
    PsRevertToSelf();
    ObDereferenceObject(token);
    NtsecFree(noGroup);
    NtsecFree(mod);
    NtsecFree(object);
}

static void test_shared_descriptors(void **state)
{
    PSECURITY_DESCRIPTOR sd = Sddl("O:BAG:BAD:(A;;FA;;;WD)");
    PSECURITY_DESCRIPTOR a = NULL, b = NULL;
    assert_status(ObLogSecurityDescriptor(sd, &a, 1), STATUS_SUCCESS);
    assert_status(ObLogSecurityDescriptor(sd, &b, 2), STATUS_SUCCESS);
    assert_ptr_equal(a, b); /* identical descriptors are shared */
    assert_ptr_not_equal(a, sd);
    assert_int_equal(ObpSecurityDescriptorReferences(a), 3);
    ObReferenceSecurityDescriptor(a, 1);
    ObDereferenceSecurityDescriptor(a, 3);
    assert_int_equal(ObpSecurityDescriptorReferences(a), 1);
    ObDereferenceSecurityDescriptor(a, 1);
    assert_int_equal(ObpSecurityDescriptorReferences(a), -1); /* freed */
    assert_status(ObLogSecurityDescriptor(sd, &a, 0), STATUS_INVALID_PARAMETER);
    SECURITY_DESCRIPTOR absolute;
    RtlCreateSecurityDescriptor(&absolute, SECURITY_DESCRIPTOR_REVISION);
    assert_status(ObLogSecurityDescriptor(&absolute, &a, 1), STATUS_INVALID_SECURITY_DESCR);
    NtsecFree(sd);
}

static void test_object_security_by_handle(void **state)
{
    PACCESS_TOKEN token = TestToken(USER_A);
    HANDLE h;
    assert_status(ObOpenObjectByPointer(token, OBJ_KERNEL_HANDLE, NULL, TOKEN_ALL_ACCESS, *SeTokenObjectType,
                                        KernelMode, &h), STATUS_SUCCESS);
    UCHAR buffer[256];
    ULONG needed = 0;
    assert_status(ZwQuerySecurityObject(h, DACL_SECURITY_INFORMATION, buffer, sizeof buffer, &needed),
                  STATUS_SUCCESS);
    assert_int_equal(needed, sizeof(SECURITY_DESCRIPTOR_RELATIVE)); /* none yet: empty */
    PSECURITY_DESCRIPTOR sd = Sddl("O:BAD:(A;;GA;;;SY)");
    assert_status(ZwSetSecurityObject(h, DACL_SECURITY_INFORMATION, sd), STATUS_SUCCESS);
    assert_status(ZwQuerySecurityObject(h, DACL_SECURITY_INFORMATION, buffer, 4, &needed), STATUS_BUFFER_TOO_SMALL);
    assert_status(ZwQuerySecurityObject(h, DACL_SECURITY_INFORMATION | OWNER_SECURITY_INFORMATION, buffer,
                                        sizeof buffer, &needed), STATUS_SUCCESS);
    PSTR text = NULL;
    assert_status(NtsecSecurityDescriptorToSddl(buffer, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                                &text), STATUS_SUCCESS);
    assert_string_equal(text, "D:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SY)"); /* GA mapped to TOKEN_ALL_ACCESS;
                                                                   no owner was set */
    NtsecFree(text);
    assert_status(ObCloseHandle(h, KernelMode), STATUS_SUCCESS);
    assert_status(ObCloseHandle(h, KernelMode), STATUS_INVALID_HANDLE);

    /* A device: the default descriptor, then a replaced one that drivers read directly. */
    DRIVER_OBJECT driver = { 0 };
    PDEVICE_OBJECT device;
    assert_status(IoCreateDevice(&driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device), STATUS_SUCCESS);
    assert_non_null(device->SecurityDescriptor);
    assert_status(NtsecSecurityDescriptorToSddl(device->SecurityDescriptor, OWNER_SECURITY_INFORMATION |
                                                DACL_SECURITY_INFORMATION, &text), STATUS_SUCCESS);
    assert_string_equal(text, "O:BAD:(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1200a9;;;WD)(A;;0x1200a9;;;RC)");
    NtsecFree(text);
    assert_status(ObOpenObjectByPointer(device, OBJ_KERNEL_HANDLE, NULL, 0, NULL, KernelMode, &h), STATUS_SUCCESS);
    assert_status(ZwSetSecurityObject(h, DACL_SECURITY_INFORMATION, sd), STATUS_SUCCESS);
    assert_status(NtsecSecurityDescriptorToSddl(device->SecurityDescriptor, DACL_SECURITY_INFORMATION, &text),
                  STATUS_SUCCESS);
    assert_string_equal(text, "D:(A;;FA;;;SY)"); /* GA mapped with the file mapping */
    NtsecFree(text);
    PSECURITY_DESCRIPTOR shared = device->SecurityDescriptor;
    assert_int_equal(ObpSecurityDescriptorReferences(shared), 1);
    ZwClose(h);
    IoDeleteDevice(device);
    assert_int_equal(ObpSecurityDescriptorReferences(shared), -1); /* released with the device */
    assert_status(ZwSetSecurityObject((HANDLE)0x7ff0, DACL_SECURITY_INFORMATION, sd), STATUS_INVALID_HANDLE);
    NtsecFree(sd);
    assert_int_equal(NtsecReferenceCount(token), 1);
    ObDereferenceObject(token);
}

static void test_zw_query_information_token(void **state)
{
    PACCESS_TOKEN token = TestToken(USER_A " session=7");
    HANDLE h;
    assert_status(ObOpenObjectByPointer(token, OBJ_KERNEL_HANDLE, NULL, TOKEN_QUERY, *SeTokenObjectType,
                                        KernelMode, &h), STATUS_SUCCESS);
    ULONG needed = 0;
    assert_status(ZwQueryInformationToken(h, TokenUser, NULL, 0, &needed), STATUS_BUFFER_TOO_SMALL);
    assert_true(needed >= sizeof(TOKEN_USER) + 8);
    _Alignas(8) UCHAR buffer[256];
    ULONG got = 0;
    assert_status(ZwQueryInformationToken(h, TokenUser, buffer, sizeof buffer, &got), STATUS_SUCCESS);
    assert_int_equal(got, needed);
    PTOKEN_USER user = (PTOKEN_USER)buffer;
    assert_true((PUCHAR)user->User.Sid > buffer && (PUCHAR)user->User.Sid < buffer + got); /* relocated */
    assert_true(RtlEqualSid(user->User.Sid, SepTokenUserSid((PTOKEN)token)));
    assert_status(ZwQueryInformationToken(h, TokenGroups, buffer, sizeof buffer, &got), STATUS_SUCCESS);
    PTOKEN_GROUPS groups = (PTOKEN_GROUPS)buffer;
    for (ULONG i = 0; i < groups->GroupCount; i++)
        assert_true((PUCHAR)groups->Groups[i].Sid > buffer && (PUCHAR)groups->Groups[i].Sid < buffer + got);
    ULONG session = 0;
    assert_status(ZwQueryInformationToken(h, TokenSessionId, &session, sizeof session, &got), STATUS_SUCCESS);
    assert_int_equal(session, 7);
    assert_int_equal(got, 4);
    assert_status(ZwQueryInformationToken(h, (TOKEN_INFORMATION_CLASS)99, buffer, sizeof buffer, &got),
                  STATUS_INVALID_INFO_CLASS);
    ZwClose(h);
    assert_status(ZwQueryInformationToken(h, TokenUser, buffer, sizeof buffer, &got), STATUS_INVALID_HANDLE);
    ObDereferenceObject(token);
}


static void test_attach_detach(void **state)
{
    PACCESS_TOKEN primary = TestToken(USER_B);
    PEPROCESS other;
    assert_status(NtsecCreateProcess(primary, &other), STATUS_SUCCESS);
    PEPROCESS own = PsGetCurrentProcess();
    HANDLE ownId = PsGetCurrentProcessId();
    LONG_PTR refs = NtsecReferenceCount(other);
    KAPC_STATE outer, inner;
    KeStackAttachProcess(other, &outer);
    assert_ptr_equal(PsGetCurrentProcess(), other);
    assert_ptr_equal(IoGetCurrentProcess(), other);
    assert_ptr_equal(PsGetThreadProcess(PsGetCurrentThread()), own); /* the owner stays */
    assert_ptr_equal(PsGetCurrentProcessId(), ownId);
    assert_ptr_equal(outer.Process, own);
    assert_int_equal(NtsecReferenceCount(other), refs + 1);
    SECURITY_SUBJECT_CONTEXT s;
    SeCaptureSubjectContext(&s);
    assert_ptr_equal(s.PrimaryToken, primary); /* the attached process's token */
    assert_null(s.ClientToken);
    SeReleaseSubjectContext(&s);
    /* Nested: back to the own process, then out again. */
    KeStackAttachProcess(own, &inner);
    assert_ptr_equal(PsGetCurrentProcess(), own);
    assert_ptr_equal(inner.Process, other);
    /* Detaching the outer state first is refused (bug check, no change). */
    BugChecks = 0;
    NtsecSetBugCheckHandler(CountBugCheck, NULL);
    KeUnstackDetachProcess(&outer);
    assert_int_equal(BugChecks, 1);
    assert_int_equal(LastBugCheck, INVALID_PROCESS_DETACH_ATTEMPT);
    assert_ptr_equal(PsGetCurrentProcess(), own);
    KAPC_STATE spare;
    EXPECT_VERIFIER_FINDING(NtsecFindingWrongObjectType, KeStackAttachProcess((PRKPROCESS)primary, &spare));
    assert_int_equal(LastBugCheck, INVALID_PROCESS_ATTACH_ATTEMPT); /* a token is no process */
    /* KeBugCheck is KeBugCheckEx with no parameters; the handler lets the caller go on. */
    ULONG before = BugChecks;
    KeBugCheck(0x000000E2);
    assert_int_equal(BugChecks, before + 1);
    assert_int_equal(LastBugCheck, 0x000000E2);
    NtsecSetBugCheckHandler(NULL, NULL);
    KeUnstackDetachProcess(&inner);
    assert_ptr_equal(PsGetCurrentProcess(), other);
    KeUnstackDetachProcess(&outer);
    assert_ptr_equal(PsGetCurrentProcess(), own);
    assert_int_equal(NtsecReferenceCount(other), refs);
    /* A KAPC as the storage of the saved state (OpenAFS AFSGeneric.cpp's pattern). */
    assert_int_equal(sizeof(KAPC), 0x58);
    KAPC apc;
    KeStackAttachProcess(other, (PRKAPC_STATE)&apc);
    assert_ptr_equal(PsGetCurrentProcess(), other);
    KeUnstackDetachProcess((PRKAPC_STATE)&apc);
    assert_ptr_equal(PsGetCurrentProcess(), own);
    assert_int_equal(NtsecReferenceCount(other), refs);
    SeCaptureSubjectContext(&s);
    assert_ptr_not_equal(s.PrimaryToken, primary);
    SeReleaseSubjectContext(&s);
    ObDereferenceObject(other);
    ObDereferenceObject(primary);
}

/* ---- The verifier and a driver's own client-context cleanup (ReactOS npfs style) ---- */
static ULONG Findings;
static NTSEC_VERIFIER_FINDING LastFinding;
static VOID CountFinding(const NTSEC_VERIFIER_REPORT *Report, PVOID Context)
{
    (void)Context;
    /* Only client-context findings: objects the suite keeps alive on purpose (this thread,
     * the host process) are reported by a leak check when the verifier runs from load. */
    if (Report->Kind == NtsecFindingClientContextLeak || Report->Kind == NtsecFindingClientContextDoubleDelete ||
        Report->Kind == NtsecFindingClientContextUseAfterDelete) {
        Findings++;
        LastFinding = Report->Kind;
    }
}

static void test_verifier_accepts_hand_written_client_cleanup(void **state)
{
    ULONG saved = NtsecVerifierFlags();
    NtsecEnableVerifier(NTSEC_VERIFIER_ENABLED);
    NtsecSetVerifierHandler(CountFinding, NULL);
    Findings = 0;
    SECURITY_QUALITY_OF_SERVICE qos = { sizeof qos, SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE };
    for (int round = 0; round < 3; round++) {
        PSECURITY_CLIENT_CONTEXT c = ExAllocatePoolWithTag(PagedPool, sizeof *c, 0x74786343);
        assert_non_null(c);
        assert_status(SeCreateClientSecurity(PsGetCurrentThread(), &qos, FALSE, c), STATUS_SUCCESS);
        /* What the WDK's SeDeleteClientSecurity macro does, written out by the driver. */
        if (SeTokenType(c->ClientToken) == TokenPrimary)
            PsDereferencePrimaryToken(c->ClientToken);
        else if (c->ClientToken != NULL)
            ObDereferenceObject(c->ClientToken);
        ExFreePool(c); /* the next round's block is likely at the same address */
    }
    (void)NtsecVerifierCheckLeaks();
    assert_int_equal(Findings, 0);

    /* A real leak is still found: freed without releasing the token. */
    SECURITY_CLIENT_CONTEXT leaked;
    assert_status(SeCreateClientSecurity(PsGetCurrentThread(), &qos, FALSE, &leaked), STATUS_SUCCESS);
    PACCESS_TOKEN kept = leaked.ClientToken;
    assert_true(NtsecVerifierCheckLeaks() >= 1);
    assert_int_equal(Findings, 1);
    assert_int_equal(LastFinding, NtsecFindingClientContextLeak);
    ObDereferenceObject(kept);
    NtsecSetVerifierHandler(NULL, NULL);
    NtsecEnableVerifier(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_macros_and_layouts),
        cmocka_unit_test(test_se_exports),
        cmocka_unit_test(test_unicode_strings),
        cmocka_unit_test(test_access_state),
        cmocka_unit_test(test_query_set_descriptor_info),
        cmocka_unit_test(test_shared_descriptors),
        cmocka_unit_test(test_object_security_by_handle),
        cmocka_unit_test(test_zw_query_information_token),
        cmocka_unit_test(test_attach_detach),
        cmocka_unit_test(test_verifier_accepts_hand_written_client_cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
