/*
 * iodevsec.c - IoCreateDeviceSecure (WdmlibIoCreateDeviceSecure) and the SDDL_DEVOBJ_*
 * strings of wdmsec.h: a device object whose descriptor comes from a device-object SDDL
 * string (the subset of the WDK's "SDDL for device objects").
 */
#include <string.h>
#include "ntsec.h"
#include "wdmsec.h"
#include "rtl/rtlp.h"

#define IOP_DEVOBJ_STRING(name, text) \
    const UNICODE_STRING name = { sizeof(text) - 2, sizeof(text), (PWSTR)(text) }

IOP_DEVOBJ_STRING(SDDL_DEVOBJ_KERNEL_ONLY, u"D:P");
IOP_DEVOBJ_STRING(SDDL_DEVOBJ_SYS_ALL, u"D:P(A;;GA;;;SY)");
IOP_DEVOBJ_STRING(SDDL_DEVOBJ_SYS_ALL_ADM_ALL, u"D:P(A;;GA;;;SY)(A;;GA;;;BA)");
IOP_DEVOBJ_STRING(SDDL_DEVOBJ_SYS_ALL_ADM_RX, u"D:P(A;;GA;;;SY)(A;;GRGX;;;BA)");
IOP_DEVOBJ_STRING(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R,
                  u"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)");
IOP_DEVOBJ_STRING(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R,
                  u"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)(A;;GR;;;RC)");
IOP_DEVOBJ_STRING(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R,
                  u"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)(A;;GR;;;RC)");
IOP_DEVOBJ_STRING(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX,
                  u"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)");

/* A device-object SDDL string longer than this is not one the subset can sensibly hold. */
#define IOP_DEVOBJ_SDDL_MAX 1024

static BOOLEAN IopIsOneOf(const char *Text, size_t Length, const char *const *List)
{
    for (; *List != NULL; List++)
        if (strlen(*List) == Length && memcmp(*List, Text, Length) == 0)
            return TRUE;
    return FALSE;
}

/* The Access field: "0x" and hex digits, or a non-empty run of the two-letter codes. */
static BOOLEAN IopCheckAccess(const char *Text, size_t Length)
{
    static const char *const codes[] = { "GA", "GR", "GW", "GX", "RC", "SD", "WD", "WO", NULL };
    if (Length > 2 && Text[0] == '0' && (Text[1] == 'x' || Text[1] == 'X')) {
        for (size_t i = 2; i < Length; i++)
            if (!((Text[i] >= '0' && Text[i] <= '9') || (Text[i] >= 'a' && Text[i] <= 'f') ||
                  (Text[i] >= 'A' && Text[i] <= 'F')))
                return FALSE;
        return Length <= 10;
    }
    if (Length == 0 || Length % 2 != 0)
        return FALSE;
    for (size_t i = 0; i < Length; i += 2)
        if (!IopIsOneOf(Text + i, 2, codes))
            return FALSE;
    return TRUE;
}

/* IopCheckDeviceSddl - TRUE when Sddl is "D:P" followed by zero or more
 * "(A;;Access;;;SID)" of the subset (see wdmsec.h). */
static BOOLEAN IopCheckDeviceSddl(const char *Sddl)
{
    static const char *const sids[] = { "SY", "LS", "NS", "BA", "BU", "BG", "AU", "AN",
                                        "IU", "NU", "SU", "WD", "RC", NULL };
    if (strncmp(Sddl, "D:P", 3) != 0)
        return FALSE;
    for (const char *p = Sddl + 3; *p != '\0';) {
        if (strncmp(p, "(A;;", 4) != 0)
            return FALSE;
        const char *access = p + 4, *end = strchr(access, ';');
        if (end == NULL || !IopCheckAccess(access, (size_t)(end - access)) ||
            strncmp(end, ";;;", 3) != 0)
            return FALSE;
        const char *sid = end + 3, *close = strchr(sid, ')');
        if (close == NULL || !IopIsOneOf(sid, (size_t)(close - sid), sids))
            return FALSE;
        p = close + 1;
    }
    return TRUE;
}

