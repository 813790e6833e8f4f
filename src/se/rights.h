/*
 * rights.h - named access rights (files, directories, registry keys, generic/standard) and
 * the generic mappings of those object types. Used by `ntsec check`, the explain trace and
 * the tests. Values are the public winnt.h values.
 */
#ifndef NTSEC_SE_RIGHTS_H
#define NTSEC_SE_RIGHTS_H

#include "ntifs.h"

typedef enum _SEP_RIGHTS_KIND {
    SepRightsGeneric = 0,   /* generic and standard rights only */
    SepRightsFile = 1,
    SepRightsDirectory = 2,
    SepRightsKey = 3
} SEP_RIGHTS_KIND;

/* FILE_* rights: the public definitions of ntio.h (included by ntifs.h). */

#define KEY_QUERY_VALUE        0x0001
#define KEY_SET_VALUE          0x0002
#define KEY_CREATE_SUB_KEY     0x0004
#define KEY_ENUMERATE_SUB_KEYS 0x0008
#define KEY_NOTIFY             0x0010
#define KEY_CREATE_LINK        0x0020
#define KEY_WOW64_64KEY        0x0100
#define KEY_WOW64_32KEY        0x0200
#define KEY_READ    ((STANDARD_RIGHTS_READ | KEY_QUERY_VALUE | KEY_ENUMERATE_SUB_KEYS | KEY_NOTIFY) & ~SYNCHRONIZE)
#define KEY_WRITE   ((STANDARD_RIGHTS_WRITE | KEY_SET_VALUE | KEY_CREATE_SUB_KEY) & ~SYNCHRONIZE)
#define KEY_EXECUTE (KEY_READ & ~SYNCHRONIZE)
#define KEY_ALL_ACCESS ((STANDARD_RIGHTS_ALL | KEY_QUERY_VALUE | KEY_SET_VALUE | KEY_CREATE_SUB_KEY | \
                         KEY_ENUMERATE_SUB_KEYS | KEY_NOTIFY | KEY_CREATE_LINK) & ~SYNCHRONIZE)

/* Generic mappings of files/directories (IoFileObjectType) and registry keys. */
extern const GENERIC_MAPPING SepFileMapping;
extern const GENERIC_MAPPING SepKeyMapping;

/*
 * SepRightsParse - "FILE_GENERIC_READ|FILE_WRITE_DATA|0x10|MAXIMUM_ALLOWED" into *Mask.
 * Names of every kind are accepted (and short SDDL-style rights: GA, GR, FA, KR, ...).
 * Returns STATUS_SUCCESS or STATUS_INVALID_PARAMETER with *BadWord pointing at the
 * offending word (NUL-terminated copy in BadWordBuffer).
 */
NTSTATUS SepRightsParse(PCSTR Text, PACCESS_MASK Mask, PSTR BadWordBuffer, SIZE_T BadWordSize);
/* SepRightsParseAt - the same; FALSE with the bad word's offset and length (0: an empty word). */
BOOLEAN SepRightsParseAt(PCSTR Text, PACCESS_MASK Mask, SIZE_T *BadOffset, SIZE_T *BadLength);

/* SepRightsFormat - names the bits of Mask ("READ_CONTROL|FILE_READ_DATA|0x200"), using
 * the specific-right names of Kind; always NUL-terminates (truncates if Size is short). */
VOID SepRightsFormat(ACCESS_MASK Mask, SEP_RIGHTS_KIND Kind, PSTR Buffer, SIZE_T Size);

/* The mapping for a kind (generic kind: the file mapping). */
const GENERIC_MAPPING *SepRightsMapping(SEP_RIGHTS_KIND Kind);

#endif /* NTSEC_SE_RIGHTS_H */
