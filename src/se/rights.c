/*
 * rights.c - the named-rights table (files, directories, registry keys, generic and
 * standard rights) used by `ntsec check`, the explain trace and the tests.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "se/rights.h"

const GENERIC_MAPPING SepFileMapping = {FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE,
                                        FILE_ALL_ACCESS};
const GENERIC_MAPPING SepKeyMapping = {KEY_READ, KEY_WRITE, KEY_EXECUTE, KEY_ALL_ACCESS};

typedef struct _SEP_RIGHT_NAME {
    PCSTR Name;
    ACCESS_MASK Mask;
    SEP_RIGHTS_KIND Kind; /* SepRightsGeneric: any object */
    BOOLEAN Single;       /* a single bit, used when formatting */
} SEP_RIGHT_NAME;

static const SEP_RIGHT_NAME SepRightNames[] = {
    /* generic and standard */
    {"GENERIC_READ", GENERIC_READ, SepRightsGeneric, TRUE},
    {"GENERIC_WRITE", GENERIC_WRITE, SepRightsGeneric, TRUE},
    {"GENERIC_EXECUTE", GENERIC_EXECUTE, SepRightsGeneric, TRUE},
    {"GENERIC_ALL", GENERIC_ALL, SepRightsGeneric, TRUE},
    {"MAXIMUM_ALLOWED", MAXIMUM_ALLOWED, SepRightsGeneric, TRUE},
    {"ACCESS_SYSTEM_SECURITY", ACCESS_SYSTEM_SECURITY, SepRightsGeneric, TRUE},
    {"SYNCHRONIZE", SYNCHRONIZE, SepRightsGeneric, TRUE},
    {"WRITE_OWNER", WRITE_OWNER, SepRightsGeneric, TRUE},
    {"WRITE_DAC", WRITE_DAC, SepRightsGeneric, TRUE},
    {"READ_CONTROL", READ_CONTROL, SepRightsGeneric, TRUE},
    {"DELETE", DELETE, SepRightsGeneric, TRUE},
    {"STANDARD_RIGHTS_REQUIRED", STANDARD_RIGHTS_REQUIRED, SepRightsGeneric, FALSE},
    {"STANDARD_RIGHTS_ALL", STANDARD_RIGHTS_ALL, SepRightsGeneric, FALSE},
    {"GA", GENERIC_ALL, SepRightsGeneric, FALSE},
    {"GR", GENERIC_READ, SepRightsGeneric, FALSE},
    {"GW", GENERIC_WRITE, SepRightsGeneric, FALSE},
    {"GX", GENERIC_EXECUTE, SepRightsGeneric, FALSE},
    {"RC", READ_CONTROL, SepRightsGeneric, FALSE},
    {"SD", DELETE, SepRightsGeneric, FALSE},
    {"WD", WRITE_DAC, SepRightsGeneric, FALSE},
    {"WO", WRITE_OWNER, SepRightsGeneric, FALSE},
    /* files */
    {"FILE_READ_DATA", FILE_READ_DATA, SepRightsFile, TRUE},
    {"FILE_WRITE_DATA", FILE_WRITE_DATA, SepRightsFile, TRUE},
    {"FILE_APPEND_DATA", FILE_APPEND_DATA, SepRightsFile, TRUE},
    {"FILE_READ_EA", FILE_READ_EA, SepRightsFile, TRUE},
    {"FILE_WRITE_EA", FILE_WRITE_EA, SepRightsFile, TRUE},
    {"FILE_EXECUTE", FILE_EXECUTE, SepRightsFile, TRUE},
    {"FILE_DELETE_CHILD", FILE_DELETE_CHILD, SepRightsFile, TRUE},
    {"FILE_READ_ATTRIBUTES", FILE_READ_ATTRIBUTES, SepRightsFile, TRUE},
    {"FILE_WRITE_ATTRIBUTES", FILE_WRITE_ATTRIBUTES, SepRightsFile, TRUE},
    {"FILE_ALL_ACCESS", FILE_ALL_ACCESS, SepRightsFile, FALSE},
    {"FILE_GENERIC_READ", FILE_GENERIC_READ, SepRightsFile, FALSE},
    {"FILE_GENERIC_WRITE", FILE_GENERIC_WRITE, SepRightsFile, FALSE},
    {"FILE_GENERIC_EXECUTE", FILE_GENERIC_EXECUTE, SepRightsFile, FALSE},
    {"FA", FILE_ALL_ACCESS, SepRightsFile, FALSE},
    {"FR", FILE_GENERIC_READ, SepRightsFile, FALSE},
    {"FW", FILE_GENERIC_WRITE, SepRightsFile, FALSE},
    {"FX", FILE_GENERIC_EXECUTE, SepRightsFile, FALSE},
    /* directories */
    {"FILE_LIST_DIRECTORY", FILE_LIST_DIRECTORY, SepRightsDirectory, TRUE},
    {"FILE_ADD_FILE", FILE_ADD_FILE, SepRightsDirectory, TRUE},
    {"FILE_ADD_SUBDIRECTORY", FILE_ADD_SUBDIRECTORY, SepRightsDirectory, TRUE},
    {"FILE_READ_EA", FILE_READ_EA, SepRightsDirectory, TRUE},
    {"FILE_WRITE_EA", FILE_WRITE_EA, SepRightsDirectory, TRUE},
    {"FILE_TRAVERSE", FILE_TRAVERSE, SepRightsDirectory, TRUE},
    {"FILE_DELETE_CHILD", FILE_DELETE_CHILD, SepRightsDirectory, TRUE},
    {"FILE_READ_ATTRIBUTES", FILE_READ_ATTRIBUTES, SepRightsDirectory, TRUE},
    {"FILE_WRITE_ATTRIBUTES", FILE_WRITE_ATTRIBUTES, SepRightsDirectory, TRUE},
    /* registry keys */
    {"KEY_QUERY_VALUE", KEY_QUERY_VALUE, SepRightsKey, TRUE},
    {"KEY_SET_VALUE", KEY_SET_VALUE, SepRightsKey, TRUE},
    {"KEY_CREATE_SUB_KEY", KEY_CREATE_SUB_KEY, SepRightsKey, TRUE},
    {"KEY_ENUMERATE_SUB_KEYS", KEY_ENUMERATE_SUB_KEYS, SepRightsKey, TRUE},
    {"KEY_NOTIFY", KEY_NOTIFY, SepRightsKey, TRUE},
    {"KEY_CREATE_LINK", KEY_CREATE_LINK, SepRightsKey, TRUE},
    {"KEY_WOW64_64KEY", KEY_WOW64_64KEY, SepRightsKey, FALSE},
    {"KEY_WOW64_32KEY", KEY_WOW64_32KEY, SepRightsKey, FALSE},
    {"KEY_READ", KEY_READ, SepRightsKey, FALSE},
    {"KEY_WRITE", KEY_WRITE, SepRightsKey, FALSE},
    {"KEY_EXECUTE", KEY_EXECUTE, SepRightsKey, FALSE},
    {"KEY_ALL_ACCESS", KEY_ALL_ACCESS, SepRightsKey, FALSE},
    {"KA", KEY_ALL_ACCESS, SepRightsKey, FALSE},
    {"KR", KEY_READ, SepRightsKey, FALSE},
    {"KW", KEY_WRITE, SepRightsKey, FALSE},
    {"KX", KEY_EXECUTE, SepRightsKey, FALSE},
};

