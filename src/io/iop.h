/*
 * iop.h - private interface of the I/O manager's pieces (src/io/): the device object type,
 * its default descriptor and the file generic mapping.
 */
#ifndef NTSEC_IOP_H
#define NTSEC_IOP_H

#include "ob/obp.h"

/* The "Device" object type (iowork.c): its descriptor is DEVICE_OBJECT.SecurityDescriptor,
 * its generic mapping the file one. */
extern OBJECT_TYPE IopDeviceObjectType;

/* FILE_GENERIC_READ / WRITE / EXECUTE, FILE_ALL_ACCESS (iosec.c); read-only storage. */
extern const GENERIC_MAPPING IopFileMapping;

/* IopDefaultDeviceSecurityDescriptor - the descriptor IoCreateDevice gives a device
 * (iodefsd.c): static storage built once, not in the shared table; no reference is taken
 * and none is to be released. NULL if it could not be built. */
PSECURITY_DESCRIPTOR IopDefaultDeviceSecurityDescriptor(VOID);

#endif
