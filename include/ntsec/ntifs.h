/*
 * ntifs.h - the WDK names, types and prototypes ntsec implements.
 *
 * WDK-style code includes this header unmodified:
 *     cc -fshort-wchar -I include/ntsec prog.c build/libntsec.a -pthread ...
 * (-fshort-wchar: L"..." literals are then 16-bit WCHAR strings, as in the WDK.)
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
#include "ntio.h"
#include "ntke.h"

#endif /* NTSEC_NTIFS_H */
