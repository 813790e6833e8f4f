/*
 * ntps.h - processes, threads and per-thread impersonation (Ps*).
 */
#ifndef NTSEC_NTPS_H
#define NTSEC_NTPS_H

#include "ntdef.h"
#include "ntse.h"
#include "ntob.h"

NTSEC_EXTERN_C_BEGIN

/* The WDK's routine type for PsCreateSystemThread start routines (declare a routine with it:
 * `KSTART_ROUTINE MyStart;`), and the pointer type built on it. */
typedef VOID KSTART_ROUTINE(PVOID StartContext);
typedef KSTART_ROUTINE *PKSTART_ROUTINE;

typedef struct _CLIENT_ID {
    HANDLE UniqueProcess;
    HANDLE UniqueThread;
} CLIENT_ID, *PCLIENT_ID;

#define NtCurrentProcess() ((HANDLE)(LONG_PTR)-1)
#define ZwCurrentProcess() NtCurrentProcess()
#define NtCurrentThread() ((HANDLE)(LONG_PTR)-2)
#define ZwCurrentThread() NtCurrentThread()

extern NTKERNELAPI PEPROCESS PsInitialSystemProcess;
extern NTKERNELAPI POBJECT_TYPE *PsProcessType;
extern NTKERNELAPI POBJECT_TYPE *PsThreadType;

NTKERNELAPI PETHREAD PsGetCurrentThread(VOID);
NTKERNELAPI PEPROCESS PsGetCurrentProcess(VOID);
NTKERNELAPI PEPROCESS PsGetThreadProcess(PETHREAD Thread);
NTKERNELAPI HANDLE PsGetCurrentProcessId(VOID);
NTKERNELAPI HANDLE PsGetCurrentThreadId(VOID);
NTKERNELAPI HANDLE PsGetProcessId(PEPROCESS Process);
NTKERNELAPI HANDLE PsGetThreadId(PETHREAD Thread);
NTKERNELAPI BOOLEAN PsIsThreadTerminating(PETHREAD Thread);
NTKERNELAPI BOOLEAN PsIsSystemThread(PETHREAD Thread);

NTKERNELAPI NTSTATUS PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess,
                                          POBJECT_ATTRIBUTES ObjectAttributes,
                                          HANDLE ProcessHandle, PCLIENT_ID ClientId,
                                          PKSTART_ROUTINE StartRoutine, PVOID StartContext);
NTKERNELAPI NTSTATUS PsTerminateSystemThread(NTSTATUS ExitStatus);

_Must_inspect_result_ NTKERNELAPI NTSTATUS PsImpersonateClient(
    PETHREAD Thread, PACCESS_TOKEN Token, BOOLEAN CopyOnOpen, BOOLEAN EffectiveOnly,
    SECURITY_IMPERSONATION_LEVEL ImpersonationLevel);
NTKERNELAPI VOID PsRevertToSelf(VOID);
NTKERNELAPI VOID PsRevertThreadToSelf(PETHREAD Thread);
NTKERNELAPI PACCESS_TOKEN PsReferencePrimaryToken(PEPROCESS Process);
NTKERNELAPI VOID PsDereferencePrimaryToken(PACCESS_TOKEN PrimaryToken);
NTKERNELAPI PACCESS_TOKEN PsReferenceImpersonationToken(PETHREAD Thread, PBOOLEAN CopyOnOpen,
                                                        PBOOLEAN EffectiveOnly,
                                                        PSECURITY_IMPERSONATION_LEVEL ImpersonationLevel);
NTKERNELAPI VOID PsDereferenceImpersonationToken(PACCESS_TOKEN ImpersonationToken);
NTKERNELAPI PACCESS_TOKEN PsReferenceEffectiveToken(PETHREAD Thread, PTOKEN_TYPE TokenType,
                                                    PBOOLEAN EffectiveOnly,
                                                    PSECURITY_IMPERSONATION_LEVEL ImpersonationLevel);
NTKERNELAPI BOOLEAN PsDisableImpersonation(PETHREAD Thread,
                                           PSE_IMPERSONATION_STATE ImpersonationState);
NTKERNELAPI VOID PsRestoreImpersonation(PETHREAD Thread,
                                        PSE_IMPERSONATION_STATE ImpersonationState);

/* Thread tokens by handle (src/ps/threadtoken.c) */
NTSYSAPI NTSTATUS ZwOpenThreadTokenEx(HANDLE ThreadHandle, ACCESS_MASK DesiredAccess,
                                      BOOLEAN OpenAsSelf, ULONG HandleAttributes,
                                      PHANDLE TokenHandle);
NTSYSAPI NTSTATUS ZwOpenThreadToken(HANDLE ThreadHandle, ACCESS_MASK DesiredAccess,
                                    BOOLEAN OpenAsSelf, PHANDLE TokenHandle);
NTSYSAPI NTSTATUS ZwOpenProcessTokenEx(HANDLE ProcessHandle, ACCESS_MASK DesiredAccess,
                                       ULONG HandleAttributes, PHANDLE TokenHandle);

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTPS_H */
