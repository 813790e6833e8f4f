/*
 * krb_helpers.h - the ksec tests' view of the throwaway realm (tests/fixtures/kdc.sh, started
 * by CTest's ksec_kdc fixture): KrbUseRealm exports its env file into this process.
 */
#ifndef NTSEC_KRB_HELPERS_H
#define NTSEC_KRB_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ntsec_test.h"

static char KrbRealmDir[512];

/* Reads <build>/ksec-kdc.state and exports every KEY=VALUE of <dir>/env. Fails the test
 * when the fixture did not run (the tests never fall back to /etc/krb5.conf). */
static inline void KrbUseRealm(void)
{
    const char *build = getenv("NTSEC_BUILD_DIR");
    char path[600];
    snprintf(path, sizeof(path), "%s/ksec-kdc.state", build ? build : ".");
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "no KDC fixture state at %s (run through ctest: fixture ksec_kdc)\n", path);
        fail();
    }
    assert_non_null(fgets(KrbRealmDir, sizeof(KrbRealmDir), f));
    fclose(f);
    KrbRealmDir[strcspn(KrbRealmDir, "\n")] = '\0';
    snprintf(path, sizeof(path), "%s/env", KrbRealmDir);
    f = fopen(path, "r");
    assert_non_null(f);
    char line[700];
    while (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *eq = strchr(line, '=');
        if (eq == NULL)
            continue;
        *eq = '\0';
        assert_int_equal(setenv(line, eq + 1, 1), 0);
    }
    fclose(f);
}

/* "<realm dir>/<name>" into Buffer. */
static inline const char *KrbPath(char *Buffer, size_t Size, const char *Name)
{
    snprintf(Buffer, Size, "%s/%s", KrbRealmDir, Name);
    return Buffer;
}

#endif /* NTSEC_KRB_HELPERS_H */
