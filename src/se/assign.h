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

#endif /* NTSEC_SE_ASSIGN_H */
