/*
 * kerberos.c - package "Kerberos". Not implemented yet (helper sspi-krb builds it on MIT
 * GSSAPI): registered so that its name is known, but unlisted (EnumerateSecurityPackagesW
 * and AcquireCredentialsHandleW do not see it) and with no operations, so every routine
 * fails closed (SEC_E_UNSUPPORTED_FUNCTION / STATUS_NOT_IMPLEMENTED).
 */
#include "ksec/ksecp.h"

const KSEC_PACKAGE KsecKerberosPackage = {
    .Name = "Kerberos",
    .Comment = "Kerberos (not implemented)",
    .Capabilities = 0,
    .Version = 1,
    .RpcId = 16, /* RPC_C_AUTHN_GSS_KERBEROS */
    .MaxToken = 48000,
    .KsecFlags = KSEC_PACKAGE_IMPERSONATION | KSEC_PACKAGE_UNLISTED,
};