#define SEP_RIGHT_COUNT (sizeof(SepRightNames) / sizeof(SepRightNames[0]))

const GENERIC_MAPPING *SepRightsMapping(SEP_RIGHTS_KIND Kind)
{
    return Kind == SepRightsKey ? &SepKeyMapping : &SepFileMapping;
}

/*
 * SepRightsParse - see rights.h. Words are separated by '|', ',', '+' or blanks (one
 * explicit separator at most between two words; an empty word is an error); numbers are hex
 * (0x...) or decimal.
 */
NTSTATUS SepRightsParse(PCSTR Text, PACCESS_MASK Mask, PSTR BadWordBuffer, SIZE_T BadWordSize)
{
    SIZE_T offset = 0, length = 0;
    if (Text == NULL || Mask == NULL)
        return STATUS_INVALID_PARAMETER;
    if (SepRightsParseAt(Text, Mask, &offset, &length))
        return STATUS_SUCCESS;
    if (BadWordBuffer && BadWordSize) {
        SIZE_T n = length < BadWordSize - 1 ? length : BadWordSize - 1;
        memcpy(BadWordBuffer, Text + offset, n);
        BadWordBuffer[n] = '\0';
    }
    return STATUS_INVALID_PARAMETER;
}

/* SepRightsParseAt - see rights.h. */
BOOLEAN SepRightsParseAt(PCSTR Text, PACCESS_MASK Mask, SIZE_T *BadOffset, SIZE_T *BadLength)
{
    ACCESS_MASK mask = 0;
    BOOLEAN any = FALSE;
    PCSTR p = Text;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        PCSTR start = p;
        while (*p && *p != '|' && *p != ',' && *p != '+' && *p != ' ' && *p != '\t')
            p++;
        SIZE_T len = (SIZE_T)(p - start);
        BOOLEAN found = FALSE;
        if (len == 0) {
            found = FALSE;
        } else if (isdigit((unsigned char)start[0])) {
            char buf[24];
            char *end;
            if (len < sizeof(buf)) {
                memcpy(buf, start, len);
                buf[len] = '\0';
                unsigned long long v = strtoull(buf, &end, 0);
                if (*end == '\0' && v <= 0xFFFFFFFFull) {
                    mask |= (ACCESS_MASK)v;
                    found = TRUE;
                }
            }
        } else {
            for (SIZE_T i = 0; i < SEP_RIGHT_COUNT; i++) {
                if (strlen(SepRightNames[i].Name) == len &&
                    strncasecmp(SepRightNames[i].Name, start, len) == 0) {
                    mask |= SepRightNames[i].Mask;
                    found = TRUE;
                    break;
                }
            }
        }
        if (!found) {
            *BadOffset = (SIZE_T)(start - Text);
            *BadLength = len;
            return FALSE;
        }
        any = TRUE;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        if (*p == '|' || *p == ',' || *p == '+')
            p++; /* an explicit separator; blanks alone separate too ("READ_CONTROL 0x1") */
    }
    if (!any) {
        *BadOffset = (SIZE_T)(p - Text);
        *BadLength = 0;
        return FALSE;
    }
    *Mask = mask;
    return TRUE;
}

