/*
 * unpriv.c - the unprivileged identity (nobody/nogroup) that Identification- and
 * Anonymous-level impersonation map to (docs/host.md "Levels"), and HostBase, the base
 * identity the switching part reads when it is turned on. Pure identity part: account
 * database look-ups only, no credential changes.
 */
#include <grp.h>
#include <pwd.h>
#include "host/hostp.h"

/* Filled by the switching part (hostapi.c HostpReadBase) when the backend is turned on. */
HOST_CREDS HostBase;
/* uid << 32 | gid of the unprivileged identity; HOSTP_UNPRIV_UNSET until resolved or set
 * (NtsecSetHostUnprivilegedIdentity). */
_Atomic unsigned long long HostUnprivIds = HOSTP_UNPRIV_UNSET;

/* nobody/nogroup (else nobody/nobody, else 65534/65534); never 0. */
static unsigned long long HostpLookUpUnprivileged(VOID)
{
    char buffer[4096];
    struct passwd pw, *pwr = NULL;
    struct group gr, *grr = NULL;
    uid_t uid = 65534;
    gid_t gid = 65534;
    if (getpwnam_r("nobody", &pw, buffer, sizeof(buffer), &pwr) == 0 && pwr != NULL &&
        pw.pw_uid != 0 && pw.pw_uid != (uid_t)-1)
        uid = pw.pw_uid;
    if ((getgrnam_r("nogroup", &gr, buffer, sizeof(buffer), &grr) == 0 && grr != NULL &&
         gr.gr_gid != 0 && gr.gr_gid != (gid_t)-1) ||
        (getgrnam_r("nobody", &gr, buffer, sizeof(buffer), &grr) == 0 && grr != NULL &&
         gr.gr_gid != 0 && gr.gr_gid != (gid_t)-1))
        gid = gr.gr_gid;
    return (unsigned long long)uid << 32 | gid;
}

/*
 * HostGetUnprivileged - see hostp.h. Resolved on first use (also with the backend off:
 * process creation and `ntsec whoami` need it), lock-free afterwards.
 */
VOID HostGetUnprivileged(uid_t *Uid, gid_t *Gid)
{
    unsigned long long ids = atomic_load_explicit(&HostUnprivIds, memory_order_acquire);
    if (ids == HOSTP_UNPRIV_UNSET) {
        unsigned long long expected = HOSTP_UNPRIV_UNSET, found = HostpLookUpUnprivileged();
        if (atomic_compare_exchange_strong(&HostUnprivIds, &expected, found))
            ids = found;
        else
            ids = expected; /* set by NtsecSetHostUnprivilegedIdentity or another thread */
    }
    *Uid = (uid_t)(ids >> 32);
    *Gid = (gid_t)ids;
}
