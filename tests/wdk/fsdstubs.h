/*
 * fsdstubs.h - the file system's own (non-security) types the tests/wdk re-creations need:
 * a file control block, a volume, and a stand-in for the parts of a request the I/O manager
 * would deliver in an IRP (the IRP plumbing is out of scope, issue 14). No WDK names here.
 */
#ifndef WDK_FSDSTUBS_H
#define WDK_FSDSTUBS_H

#include <ntifs.h>

#define FSD_TAG 0x20647346 /* 'Fsd ' */

typedef struct _FSD_FCB {
    PSECURITY_DESCRIPTOR SecurityDescriptor; /* a shared descriptor (ObLogSecurityDescriptor) */
    BOOLEAN IsDirectory;
    struct _FSD_FCB *Parent;
} FSD_FCB, *PFSD_FCB;

typedef struct _FSD_VOLUME {
    PDEVICE_OBJECT VolumeDevice;
    FSD_FCB Root;
} FSD_VOLUME, *PFSD_VOLUME;

/* What a create / query-security / set-security request carries. */
typedef struct _FSD_REQUEST {
    UCHAR StackFlags;                 /* SL_* of the current stack location */
    KPROCESSOR_MODE RequestorMode;
    PIO_SECURITY_CONTEXT SecurityContext;
    ULONG CreateOptions;
    SECURITY_INFORMATION SecurityInformation;
    PVOID UserBuffer;
    ULONG Length;
    PSECURITY_DESCRIPTOR NewDescriptor;
    ULONG_PTR Information;
    PETHREAD Thread;                  /* the requesting thread */
} FSD_REQUEST, *PFSD_REQUEST;

#endif /* WDK_FSDSTUBS_H */
