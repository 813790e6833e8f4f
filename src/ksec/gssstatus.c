/*
 * gssstatus.c - GSS (major, minor) -> the SECURITY_STATUS Windows' Kerberos package gives
 * for the same failure (docs/sspi.md "Errors", with the sources of each row).
 *
 * The minor code decides when it is a krb5 error the user can act on (wrong password,
 * unknown service, KDC down, clock skew, expired ticket, missing key); otherwise the major
 * routine error decides, per phase. Unknown failures fail closed: never SEC_E_OK.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <krb5.h>
#include "ksec/gssp.h"


#define KSECP_SPNEGO_ERR_BASE 100000U

/* The minor codes with a Windows meaning of their own (MIT krb5 com_err values). */
static BOOLEAN KsecpMinorStatus(OM_uint32 Minor, KSECP_GSS_PHASE Phase, SECURITY_STATUS *Status)
{
    switch ((krb5_error_code)(LONG)Minor) {
    case KRB5KDC_ERR_PREAUTH_FAILED:   /* wrong password (pre-authentication) */
    case KRB5_PREAUTH_FAILED:
    case KRB5_GET_IN_TKT_LOOP:
    case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN: /* unknown user: a failed logon, no account oracle */
    case KRB5KDC_ERR_NAME_EXP:         /* account expired */
    case KRB5KDC_ERR_KEY_EXP:          /* password expired */
    case KRB5KDC_ERR_CLIENT_REVOKED:   /* account disabled / locked */
    case KRB5KDC_ERR_POLICY:
        *Status = SEC_E_LOGON_DENIED;
        return TRUE;
    case KRB5KRB_AP_ERR_BAD_INTEGRITY:
    case KRB5KRB_AP_ERR_MODIFIED:
        /* Initiator: the AS reply did not decrypt with the password's key (wrong password
         * without pre-authentication). Acceptor: the ticket does not decrypt with our key.
         * Message phase: tampering. */
        *Status = Phase == KsecpPhaseMessage  ? SEC_E_MESSAGE_ALTERED
                  : Phase == KsecpPhaseAccept ? SEC_E_NO_KERB_KEY
                                              : SEC_E_LOGON_DENIED;
        return TRUE;
    case KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN: /* no such service principal at the KDC */
    case KRB5KDC_ERR_SERVICE_EXP:
        *Status = SEC_E_TARGET_UNKNOWN;
        return TRUE;
    case KRB5_KDC_UNREACH:              /* no KDC answered */
    case KRB5_REALM_CANT_RESOLVE:
    case KRB5_REALM_UNKNOWN:
    case KRB5KDC_ERR_SVC_UNAVAILABLE:
        *Status = SEC_E_NO_AUTHENTICATING_AUTHORITY;
        return TRUE;
    case KRB5KRB_AP_ERR_SKEW:           /* clocks too far apart */
        *Status = SEC_E_TIME_SKEW;
        return TRUE;
    case KRB5KRB_AP_ERR_TKT_EXPIRED:    /* expired ticket */
    case KRB5KRB_AP_ERR_TKT_NYV:        /* ticket not yet valid: a time problem, not a logon */
        *Status = Minor == (OM_uint32)KRB5KRB_AP_ERR_TKT_NYV ? SEC_E_TIME_SKEW : SEC_E_CONTEXT_EXPIRED;
        return TRUE;
    case KRB5_KT_NOTFOUND:              /* the keytab lacks the service key (or that kvno) */
    case KRB5_KT_KVNONOTFOUND:
    case KRB5KRB_AP_ERR_BADKEYVER:
    case KRB5KRB_AP_ERR_NOKEY:
        *Status = Phase == KsecpPhaseAcquire ? SEC_E_NO_CREDENTIALS : SEC_E_NO_KERB_KEY;
        return TRUE;
    case KRB5KRB_AP_ERR_REPEAT:         /* a replayed AP-REQ */
        *Status = SEC_E_OUT_OF_SEQUENCE;
        return TRUE;
    case KRB5KRB_AP_ERR_NOT_US:         /* a ticket for another service */
    case KRB5KRB_AP_WRONG_PRINC:
        *Status = SEC_E_WRONG_PRINCIPAL;
        return TRUE;
    case KRB5_FCC_NOFILE:               /* no ccache / no TGT */
    case KRB5_CC_NOTFOUND:
    case KRB5_CC_END:
    case KRB5_KT_END:
        *Status = SEC_E_NO_CREDENTIALS;
        return TRUE;
    case KRB5_BADMSGTYPE:               /* not a Kerberos message of the expected kind */
    case KRB5KRB_AP_ERR_MSG_TYPE:
    case KRB5KRB_AP_ERR_BADVERSION:
        *Status = SEC_E_INVALID_TOKEN;
        return TRUE;
    case ENOMEM:
        *Status = SEC_E_INSUFFICIENT_MEMORY;
        return TRUE;
    default:
        /* SPNEGO's own minor codes (MIT: ERR_SPNEGO_BASE 100000 + n): the acceptor could not
         * take a mechanism from the client's NegTokenInit - a token it cannot use. */
        if (Phase == KsecpPhaseAccept && Minor > KSECP_SPNEGO_ERR_BASE && Minor < KSECP_SPNEGO_ERR_BASE + 16) {
            *Status = SEC_E_INVALID_TOKEN;
            return TRUE;
        }
        /* A token that does not decode (MIT's ASN.1 error table) is an invalid token. */
        if ((LONG)Minor >= ERROR_TABLE_BASE_asn1 && (LONG)Minor < ERROR_TABLE_BASE_asn1 + 256) {
            *Status = SEC_E_INVALID_TOKEN;
            return TRUE;
        }
        return FALSE;
    }
}

