#!/usr/bin/env python3
"""Writes the call table of test_null_arguments.c from the public headers (issue 9 item 8).

usage: gen_null_arguments.py INCLUDE_DIR EXPECTATIONS > null_arguments_cases.inc

Every routine declared in INCLUDE_DIR/*.h with an export macro (NTKERNELAPI, NTSYSAPI,
NTSEC_API, KSECDDDECLSPEC) and at least one pointer parameter gets one case per pointer
parameter: a call with that parameter NULL and every other parameter a valid value from the
test's fixture (NULL_FIXTURE *F, see test_null_arguments.c). HANDLE parameters are handles,
not pointers, and are not set to NULL.

The expected outcome of each case comes from EXPECTATIONS (lines "Routine Parameter outcome",
docs/null-arguments.md) or, without a line, from the routine's return type:
  NTSTATUS        status STATUS_INVALID_PARAMETER
  SECURITY_STATUS fails (an SEC_E_* error, no crash, no bug check)
  VOID            bugcheck NTSEC_NULL_ARGUMENT  (and a verifier finding when it is on)
  anything else   returns 0   (FALSE, NULL, 0)
Outcomes: "status NAME", "returns EXPR", "bugcheck NAME [returns EXPR]", "accepted" (NULL is a
legal value there: the call must not crash or bug check), "fails" (an error status, < 0). A line naming a routine or parameter
that the headers do not declare is an error, so the file cannot go stale silently.
"""
import glob
import os
import re
import sys

EXPORT = re.compile(r'^(?:_Must_inspect_result_ )?(?:NTKERNELAPI|NTSYSAPI|NTSEC_API|KSECDDDECLSPEC)\s+'
                    r'([^;]*?)\(([^;]*?)\)\s*;', re.M)

