/*
 * gsscred.c - GSSAPI credentials of the Kerberos and Negotiate packages (docs/sspi.md
 * "Credentials").
 *
 * Acceptor: the keytab the caller names, else KRB5_KTNAME, else the profile's default
 * keytab. Initiator: an explicit password (SEC_WINNT_AUTH_IDENTITY_W) logged on with
 * gss_acquire_cred_with_password at the first InitializeSecurityContext; else the ccache the
 * caller names; else MIT's defaults (KRB5CCNAME, the collection, KRB5_CLIENT_KTNAME). MIT
 * reads these variables itself with secure_getenv, so a setuid program ignores them.
 * Negotiate credentials are SPNEGO credentials limited to krb5 (gss_set_neg_mechs), so
 * SPNEGO never offers a mechanism the package does not list (NTLM: docs/sspi.md).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include "ksec/gssp.h"

static gss_OID_desc KsecpSpnegoOid = {6, (void *)"\x2b\x06\x01\x05\x05\x02"}; /* 1.3.6.1.5.5.2 */
static gss_OID_desc KsecpKrb5Oid = {9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"}; /* 1.2.840.113554.1.2.2 */
static gss_OID_set_desc KsecpKrb5Set = {1, &KsecpKrb5Oid};
static gss_OID_set_desc KsecpSpnegoSet = {1, &KsecpSpnegoOid};

gss_OID KsecpGssMechOid(KSECP_GSS_MECH Mech)
{
    return Mech == KsecpMechNegotiate ? &KsecpSpnegoOid : &KsecpKrb5Oid;
}

gss_OID_set KsecpGssMechSet(KSECP_GSS_MECH Mech)
{
    return Mech == KsecpMechNegotiate ? &KsecpSpnegoSet : &KsecpKrb5Set;
}

PSTR KsecpGssDuplicateString(PCSTR String, SIZE_T Length)
{
    if (String == NULL || memchr(String, '\0', Length) != NULL)
        return NULL;
    PSTR copy = KsecpGssAllocate(Length + 1);
    if (copy != NULL)
        memcpy(copy, String, Length);
    return copy;
}

static PSTR KsecpStrdup(PCSTR s)
{
    return s == NULL ? NULL : KsecpGssDuplicateString(s, strlen(s));
}

VOID KsecpGssFreeString(PSTR String)
{
    if (String != NULL)
        ExFreePool(String);
}

/* The display form of a GSS name (malloc'd), or NULL. */
static PSTR KsecpDisplayName(gss_name_t Name)
{
    OM_uint32 minor;
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
    if (Name == GSS_C_NO_NAME || gss_display_name(&minor, Name, &text, NULL) != GSS_S_COMPLETE)
        return NULL;
    PSTR copy = KsecpGssDuplicateString(text.value, text.length); /* NULL on an embedded NUL */
    gss_release_buffer(&minor, &text);
    return copy;
}

/* Imports a krb5 principal name ("user@REALM", "HTTP/host"); GSS_S_* with *Name owned. */
static OM_uint32 KsecpImportPrincipal(OM_uint32 *Minor, PCSTR Text, gss_name_t *Name)
{
    gss_buffer_desc b = {strlen(Text), (void *)Text};
    return gss_import_name(Minor, &b, GSS_KRB5_NT_PRINCIPAL_NAME, Name);
}

/* Restricts a SPNEGO credential to krb5 (no-op for Kerberos). */
static SECURITY_STATUS KsecpLimitNegotiate(PKSECP_GSS_CRED Cred, gss_cred_id_t Handle)
{
    OM_uint32 minor;
    if (Cred->Mech != KsecpMechNegotiate || Handle == GSS_C_NO_CREDENTIAL)
        return SEC_E_OK;
    OM_uint32 major = gss_set_neg_mechs(&minor, Handle, &KsecpKrb5Set);
    return major == GSS_S_COMPLETE ? SEC_E_OK : KsecpGssStatus(major, minor, KsecpPhaseAcquire);
}

/* Fills Cred->Principal from a credential handle when it is not known yet. */
static VOID KsecpRememberName(PKSECP_GSS_CRED Cred, gss_cred_id_t Handle)
{
    OM_uint32 minor;
    gss_name_t name = GSS_C_NO_NAME;
    if (Cred->Principal != NULL || Handle == GSS_C_NO_CREDENTIAL)
        return;
    /* Ask for the name only of a usable credential: for an expired one MIT 1.20's mechglue
     * returns GSS_S_CREDENTIALS_EXPIRED and drops (leaks) the name the krb5 mech made. */
    OM_uint32 lifetime = 0;
    if (gss_inquire_cred(&minor, Handle, NULL, &lifetime, NULL, NULL) != GSS_S_COMPLETE || lifetime == 0)
        return;
    if (gss_inquire_cred(&minor, Handle, &name, NULL, NULL, NULL) == GSS_S_COMPLETE)
        Cred->Principal = KsecpDisplayName(name);
    if (name != GSS_C_NO_NAME)
        gss_release_name(&minor, &name);
}

/*
 * KsecpAcquireFromStore - gss_acquire_cred_from with the store {Key: Value} (or the defaults
 * when Key is NULL), for Usage. The handle goes into Cred->Cred.
 */
static SECURITY_STATUS KsecpAcquireFromStore(PKSECP_GSS_CRED Cred, gss_cred_usage_t Usage, PCSTR Key, PCSTR Value)
{
    OM_uint32 minor = 0, major;
    gss_key_value_element_desc element = {Key, Value};
    gss_key_value_set_desc store = {1, &element};
    gss_cred_id_t handle = GSS_C_NO_CREDENTIAL;
    major = gss_acquire_cred_from(&minor, Cred->DesiredName, GSS_C_INDEFINITE, KsecpGssMechSet(Cred->Mech), Usage,
                                  Key != NULL ? &store : GSS_C_NO_CRED_STORE, &handle, NULL, NULL);
    if (GSS_ERROR(major))
        return KsecpGssStatus(major, minor, KsecpPhaseAcquire);
    SECURITY_STATUS status = KsecpLimitNegotiate(Cred, handle);
    if (status != SEC_E_OK) {
        gss_release_cred(&minor, &handle);
        return status;
    }
    KsecpRememberName(Cred, handle);
    Cred->Cred = handle;
    return SEC_E_OK;
}

/*
 * KsecpCheckInitiatorCredentials - an outbound credential without a password must find a
 * ccache with a usable TGT now (Windows: AcquireCredentialsHandle without explicit
 * credentials fails with SEC_E_NO_CREDENTIALS when the logon session has none).
 */
static SECURITY_STATUS KsecpOutboundDefaults(PKSECP_GSS_CRED Cred, PCSTR Ccache)
{
    return KsecpAcquireFromStore(Cred, Cred->Use & KSECP_CRED_INBOUND ? GSS_C_BOTH : GSS_C_INITIATE,
                                 Ccache != NULL ? "ccache" : NULL, Ccache);
}

/*
 * KsecpGssAcquireCredentials - see gssp.h. *Cred owns every GSS object it holds.
 * @remarks Windows' AcquireCredentialsHandle (Kerberos) with explicit credentials does not
 * contact the KDC; the logon happens at InitializeSecurityContext, whose status then says
 * SEC_E_LOGON_DENIED for a wrong password. The password is kept (wiped on free) until then.
 */
SECURITY_STATUS KsecpGssAcquireCredentials(const KSECP_GSS_CRED_REQUEST *Request, PKSECP_GSS_CRED *Cred)
{
    OM_uint32 minor;
    *Cred = NULL;
    if (Request->Use == 0 || (Request->Use & ~(KSECP_CRED_INBOUND | KSECP_CRED_OUTBOUND)) != 0)
        return SEC_E_INVALID_PARAMETER;
    BOOLEAN explicitLogon = Request->User != NULL || Request->Password != NULL;
    if (explicitLogon && (Request->User == NULL || Request->User[0] == '\0' || Request->Password == NULL))
        return SEC_E_UNKNOWN_CREDENTIALS;
    PKSECP_GSS_CRED cred = KsecpGssAllocate(sizeof(*cred));
    if (cred == NULL)
        return SEC_E_INSUFFICIENT_MEMORY;
    pthread_mutex_init(&cred->Lock, NULL);
    cred->Mech = Request->Mech;
    cred->Use = Request->Use;
    cred->Cred = GSS_C_NO_CREDENTIAL;
    cred->DesiredName = GSS_C_NO_NAME;

    SECURITY_STATUS status = SEC_E_OK;
    PSTR principal = NULL;
    if (explicitLogon) {
        /* user@domain, or user alone (the default realm); a user already holding '@' is a UPN. */
        SIZE_T n = strlen(Request->User) + (Request->Domain ? strlen(Request->Domain) : 0) + 2;
        principal = KsecpGssAllocate(n);
        if (principal == NULL)
            status = SEC_E_INSUFFICIENT_MEMORY;
        else if (Request->Domain != NULL && Request->Domain[0] != '\0' && strchr(Request->User, '@') == NULL)
            snprintf(principal, n, "%s@%s", Request->User, Request->Domain);
        else
            snprintf(principal, n, "%s", Request->User);
    } else if (Request->Principal != NULL && Request->Principal[0] != '\0') {
        principal = KsecpStrdup(Request->Principal);
        if (principal == NULL)
            status = SEC_E_INSUFFICIENT_MEMORY;
    }
    if (status == SEC_E_OK && principal != NULL) {
        OM_uint32 major = KsecpImportPrincipal(&minor, principal, &cred->DesiredName);
        if (GSS_ERROR(major))
            status = SEC_E_UNKNOWN_CREDENTIALS;
        else
            cred->Principal = KsecpDisplayName(cred->DesiredName);
    }
    KsecpGssFreeString(principal);

    if (status == SEC_E_OK && explicitLogon) {
        if (Request->Use & KSECP_CRED_INBOUND)
            status = SEC_E_UNSUPPORTED_FUNCTION; /* an acceptor needs a key, not a password */
        else if ((cred->Password = KsecpStrdup(Request->Password)) == NULL)
            status = SEC_E_INSUFFICIENT_MEMORY;
    } else if (status == SEC_E_OK && (Request->Use & KSECP_CRED_INBOUND)) {
        status = KsecpAcquireFromStore(cred, Request->Use & KSECP_CRED_OUTBOUND ? GSS_C_BOTH : GSS_C_ACCEPT,
                                       Request->Keytab != NULL ? "keytab" : NULL, Request->Keytab);
    } else if (status == SEC_E_OK) {
        status = KsecpOutboundDefaults(cred, Request->Ccache);
        if (status == SEC_E_OK && Request->Ccache != NULL && (cred->Ccache = KsecpStrdup(Request->Ccache)) == NULL)
            status = SEC_E_INSUFFICIENT_MEMORY;
    }
    if (status != SEC_E_OK) {
        KsecpGssFreeCredentials(cred);
        return status;
    }
    *Cred = cred;
    return SEC_E_OK;
}

/* KsecpGssCredentialsFromCcache - see gssp.h. */
SECURITY_STATUS KsecpGssCredentialsFromCcache(KSECP_GSS_MECH Mech, PCSTR CcacheName, PKSECP_GSS_CRED *Cred)
{
    KSECP_GSS_CRED_REQUEST request = {Mech, KSECP_CRED_OUTBOUND};
    request.Ccache = CcacheName;
    return KsecpGssAcquireCredentials(&request, Cred);
}

/*
 * KsecpPasswordLogon - the deferred AS exchange; called with Cred->Lock held.
 * @remarks Always through the krb5 mechanism, so the KDC's answer (wrong password, unknown
 * user, KDC down) reaches the status map. For Negotiate the TGT then goes into a private
 * MEMORY ccache (Cred->LogonCcache, destroyed with the credential) from which the SPNEGO
 * credential is acquired: MIT's mechglue would otherwise not hand a krb5 credential to SPNEGO.
 */
static SECURITY_STATUS KsecpPasswordLogon(PKSECP_GSS_CRED Cred)
{
    static _Atomic ULONG counter;
    OM_uint32 minor = 0;
    gss_buffer_desc password = {strlen(Cred->Password), Cred->Password};
    gss_cred_id_t handle = GSS_C_NO_CREDENTIAL;
    OM_uint32 major = gss_acquire_cred_with_password(&minor, Cred->DesiredName, &password, GSS_C_INDEFINITE,
                                                     &KsecpKrb5Set, GSS_C_INITIATE, &handle, NULL, NULL);
    if (GSS_ERROR(major))
        return KsecpGssStatus(major, minor, KsecpPhaseInitialize);
    if (Cred->Mech == KsecpMechNegotiate) {
        char name[64];
        snprintf(name, sizeof(name), "MEMORY:ntsec-logon-%d-%lu", (int)getpid(),
                 (unsigned long)atomic_fetch_add(&counter, 1) + 1);
        Cred->LogonCcache = KsecpStrdup(name);
        if (Cred->LogonCcache == NULL) {
            gss_release_cred(&minor, &handle);
            return SEC_E_INSUFFICIENT_MEMORY;
        }
        gss_key_value_element_desc element = {"ccache", Cred->LogonCcache};
        gss_key_value_set_desc store = {1, &element};
        major = gss_store_cred_into(&minor, handle, GSS_C_INITIATE, &KsecpKrb5Oid, 1, 0, &store, NULL, NULL);
        gss_release_cred(&minor, &handle);
        if (GSS_ERROR(major))
            return KsecpGssStatus(major, minor, KsecpPhaseAcquire);
        SECURITY_STATUS status = KsecpAcquireFromStore(Cred, GSS_C_INITIATE, "ccache", Cred->LogonCcache);
        if (status != SEC_E_OK)
            return status;
    } else {
        Cred->Cred = handle;
    }
    explicit_bzero(Cred->Password, strlen(Cred->Password));
    KsecpGssFreeString(Cred->Password);
    Cred->Password = NULL;
    return SEC_E_OK;
}

/* KsecpGssCredentialsFor - see gssp.h. */
SECURITY_STATUS KsecpGssCredentialsFor(PKSECP_GSS_CRED Cred, gss_cred_usage_t Usage, gss_cred_id_t *Result)
{
    *Result = GSS_C_NO_CREDENTIAL;
    ULONG need = Usage == GSS_C_ACCEPT ? KSECP_CRED_INBOUND : KSECP_CRED_OUTBOUND;
    if (!(Cred->Use & need))
        return SEC_E_NO_CREDENTIALS; /* Windows: an INBOUND handle cannot initiate, and back */
    SECURITY_STATUS status = SEC_E_OK;
    pthread_mutex_lock(&Cred->Lock);
    if (Cred->Password != NULL)
        status = KsecpPasswordLogon(Cred);
    *Result = Cred->Cred;
    pthread_mutex_unlock(&Cred->Lock);
    return status;
}

/* KsecpGssFreeCredentials - releases every GSS object of Cred and wipes a pending password. */
VOID KsecpGssFreeCredentials(PKSECP_GSS_CRED Cred)
{
    OM_uint32 minor;
    if (Cred == NULL)
        return;
    if (Cred->Cred != GSS_C_NO_CREDENTIAL)
        gss_release_cred(&minor, &Cred->Cred);
    if (Cred->DesiredName != GSS_C_NO_NAME)
        gss_release_name(&minor, &Cred->DesiredName);
    if (Cred->Password != NULL) {
        explicit_bzero(Cred->Password, strlen(Cred->Password));
        KsecpGssFreeString(Cred->Password);
    }
    KsecpGssFreeString(Cred->Principal);
    KsecpGssFreeString(Cred->Ccache);
    if (Cred->LogonCcache != NULL) {
        KsecpGssDestroyCcache(Cred->LogonCcache);
        KsecpGssFreeString(Cred->LogonCcache);
    }
    pthread_mutex_destroy(&Cred->Lock);
    ExFreePool(Cred);
}
