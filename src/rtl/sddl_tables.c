/*
 * sddl_tables.c - the SDDL names of ACE types, ACE flags and access rights (sddl.h, the
 * "ACE Strings" page), and the rights formatter that picks Windows' canonical spelling.
 */
#include <stdio.h>
#include <string.h>
#include "rtlp.h"

const RTLP_SDDL_NAME RtlpSddlAceTypes[] = {
    { "A", ACCESS_ALLOWED_ACE_TYPE, "access allowed" },
    { "D", ACCESS_DENIED_ACE_TYPE, "access denied" },
    { "OA", ACCESS_ALLOWED_OBJECT_ACE_TYPE, "object access allowed" },
    { "OD", ACCESS_DENIED_OBJECT_ACE_TYPE, "object access denied" },
    { "AU", SYSTEM_AUDIT_ACE_TYPE, "audit" },
    { "AL", SYSTEM_ALARM_ACE_TYPE, "alarm" },
    { "OU", SYSTEM_AUDIT_OBJECT_ACE_TYPE, "object audit" },
    { "OL", SYSTEM_ALARM_OBJECT_ACE_TYPE, "object alarm" },
    { "ML", SYSTEM_MANDATORY_LABEL_ACE_TYPE, "mandatory label" },
    { "XA", ACCESS_ALLOWED_CALLBACK_ACE_TYPE, "callback access allowed" },
    { "XD", ACCESS_DENIED_CALLBACK_ACE_TYPE, "callback access denied" },
    { "ZA", ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE, "callback object access allowed" },
    { "XU", SYSTEM_AUDIT_CALLBACK_ACE_TYPE, "callback audit" },
    { "RA", SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE, "resource attribute" },
    { "SP", SYSTEM_SCOPED_POLICY_ID_ACE_TYPE, "scoped policy id" },
    { "TL", SYSTEM_PROCESS_TRUST_LABEL_ACE_TYPE, "process trust label" },
    { "FL", SYSTEM_ACCESS_FILTER_ACE_TYPE, "access filter" },
    { NULL, 0, NULL },
};

/* In bit order, which is the order Windows prints them in. */
const RTLP_SDDL_NAME RtlpSddlAceFlags[] = {
    { "OI", OBJECT_INHERIT_ACE, "object inherit" },
    { "CI", CONTAINER_INHERIT_ACE, "container inherit" },
    { "NP", NO_PROPAGATE_INHERIT_ACE, "no propagate" },
    { "IO", INHERIT_ONLY_ACE, "inherit only" },
    { "ID", INHERITED_ACE, "inherited" },
    { "CR", CRITICAL_ACE_FLAG, "critical" },
    { "SA", SUCCESSFUL_ACCESS_ACE_FLAG, "audit success" },
    { "FA", FAILED_ACCESS_ACE_FLAG, "audit failure" },
    { NULL, 0, NULL },
};

/*
 * Whole-mask names: Windows prints one of these when the mask equals it exactly (first
 * match wins, so KR is printed for 0x20019, never KX).
 */
const RTLP_SDDL_NAME RtlpSddlRights[] = {
    { "GA", GENERIC_ALL, "generic all" },
    { "GR", GENERIC_READ, "generic read" },
    { "GW", GENERIC_WRITE, "generic write" },
    { "GX", GENERIC_EXECUTE, "generic execute" },
    { "RC", READ_CONTROL, "read control" },
    { "SD", DELETE, "delete" },
    { "WD", WRITE_DAC, "write DAC" },
    { "WO", WRITE_OWNER, "write owner" },
    { "RP", 0x00000010, "read property" },
    { "WP", 0x00000020, "write property" },
    { "CC", 0x00000001, "create child" },
    { "DC", 0x00000002, "delete child" },
    { "LC", 0x00000004, "list children" },
    { "SW", 0x00000008, "self write" },
    { "LO", 0x00000080, "list object" },
    { "DT", 0x00000040, "delete tree" },
    { "CR", 0x00000100, "control access" },
    { "FA", 0x001F01FF, "file all access" },
    { "FR", 0x00120089, "file generic read" },
    { "FW", 0x00120116, "file generic write" },
    { "FX", 0x001200A0, "file generic execute" },
    { "KA", 0x000F003F, "key all access" },
    { "KR", 0x00020019, "key read" },
    { "KW", 0x00020006, "key write" },
    { "KX", 0x00020019, "key execute" },
    { NULL, 0, NULL },
};