# A valid value for a parameter, by (routine, parameter), then by parameter name, then by type.
BY_ROUTINE = {
    ('RtlCreateSecurityDescriptor', 'SecurityDescriptor'): 'F->SdBuffer',
    ('RtlValidRelativeSecurityDescriptor', 'SecurityDescriptorInput'): 'F->RelSd',
    ('RtlValidRelativeSecurityDescriptor', 'SecurityDescriptorLength'): 'F->RelSdLength',
    ('RtlAbsoluteToSelfRelativeSD', 'SelfRelativeSecurityDescriptor'): 'F->SdBuffer',
    ('RtlMakeSelfRelativeSD', 'SelfRelativeSecurityDescriptor'): 'F->SdBuffer',
    ('RtlSelfRelativeToAbsoluteSD', 'SelfRelativeSecurityDescriptor'): 'F->RelSd',
    ('RtlSelfRelativeToAbsoluteSD', 'AbsoluteSecurityDescriptor'): 'F->SdBuffer',
    ('RtlSelfRelativeToAbsoluteSD', 'Dacl'): 'F->AclBuffer',
    ('RtlSelfRelativeToAbsoluteSD', 'Sacl'): 'F->AclBuffer2',
    ('RtlSelfRelativeToAbsoluteSD', 'Owner'): 'F->SidBuffer',
    ('RtlSelfRelativeToAbsoluteSD', 'PrimaryGroup'): 'F->SidBuffer2',
    ('RtlSelfRelativeToAbsoluteSD', 'AbsoluteSecurityDescriptorSize'): '&F->Size1',
    ('RtlSelfRelativeToAbsoluteSD', 'DaclSize'): '&F->Size2',
    ('RtlSelfRelativeToAbsoluteSD', 'SaclSize'): '&F->Size3',
    ('RtlSelfRelativeToAbsoluteSD', 'OwnerSize'): '&F->Size4',
    ('RtlSelfRelativeToAbsoluteSD', 'PrimaryGroupSize'): '&F->Size5',
    ('RtlCopySid', 'DestinationSid'): 'F->SidBuffer',
    ('RtlInitializeSid', 'Sid'): 'F->SidBuffer',
    ('RtlCreateAcl', 'Acl'): 'F->AclBuffer',
    ('RtlAddAce', 'AceList'): 'F->AceList',
    ('RtlQueryInformationAcl', 'AclInformation'): '&F->AclSize',
    ('ExFreePoolWithTag', 'P'): 'F->PoolBlock',
    ('ExFreePool', 'P'): 'F->PoolBlock',
    ('NtsecFree', 'Memory'): 'F->PoolBlock',
    ('IoInitializeWorkItem', 'IoObject'): 'F->Device',
    ('IoInitializeWorkItem', 'IoWorkItem'): 'F->IoItemBuffer',
    ('IoUninitializeWorkItem', 'IoWorkItem'): 'F->IoItemInitialized',
    ('IoCreateDevice', 'DeviceName'): 'NULL',
    ('ObOpenObjectByPointer', 'PassedAccessState'): 'NULL',
    ('SeCaptureSubjectContext', 'SubjectContext'): '&F->SubjectOut',
    ('SeCaptureSubjectContextEx', 'SubjectContext'): '&F->SubjectOut',
    ('SeCreateClientSecurity', 'ClientContext'): '&F->ClientOut',
    ('SeCreateClientSecurityFromSubjectContext', 'ClientContext'): '&F->ClientOut',
    ('NtsecAcceptLocalPeer', 'Context'): '&F->CtxOut',
    ('NtsecAcceptPackagePeer', 'Context'): '&F->CtxOut',
    ('NtsecCreateSecurityContextForToken', 'Context'): '&F->CtxOut',
    ('NtsecEvaluateImpersonation', 'ProcessToken'): 'F->PrimaryToken',
    ('NtsecCreateProcess', 'PrimaryToken'): 'F->PrimaryToken',
    ('PsDereferencePrimaryToken', 'PrimaryToken'): 'F->ExtraTokenReference',
    ('PsDereferenceImpersonationToken', 'ImpersonationToken'): 'F->ExtraTokenReference',
    ('NtsecAccessCheckExplain', 'Token'): 'F->Token',
    ('SeAssignSecurityEx', 'ObjectType'): '&F->Guid',
    ('SeAccessCheck', 'Privileges'): '&F->PrivilegesOut',
    ('SeAccessCheckByType', 'Privileges'): '&F->PrivilegesOut',
    ('SeFreePrivileges', 'Privileges'): 'F->PrivilegesToFree',
    ('SeDeassignSecurity', 'SecurityDescriptor'): '&F->AssignedSd',
    ('NtsecSecurityDescriptorToSddl', 'Sd'): 'F->RelSd',
    ('NtsecFormatToken', 'Buffer'): 'F->Text',
    ('NtsecSecurityDescriptorToSddl', 'Sddl'): '&F->TextOut',
    ('ObReferenceObjectByPointer', 'AccessMode'): 'KernelMode',
    ('ObReferenceObjectByHandle', 'AccessMode'): 'KernelMode',
    ('ObOpenObjectByPointer', 'AccessMode'): 'KernelMode',
    ('NtsecAdjustTokenPrivilegesBuffer', 'PreviousState'): '(PTOKEN_PRIVILEGES)F->Text',
    ('NtsecSetBugCheckHandler', 'Handler'): 'NullBugCheckHandler',
    ('NtsecSetVerifierHandler', 'Handler'): 'NullVerifierHandler',
    ('ZwOpenThreadTokenEx', 'ThreadHandle'): 'NtCurrentThread()',
    ('ZwOpenThreadToken', 'ThreadHandle'): 'NtCurrentThread()',
    ('ZwOpenProcessTokenEx', 'ProcessHandle'): 'NtCurrentProcess()',
    ('PsCreateSystemThread', 'ProcessHandle'): 'NULL',
    ('PsCreateSystemThread', 'ObjectAttributes'): 'NULL',
    ('PsCreateSystemThread', 'ClientId'): '&F->ClientId',
    ('SeCreateAccessState', 'AccessState'): '&F->AccessStateOut',
    ('SeCreateAccessState', 'AuxData'): '&F->AuxDataOut',
    ('SeQuerySecurityDescriptorInfo', 'SecurityDescriptor'): 'F->SdBuffer',
    ('SeQuerySecurityDescriptorInfo', 'Length'): '&F->Ulong',
    ('SeQuerySecurityDescriptorInfo', 'ObjectsSecurityDescriptor'): '&F->RelSd',
    ('SeSetSecurityDescriptorInfo', 'ObjectsSecurityDescriptor'): '&F->RelSd',
    ('SeSetSecurityDescriptorInfoEx', 'ObjectsSecurityDescriptor'): '&F->RelSd',
    ('SeSetSecurityDescriptorInfo', 'ModificationDescriptor'): 'F->RelSd',
    ('SeSetSecurityDescriptorInfoEx', 'ModificationDescriptor'): 'F->RelSd',
    ('ObLogSecurityDescriptor', 'InputSecurityDescriptor'): 'F->RelSd',
    ('ObReferenceSecurityDescriptor', 'SecurityDescriptor'): 'F->LoggedSd',
    ('ObDereferenceSecurityDescriptor', 'SecurityDescriptor'): 'F->LoggedSd',
    ('ZwQueryInformationToken', 'TokenInformation'): 'F->Text',
    ('ZwQuerySecurityObject', 'SecurityDescriptor'): 'F->SdBuffer',
    ('ZwSetSecurityObject', 'SecurityDescriptor'): 'F->RelSd',
    ('RtlAssert', 'VoidFailedAssertion'): '"x"',
    ('RtlAssert', 'VoidFileName'): '"f.c"',
    ('RtlAssert', 'MutableMessage'): '(PSTR)"m"',
    ('SeOpenObjectAuditAlarm', 'AccessState'): '&F->AccessState',
    ('SeOpenObjectAuditAlarm', 'GenerateOnClose'): '&F->Boolean',
}
BY_POINTER_NAME = {
    'Sddl': '"O:BAG:BAD:(A;;GA;;;WD)"', 'Text': 'NULL_TOKEN_TEXT', 'Path': 'F->IdMapPath',
    'PackageName': '"ntsec-local"', 'DomainSid': 'F->Sid',
    'StartRoutine': 'NullStartRoutine', 'Start': 'NullStartRoutine', 'Routine': 'NullWorkRoutine',
    'WorkerRoutine': 'NullIoWorkRoutine',
}
BY_NAME = {
    'ConnectedSocket': 'F->Socket',
    'AclRevision': 'ACL_REVISION', 'AceRevision': 'ACL_REVISION', 'Revision': 'SECURITY_DESCRIPTOR_REVISION',
    'AclLength': '1024', 'DestinationSidLength': '68', 'SubAuthorityCount': '1', 'SubAuthority': '0',
    'AceIndex': '0', 'StartingAceIndex': '0', 'AceListLength': 'F->AceListLength',
    'AclInformationLength': 'sizeof(ACL_SIZE_INFORMATION)', 'AclInformationClass': 'AclSizeInformation',
    'BufferLength': '4096', 'Size': '4096', 'NumberOfBytes': '16', 'Tag': '0',
    'DesiredAccess': '1', 'AccessMask': '1', 'PreviouslyGrantedAccess': '0', 'AceFlags': '0',
    'MandatoryFlags': '0', 'AceType': 'SYSTEM_MANDATORY_LABEL_ACE_TYPE', 'Flags': '0',
    'TokenInformationClass': 'TokenUser', 'ImpersonationLevel': 'SecurityImpersonation',
    'Level': 'SecurityImpersonation', 'TokenType': 'TokenImpersonation', 'QueueType': 'DelayedWorkQueue',
    'PoolType': 'PagedPool', 'AccessMode': 'UserMode', 'PreviousMode': 'KernelMode',
    'Info': 'OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION',
    'RequiredInformation': '0', 'ControlBitsOfInterest': '0', 'ControlBitsToSet': '0',
    'DeviceType': 'FILE_DEVICE_UNKNOWN', 'DeviceExtensionSize': '0', 'DeviceCharacteristics': '0',
    'ObjectTypeListLength': '1', 'HandleAttributes': 'OBJ_KERNEL_HANDLE',
    'AutoInheritFlags': '0', 'IsDirectoryObject': 'FALSE', 'Handle': 'F->TokenHandle',
    'SecurityDescriptorLength': 'F->RelSdLength',
    'TokenInformationLength': '4096', 'Length': '4096', 'RefBias': '1', 'Count': '1',
    'SecurityInformation': 'OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION',
    'TokenHandle': 'F->TokenHandle', 'LineNumber': '1',
}
BY_TYPE = {
    'PACCESS_TOKEN': 'F->Token', 'PETHREAD': 'F->Thread', 'PEPROCESS': 'F->Process',
    'PSID': 'F->Sid', 'PACL': 'F->Acl', 'PSECURITY_DESCRIPTOR': 'F->Sd',
    'PSID_IDENTIFIER_AUTHORITY': '&F->Authority', 'PGENERIC_MAPPING': '&F->Mapping',
    'const GENERIC_MAPPING *': '&F->Mapping', 'PSECURITY_SUBJECT_CONTEXT': '&F->Subject',
    'PSECURITY_CLIENT_CONTEXT': '&F->Client', 'PSECURITY_QUALITY_OF_SERVICE': '&F->Qos',
    'PPRIVILEGE_SET': 'F->PrivilegeSet', 'PTOKEN_PRIVILEGES': 'F->Privileges',
    'PTOKEN_GROUPS': 'F->Groups', 'POBJECT_TYPE_LIST': 'F->TypeList', 'GUID *': '&F->Guid',
    'PSE_IMPERSONATION_STATE': '&F->ImpersonationState', 'PWORK_QUEUE_ITEM': '&F->WorkItem',
    'PWORKER_THREAD_ROUTINE': 'NullWorkRoutine', 'PKSTART_ROUTINE': 'NullStartRoutine',
    'PIO_WORKITEM_ROUTINE': 'NullIoWorkRoutine', 'PDEVICE_OBJECT': 'F->Device',
    'PDRIVER_OBJECT': '&F->Driver', 'PIO_WORKITEM': 'F->IoWorkItem', 'PUNICODE_STRING': '&F->UnicodeOut',
    'POBJECT_ATTRIBUTES': 'NULL', 'PCLIENT_ID': '&F->ClientId',
    'POBJECT_TYPE': '*SeTokenObjectType', 'POBJECT_HANDLE_INFORMATION': '&F->HandleInformation',
    'PCtxtHandle': '&F->Ctx', 'struct _SecHandle *': '&F->Ctx', 'PVOID': 'F->Token',
    'PCSTR': '""', 'PSTR': 'F->Text',
    'PULONG': '&F->Ulong', 'PBOOLEAN': '&F->Boolean', 'PACCESS_MASK': '&F->Mask',
    'PNTSTATUS': '&F->Status', 'PLUID': '&F->Luid', 'PSIZE_T': '&F->SizeT',
    'PSECURITY_IMPERSONATION_LEVEL': '&F->Level', 'PTOKEN_TYPE': '&F->TokenType',
    'PSECURITY_DESCRIPTOR_CONTROL': '&F->Control', 'PHANDLE': '&F->HandleOut',
    'PSECURITY_DESCRIPTOR *': '&F->SdOut', 'PSID *': '&F->SidOut', 'PACL *': '&F->AclOut',
    'PVOID *': '&F->PointerOut', 'PSTR *': '&F->TextOut', 'PACCESS_TOKEN *': '&F->TokenOut',
    'PEPROCESS *': '&F->ProcessOut', 'PETHREAD *': '&F->ThreadOut', 'PDEVICE_OBJECT *': '&F->DeviceOut',
    'PTOKEN_PRIVILEGES *': '&F->PrivilegesStateOut', 'PPRIVILEGE_SET *': '&F->PrivilegesOut',
    'HANDLE': 'F->TokenHandle', 'BOOLEAN': 'FALSE', 'UCHAR': '1', 'NTSTATUS': 'STATUS_SUCCESS',
    'LUID': 'F->ChangeNotify', 'ULONG_PTR': '0',
    'NTSEC_BUGCHECK_HANDLER': 'NullBugCheckHandler', 'NTSEC_VERIFIER_HANDLER': 'NullVerifierHandler',
    'PACCESS_STATE': '&F->AccessState', 'PRKPROCESS': 'F->Process', 'PRKAPC_STATE': '&F->ApcState',
    'PSECURITY_INFORMATION': '&F->SecInfo', 'PCWSTR': 'u"ntsec"',
}
NOT_POINTERS = {'HANDLE', 'POOL_TYPE', 'PAGED_CODE'}


