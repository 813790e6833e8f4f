/*
 * ntsec.h - the library's own setup and diagnostic API (Ntsec*).
 *
 * Buffers returned by Ntsec* routines are freed with NtsecFree.
 */
#ifndef NTSEC_NTSEC_H
#define NTSEC_NTSEC_H

#include "ntifs.h"
#include "ntsec_token.h"
#include "ntsec_process.h"
#include "ntsec_host.h"
#include "ntsec_verifier.h"
#include "ntsec_ksec.h"
#include "ntsec_names.h"

NTSEC_EXTERN_C_BEGIN

#define NTSEC_VERSION_MAJOR 0
#define NTSEC_VERSION_MINOR 1
#define NTSEC_VERSION_PATCH 0

NTSEC_EXTERN_C_END

#endif /* NTSEC_NTSEC_H */