/* KsecpGssStatus - see gssp.h. */
SECURITY_STATUS KsecpGssStatus(OM_uint32 Major, OM_uint32 Minor, KSECP_GSS_PHASE Phase)
{
    if (secure_getenv("NTSEC_GSS_TRACE") != NULL) /* debugging aid (docs/sspi.md) */
        fprintf(stderr, "gss: phase %d major 0x%08x minor %d\n", (int)Phase, (unsigned)Major, (int)Minor);
    OM_uint32 routine = GSS_ROUTINE_ERROR(Major) | GSS_CALLING_ERROR(Major);
    if (routine == 0) {
        /* Supplementary bits only: in the message phase a replayed, old, early or late
         * token (GSS_S_DUPLICATE/OLD/UNSEQ/GAP_TOKEN) is SEC_E_OUT_OF_SEQUENCE, as
         * DecryptMessage (Kerberos) documents; otherwise success. */
        if (Major & (GSS_S_DUPLICATE_TOKEN | GSS_S_OLD_TOKEN | GSS_S_UNSEQ_TOKEN | GSS_S_GAP_TOKEN))
            return SEC_E_OUT_OF_SEQUENCE;
        return (Major & GSS_S_CONTINUE_NEEDED) ? SEC_I_CONTINUE_NEEDED : SEC_E_OK;
    }
    SECURITY_STATUS status;
    if (Minor != 0 && KsecpMinorStatus(Minor, Phase, &status))
        return status;
    switch (GSS_ROUTINE_ERROR(Major)) {
    case GSS_S_DEFECTIVE_TOKEN:
    case GSS_S_BAD_MECH:              /* a token of no mechanism we accept */
        return SEC_E_INVALID_TOKEN;
    case GSS_S_BAD_SIG:
        return Phase == KsecpPhaseMessage ? SEC_E_MESSAGE_ALTERED : SEC_E_INVALID_TOKEN;
    case GSS_S_NO_CRED:
    case GSS_S_DEFECTIVE_CREDENTIAL:
        return SEC_E_NO_CREDENTIALS;
    case GSS_S_CREDENTIALS_EXPIRED:
    case GSS_S_CONTEXT_EXPIRED:
        return SEC_E_CONTEXT_EXPIRED;
    case GSS_S_NO_CONTEXT:
        return SEC_E_INVALID_HANDLE;
    case GSS_S_BAD_QOP:
        return SEC_E_QOP_NOT_SUPPORTED;
    case GSS_S_BAD_NAME:
    case GSS_S_BAD_NAMETYPE:
        return Phase == KsecpPhaseInitialize ? SEC_E_TARGET_UNKNOWN : SEC_E_UNKNOWN_CREDENTIALS;
    case GSS_S_DUPLICATE_ELEMENT:
    case GSS_S_UNAVAILABLE:
        return SEC_E_UNSUPPORTED_FUNCTION;
    default:
        break;
    }
    if (GSS_CALLING_ERROR(Major) != 0)
        return SEC_E_INTERNAL_ERROR; /* our own misuse of GSSAPI */
    switch (Phase) {
    case KsecpPhaseAcquire:
        return SEC_E_NO_CREDENTIALS;
    case KsecpPhaseMessage:
        return SEC_E_MESSAGE_ALTERED;
    default:
        return SEC_E_LOGON_DENIED;
    }
}