def is_pointer(ptype):
    if ptype in NOT_POINTERS:
        return False
    if '*' in ptype:
        return True
    base = ptype.replace('const ', '')
    return (base.startswith('P') and base[1:2].isupper()) or base in ('PVOID', 'PCSTR', 'PSTR',
                                                                     'PCtxtHandle', 'NTSEC_BUGCHECK_HANDLER',
                                                                     'NTSEC_VERIFIER_HANDLER')


def split_param(p):
    p = ' '.join(p.split())
    m = re.match(r'^(.*?)([A-Za-z_][A-Za-z0-9_]*)$', p)
    ptype, name = m.group(1).strip(), m.group(2)
    ptype = re.sub(r'\s*\*\s*', ' *', ptype).replace(' *', ' *').strip()
    ptype = re.sub(r'\s+\*', ' *', ptype)
    return ptype, name


def parse(include):
    routines = []
    for h in sorted(glob.glob(os.path.join(include, '*.h'))):
        text = re.sub(r'/\*.*?\*/', '', open(h).read(), flags=re.S)
        for m in EXPORT.finditer(text):
            head = ' '.join(m.group(1).split())
            params = ' '.join(m.group(2).split())
            head = head.replace('SEC_ENTRY ', '')
            rm = re.match(r'^(.*?)\s*\b([A-Za-z_][A-Za-z0-9_]*)$', head)
            ret, name = rm.group(1).strip(), rm.group(2)
            # A variadic tail (DbgPrint's "...") is not a parameter the table can set.
            plist = [] if params in ('VOID', 'void', '') else [split_param(p) for p in params.split(',')
                                                                 if p.strip() != '...']
            routines.append((os.path.basename(h), ret, name, plist))
    return routines