/* IopDeviceSecurityFromSddl - the shared descriptor (ObLogSecurityDescriptor; one
 * reference for the caller) for a device-object SDDL string, generic rights mapped with
 * the file mapping. STATUS_INVALID_PARAMETER for a string outside the subset. */
static NTSTATUS IopDeviceSecurityFromSddl(PCUNICODE_STRING Sddl, PSECURITY_DESCRIPTOR *Logged)
{
    *Logged = NULL;
    if (Sddl == NULL || Sddl->Buffer == NULL || Sddl->Length % 2 != 0 ||
        Sddl->Length / 2 >= IOP_DEVOBJ_SDDL_MAX)
        return STATUS_INVALID_PARAMETER;
    char text[IOP_DEVOBJ_SDDL_MAX];
    USHORT n = Sddl->Length / 2;
    for (USHORT i = 0; i < n; i++) {
        if (Sddl->Buffer[i] == 0 || Sddl->Buffer[i] > 0x7e)
            return STATUS_INVALID_PARAMETER;
        text[i] = (char)Sddl->Buffer[i];
    }
    text[n] = '\0';
    if (!IopCheckDeviceSddl(text))
        return STATUS_INVALID_PARAMETER;
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG length = 0;
    NTSTATUS status = NtsecSddlToSecurityDescriptor(text, &sd, &length);
    if (!NT_SUCCESS(status))
        return status == STATUS_NO_MEMORY ? STATUS_INSUFFICIENT_RESOURCES : STATUS_INVALID_PARAMETER;
    BOOLEAN present = FALSE, defaulted = FALSE;
    PACL dacl = NULL;
    status = RtlGetDaclSecurityDescriptor(sd, &present, &dacl, &defaulted);
    for (ULONG i = 0; NT_SUCCESS(status) && dacl != NULL && i < dacl->AceCount; i++) {
        PACCESS_ALLOWED_ACE ace;
        status = RtlGetAce(dacl, i, (PVOID *)&ace);
        if (NT_SUCCESS(status))
            RtlMapGenericMask(&ace->Mask, IoGetFileObjectGenericMapping());
    }
    if (NT_SUCCESS(status))
        status = ObLogSecurityDescriptor(sd, Logged, 1);
    NtsecFree(sd);
    return status;
}

/* WdmlibIoCreateDeviceSecure - see wdmsec.h. References: *DeviceObject gets the creation
 * reference; the device owns one reference on its shared descriptor. */
NTSTATUS WdmlibIoCreateDeviceSecure(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
                                    PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
                                    ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                                    PCUNICODE_STRING DefaultSDDLString, LPCGUID DeviceClassGuid,
                                    PDEVICE_OBJECT *DeviceObject)
{
    (void)DeviceClassGuid;
    if (DeviceObject == NULL)
        return STATUS_INVALID_PARAMETER;
    *DeviceObject = NULL;
    if (DriverObject == NULL)
        return STATUS_INVALID_PARAMETER;
    if (DeviceName == NULL && !(DeviceCharacteristics & FILE_AUTOGENERATED_DEVICE_NAME))
        return STATUS_INVALID_PARAMETER;
    if (DeviceName != NULL)
        return NTSEC_NOT_IMPLEMENTED();
    PSECURITY_DESCRIPTOR logged;
    NTSTATUS status = IopDeviceSecurityFromSddl(DefaultSDDLString, &logged);
    if (!NT_SUCCESS(status))
        return status;
    PDEVICE_OBJECT device;
    status = IoCreateDevice(DriverObject, DeviceExtensionSize, NULL, DeviceType,
                            DeviceCharacteristics & ~FILE_AUTOGENERATED_DEVICE_NAME, Exclusive,
                            &device);
    if (!NT_SUCCESS(status)) {
        ObDereferenceSecurityDescriptor(logged, 1);
        return status;
    }
    /* The default IoCreateDevice gave it is static storage (not a shared reference). */
    device->SecurityDescriptor = logged;
    *DeviceObject = device;
    return STATUS_SUCCESS;
}
