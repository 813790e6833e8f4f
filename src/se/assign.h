/*
 * assign.h - private interface of security assignment (src/se/assign*.c).
 */
#ifndef NTSEC_SE_ASSIGN_H
#define NTSEC_SE_ASSIGN_H

#include "se/accesschk.h"

typedef struct _SEP_ACL_BUILDER {
    PACL Acl;
    SIZE_T Used;
    SIZE_T Capacity;
} SEP_ACL_BUILDER, *PSEP_ACL_BUILDER;

typedef struct _SEP_ASSIGN_CONTEXT {
    PSID Owner;                   /* the new object's owner (CREATOR OWNER substitution) */
    PSID Group;                   /* the new object's group (CREATOR GROUP substitution) */
    BOOLEAN IsDirectory;
    const GUID *ObjectType;       /* NULL: none */
    const GENERIC_MAPPING *Mapping;
    BOOLEAN MarkInherited;        /* set INHERITED_ACE on inherited ACEs (SEF_*_AUTO_INHERIT) */
    PCSTR AclName;                /* "DACL" / "SACL" (trace) */
    PCSTR CreatorName;            /* "explicit" / "default DACL" (trace) */
    PSEP_TRACE Trace;             /* NULL: no explain trace */
} SEP_ASSIGN_CONTEXT, *PSEP_ASSIGN_CONTEXT;

NTSTATUS SepAclBuilderInit(PSEP_ACL_BUILDER B, SIZE_T Capacity);
VOID SepAclBuilderFree(PSEP_ACL_BUILDER B);
NTSTATUS SepComputeInheritedAcl(PSEP_ACL_BUILDER B, PACL ParentAcl, const SEP_ASSIGN_CONTEXT *C,
                                BOOLEAN IsDacl);
NTSTATUS SepComputeCreatorAcl(PSEP_ACL_BUILDER B, PACL CreatorAcl, const SEP_ASSIGN_CONTEXT *C,
                              BOOLEAN IsDacl, BOOLEAN DropInherited);
NTSTATUS SepCopyAcl(PSEP_ACL_BUILDER B, PACL Acl);
NTSTATUS SepAppendLabelAce(PSEP_ACL_BUILDER B, ULONG Rid, ULONG Policy);
SIZE_T SepAclBound(PACL A, PACL Bacl, PACL Cacl);

/*
 * SepAssignSecurity - SeAssignSecurityEx with an optional explain trace (Trace may be NULL):
 * one line per parent and explicit ACE saying what it became and why. Takes no references.
 */
NTSTATUS SepAssignSecurity(PSECURITY_DESCRIPTOR ParentDescriptor, PSECURITY_DESCRIPTOR ExplicitDescriptor,
                           PSECURITY_DESCRIPTOR *NewDescriptor, GUID *ObjectType, BOOLEAN IsDirectoryObject,
                           ULONG AutoInheritFlags, PSECURITY_SUBJECT_CONTEXT SubjectContext,
                           PGENERIC_MAPPING GenericMapping, POOL_TYPE PoolType, PSEP_TRACE Trace);

#endif /* NTSEC_SE_ASSIGN_H */