def value(routine, ptype, pname):
    for key in ((routine, pname),):
        if key in BY_ROUTINE:
            return BY_ROUTINE[key]
    if is_pointer(ptype) and pname in BY_POINTER_NAME:
        return BY_POINTER_NAME[pname]
    if not is_pointer(ptype) and pname in BY_NAME:
        return BY_NAME[pname]
    if ptype in BY_TYPE:
        return BY_TYPE[ptype]
    if ptype.endswith('ULONG') or ptype in ('SIZE_T', 'LONG', 'USHORT', 'SECURITY_INFORMATION',
                                            'ACCESS_MASK', 'KPROCESSOR_MODE', 'int'):
        return '0'
    # enums and anything else: 0 cast to the type
    return '(%s)0' % ptype


def default_outcome(ret):
    if ret == 'NTSTATUS':
        return ('status', 'STATUS_INVALID_PARAMETER', None)
    if ret == 'SECURITY_STATUS':
        return ('fails', '0', None)
    if ret == 'VOID':
        return ('bugcheck', 'NTSEC_NULL_ARGUMENT', None)
    return ('returns', '0', None)


def parse_outcome(words, where):
    if words[0] == 'status' and len(words) == 2:
        return ('status', words[1], None)
    if words[0] == 'returns' and len(words) >= 2:
        return ('returns', ' '.join(words[1:]), None)
    if words[0] == 'bugcheck' and len(words) == 2:
        return ('bugcheck', words[1], None)
    if words[0] == 'bugcheck' and len(words) >= 4 and words[2] == 'returns':
        return ('bugcheck', words[1], ' '.join(words[3:]))
    if words == ['accepted']:
        return ('accepted', '0', None)
    if words == ['fails']:
        return ('fails', '0', None)
    sys.exit('%s: bad outcome %r' % (where, ' '.join(words)))