static VOID SepAppend(PSTR Buffer, SIZE_T Size, SIZE_T *Used, PCSTR Text)
{
    if (*Used >= Size)
        return;
    int n = snprintf(Buffer + *Used, Size - *Used, "%s%s", *Used ? "|" : "", Text);
    if (n > 0)
        *Used += (SIZE_T)n;
    if (*Used >= Size)
        *Used = Size - 1;
}

VOID SepRightsFormat(ACCESS_MASK Mask, SEP_RIGHTS_KIND Kind, PSTR Buffer, SIZE_T Size)
{
    SIZE_T used = 0;
    if (Size == 0)
        return;
    Buffer[0] = '\0';
    if (Mask == 0) {
        snprintf(Buffer, Size, "none");
        return;
    }
    ACCESS_MASK left = Mask;
    for (SIZE_T i = 0; i < SEP_RIGHT_COUNT && left; i++) {
        const SEP_RIGHT_NAME *r = &SepRightNames[i];
        if (!r->Single || (r->Kind != SepRightsGeneric && r->Kind != Kind))
            continue;
        if (left & r->Mask) {
            SepAppend(Buffer, Size, &used, r->Name);
            left &= ~r->Mask;
        }
    }
    if (left) {
        char hex[16];
        snprintf(hex, sizeof(hex), "0x%x", (unsigned)left);
        SepAppend(Buffer, Size, &used, hex);
    }
}
