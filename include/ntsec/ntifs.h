/*
 * ntifs.h - the WDK names, types and prototypes ntsec implements.
 *
 * WDK-style code includes this header unmodified:
 *     cc -I include/ntsec prog.c build/libntsec.a -pthread
 */
#ifndef NTSEC_NTIFS_H
#define NTSEC_NTIFS_H

#include "ntdef.h"
#include "ntstatus.h"
#include "ntrtl.h"
#include "ntse.h"
#include "ntob.h"
#include "ntps.h"
#include "ntex.h"

#endif /* NTSEC_NTIFS_H */
