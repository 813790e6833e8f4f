/*
 * addc_access.h - the access check of the domain tests: SeAccessCheck under the file
 * mapping on this thread while it impersonates a security context's client, as a file
 * system on a domain member would. Takes no references it does not release.
 */
#ifndef NTSEC_ADDC_ACCESS_H
#define NTSEC_ADDC_ACCESS_H

#include "ntsec_test.h"
#include "sspi.h"
#include "se/sep.h"
#include "se/rights.h"

/*
 * TRUE iff Desired is granted by the descriptor Sddl to Context's client; the status and the
 * granted mask must agree with the answer. Impersonates and reverts on this thread; the
 * subject context and the descriptor are released.
 */
static inline BOOLEAN AddcCheckAs(PCtxtHandle Context, const char *Sddl, ACCESS_MASK Desired)
{
    assert_int_equal(ImpersonateSecurityContext(Context), SEC_E_OK);
    SECURITY_SUBJECT_CONTEXT subject;
    SeCaptureSubjectContext(&subject);
    assert_non_null(subject.ClientToken);
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG length = 0;
    assert_status(NtsecSddlToSecurityDescriptor(Sddl, &sd, &length), STATUS_SUCCESS);
    GENERIC_MAPPING mapping = SepFileMapping;
    ACCESS_MASK granted = 0;
    NTSTATUS status = STATUS_UNSUCCESSFUL;
    BOOLEAN ok = SeAccessCheck(sd, &subject, FALSE, Desired, 0, NULL, &mapping, UserMode, &granted, &status);
    assert_status(status, ok ? STATUS_SUCCESS : STATUS_ACCESS_DENIED);
    assert_int_equal(granted, ok ? Desired : 0);
    SeReleaseSubjectContext(&subject);
    NtsecFree(sd);
    assert_int_equal(RevertSecurityContext(Context), SEC_E_OK);
    return ok;
}

#endif /* NTSEC_ADDC_ACCESS_H */