def main():
    include, expect_path = sys.argv[1], sys.argv[2]
    routines = parse(include)
    known = {(r[2], p[1]) for r in routines for p in r[3] if is_pointer(p[0])}
    expect = {}
    for n, line in enumerate(open(expect_path), 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        words = line.split()
        where = '%s:%d' % (expect_path, n)
        if len(words) < 3 or (words[0], words[1]) not in known:
            sys.exit('%s: no public routine %s with a pointer parameter %s' % (where, words[0], words[1] if len(words) > 1 else '?'))
        expect[(words[0], words[1])] = parse_outcome(words[2:], where)
    print('/* Generated by tests/unit/api/gen_null_arguments.py from the headers in include/ntsec and')
    print(' * tests/unit/api/null_arguments.expect. Do not edit. */')
    cases = []
    for header, ret, name, plist in routines:
        for i, (ptype, pname) in enumerate(plist):
            if not is_pointer(ptype):
                continue
            args = ['NULL' if j == i else
                    ('(%s)(%s)' % (t, value(name, t, n)) if is_pointer(t) else value(name, t, n))
                    for j, (t, n) in enumerate(plist)]
            call = '(%s)(%s)' % (name, ', '.join(args))  # parenthesised: the function, not a macro
            fn = 'NullCase_%s_%d' % (name, i + 1)
            if ret == 'VOID':
                body = '    %s;\n    R->Value = 0;' % call
            else:
                body = '    R->Value = (intptr_t)%s;' % call
            print('static void %s(NULL_FIXTURE *F, NULL_RESULT *R)\n{\n    (void)F;\n%s\n}' % (fn, body))
            kind, val, extra = expect.get((name, pname), default_outcome(ret))
            kinds = {'status': 'NullExpectStatus', 'returns': 'NullExpectReturns',
                     'bugcheck': 'NullExpectBugCheck', 'accepted': 'NullExpectAccepted',
                     'fails': 'NullExpectFails'}
            cases.append('    { "%s", "%s", %d, "%s", %s, %s, (intptr_t)(%s), %d, (intptr_t)(%s), "%s %s" },' % (
                header, name, i + 1, pname, fn, kinds[kind], val, extra is not None, extra or '0',
                kind, val + (' returns ' + extra if extra else '')))
    print('static const NULL_CASE NullCases[] = {')
    print('\n'.join(cases))
    print('};')


if __name__ == '__main__':
    main()