/* Single-bit letters in the order Windows concatenates them (low bit first). */
const RTLP_SDDL_NAME RtlpSddlRightBits[] = {
    { "CC", 0x00000001, "create child" },
    { "DC", 0x00000002, "delete child" },
    { "LC", 0x00000004, "list children" },
    { "SW", 0x00000008, "self write" },
    { "RP", 0x00000010, "read property" },
    { "WP", 0x00000020, "write property" },
    { "DT", 0x00000040, "delete tree" },
    { "LO", 0x00000080, "list object" },
    { "CR", 0x00000100, "control access" },
    { "SD", DELETE, "delete" },
    { "RC", READ_CONTROL, "read control" },
    { "WD", WRITE_DAC, "write DAC" },
    { "WO", WRITE_OWNER, "write owner" },
    { "GA", GENERIC_ALL, "generic all" },
    { "GX", GENERIC_EXECUTE, "generic execute" },
    { "GW", GENERIC_WRITE, "generic write" },
    { "GR", GENERIC_READ, "generic read" },
    { NULL, 0, NULL },
};

/* Mandatory label ACE rights (SYSTEM_MANDATORY_LABEL_NO_*_UP). */
const RTLP_SDDL_NAME RtlpSddlLabelRightBits[] = {
    { "NW", SYSTEM_MANDATORY_LABEL_NO_WRITE_UP, "no write up" },
    { "NR", SYSTEM_MANDATORY_LABEL_NO_READ_UP, "no read up" },
    { "NX", SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP, "no execute up" },
    { NULL, 0, NULL },
};

static BOOLEAN RtlpSddlSameLetters(PCSTR A, PCSTR B, SIZE_T Length)
{
    for (SIZE_T i = 0; i < Length; i++) {
        char a = A[i] >= 'a' && A[i] <= 'z' ? (char)(A[i] - 32) : A[i];
        char b = B[i] >= 'a' && B[i] <= 'z' ? (char)(B[i] - 32) : B[i];
        if (a != b)
            return FALSE;
    }
    return TRUE;
}

/*
 * RtlpSddlLookup - the entry whose name is Text[0..Length) in either case (ASCII), or NULL.
 * Windows reads ACE types, flags and rights in either case: "(a;;GA;;;LG)" and "(A;;ga;;;LG)"
 * are (A;;GA;;;LG), "(xa;;;;;wd;...)" is XA (Samba libcli/security/tests/windows/
 * windows_is_less_fussy.txt and data/conditional_aces_windows_only.txt, Windows' output).
 */
const RTLP_SDDL_NAME *RtlpSddlLookup(const RTLP_SDDL_NAME *Table, PCSTR Text, SIZE_T Length)
{
    for (; Table->Name != NULL; Table++)
        if (strlen(Table->Name) == Length && RtlpSddlSameLetters(Table->Name, Text, Length))
            return Table;
    return NULL;
}

/* RtlpSddlByValue - the first entry with Value, or NULL. */
const RTLP_SDDL_NAME *RtlpSddlByValue(const RTLP_SDDL_NAME *Table, ULONG Value)
{
    for (; Table->Name != NULL; Table++)
        if (Table->Value == Value)
            return Table;
    return NULL;
}

/*
 * RtlpSddlFormatRights - see rtlp.h.
 * @remarks Windows' canonical form (ConvertSecurityDescriptorToStringSecurityDescriptor):
 * nothing for 0; a whole-mask name when the mask equals one (FA, KR, GA, ...); otherwise the
 * concatenated bit letters in the fixed order above when every set bit has a letter;
 * otherwise "0x" and the mask in lower-case hex. Mandatory label ACEs use NW/NR/NX.
 */
VOID RtlpSddlFormatRights(UCHAR AceType, ACCESS_MASK Mask, PSTR Buffer, SIZE_T Size)
{
    const RTLP_SDDL_NAME *bits = RtlpSddlRightBits, *entry;
    ACCESS_MASK covered = 0;
    SIZE_T used = 0;

    Buffer[0] = '\0';
    if (Mask == 0)
        return;
    if (AceType == SYSTEM_MANDATORY_LABEL_ACE_TYPE) {
        bits = RtlpSddlLabelRightBits;
    } else if ((entry = RtlpSddlByValue(RtlpSddlRights, Mask)) != NULL) {
        snprintf(Buffer, Size, "%s", entry->Name);
        return;
    }
    for (entry = bits; entry->Name != NULL; entry++)
        covered |= entry->Value;
    if (Mask & ~covered) {
        snprintf(Buffer, Size, "0x%x", Mask);
        return;
    }
    for (entry = bits; entry->Name != NULL; entry++) {
        if ((Mask & entry->Value) && used + 3 <= Size) {
            memcpy(Buffer + used, entry->Name, 2);
            used += 2;
            Buffer[used] = '\0';
        }
    }
}
