/*
 * gssctx.c - GSS security contexts of the Kerberos and Negotiate packages: the
 * establishment steps on both sides, names, session key, and the delegated credentials of a
 * logon (docs/sspi.md "Kerberos and Negotiate").
 */
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include <krb5.h>
#include "ksec/gssp.h"

static PKSECP_GSS_CONTEXT KsecpNewContext(KSECP_GSS_MECH Mech, BOOLEAN Server)
{
    PKSECP_GSS_CONTEXT c = KsecpGssAllocate(sizeof(*c));
    if (c == NULL)
        return NULL;
    c->Mech = Mech;
    c->Server = Server;
    c->Context = GSS_C_NO_CONTEXT;
    c->Target = GSS_C_NO_NAME;
    c->Client = GSS_C_NO_NAME;
    c->Delegated = GSS_C_NO_CREDENTIAL;
    return c;
}

/* Destroys the MEMORY ccache Name (delegated credentials). */
VOID KsecpGssDestroyCcache(PCSTR Name)
{
    krb5_context k = NULL;
    krb5_ccache cc = NULL;
    if (krb5_init_context(&k) != 0)
        return;
    if (krb5_cc_resolve(k, Name, &cc) == 0)
        krb5_cc_destroy(k, cc);
    krb5_free_context(k);
}

/* KsecpGssFreeContext - deletes the GSS context and releases every object it owns. */
VOID KsecpGssFreeContext(PKSECP_GSS_CONTEXT Context)
{
    OM_uint32 minor;
    if (Context == NULL)
        return;
    if (Context->Context != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&minor, &Context->Context, GSS_C_NO_BUFFER);
    if (Context->Target != GSS_C_NO_NAME)
        gss_release_name(&minor, &Context->Target);
    if (Context->Client != GSS_C_NO_NAME)
        gss_release_name(&minor, &Context->Client);
    if (Context->Delegated != GSS_C_NO_CREDENTIAL)
        gss_release_cred(&minor, &Context->Delegated);
    if (Context->DelegatedCcache != NULL) {
        KsecpGssDestroyCcache(Context->DelegatedCcache);
        KsecpGssFreeString(Context->DelegatedCcache);
    }
    ExFreePool(Context);
}

/*
 * KsecpImportTarget - an SSPI target name as a krb5 principal: "service/host[:port][@REALM]"
 * (an SPN, as Windows takes it) or "user@REALM". No DNS canonicalisation here: the profile's
 * dns_canonicalize_hostname decides, as for every MIT client.
 */
static SECURITY_STATUS KsecpImportTarget(PCSTR Target, gss_name_t *Name)
{
    OM_uint32 minor;
    if (Target == NULL || Target[0] == '\0')
        return SEC_E_TARGET_UNKNOWN;
    gss_buffer_desc b = {strlen(Target), (void *)Target};
    OM_uint32 major = gss_import_name(&minor, &b, GSS_KRB5_NT_PRINCIPAL_NAME, Name);
    return GSS_ERROR(major) ? SEC_E_TARGET_UNKNOWN : SEC_E_OK;
}

/* Frees a context made by the step that failed first, or keeps a later one. */
static SECURITY_STATUS KsecpStepFailed(PKSECP_GSS_CONTEXT *Context, BOOLEAN First, gss_buffer_t Output,
                                       SECURITY_STATUS Status)
{
    OM_uint32 minor;
    gss_release_buffer(&minor, Output);
    if (First) {
        KsecpGssFreeContext(*Context);
        *Context = NULL;
    }
    return Status;
}

/*
 * KsecpNegotiateDiagnose - why a Negotiate first step failed. MIT's SPNEGO reports only its
 * own minor code ("no mechanism could be negotiated") when its single mechanism, krb5,
 * fails, so the krb5 step is repeated on its own, from the same ccache, to learn the
 * Kerberos reason (unknown service, KDC down, skew, expired ticket). Error path only; the
 * probe context is deleted at once.
 */
static SECURITY_STATUS KsecpNegotiateDiagnose(PKSECP_GSS_CRED Cred, gss_name_t Target, SECURITY_STATUS Status)
{
    OM_uint32 minor = 0, major;
    gss_cred_id_t krb5 = GSS_C_NO_CREDENTIAL;
    PCSTR ccache = Cred->LogonCcache != NULL ? Cred->LogonCcache : Cred->Ccache;
    gss_key_value_element_desc element = {"ccache", ccache};
    gss_key_value_set_desc store = {1, &element};
    gss_OID_set_desc set = {1, KsecpGssMechOid(KsecpMechKerberos)};
    major = gss_acquire_cred_from(&minor, Cred->DesiredName, GSS_C_INDEFINITE, &set, GSS_C_INITIATE,
                                  ccache != NULL ? &store : GSS_C_NO_CRED_STORE, &krb5, NULL, NULL);
    if (GSS_ERROR(major))
        return KsecpGssStatus(major, minor, KsecpPhaseInitialize);
    gss_ctx_id_t probe = GSS_C_NO_CONTEXT;
    gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
    major = gss_init_sec_context(&minor, krb5, &probe, Target, KsecpGssMechOid(KsecpMechKerberos), 0, 0,
                                 GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, NULL, &out, NULL, NULL);
    SECURITY_STATUS why = GSS_ERROR(major) ? KsecpGssStatus(major, minor, KsecpPhaseInitialize) : Status;
    OM_uint32 ignored;
    gss_release_buffer(&ignored, &out);
    if (probe != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&ignored, &probe, GSS_C_NO_BUFFER);
    gss_release_cred(&ignored, &krb5);
    return why;
}

/*
 * KsecpGssInitialize - see gssp.h. References: *Context owns the GSS context and target name;
 * the credential keeps its gss_cred_id_t (borrowed for the call).
 */
SECURITY_STATUS KsecpGssInitialize(PKSECP_GSS_CRED Cred, PKSECP_GSS_CONTEXT *Context, PCSTR Target,
                                   OM_uint32 ReqFlags, const VOID *Input, SIZE_T InputLength,
                                   gss_buffer_t Output)
{
    OM_uint32 minor = 0, major;
    Output->length = 0;
    Output->value = NULL;
    BOOLEAN first = *Context == NULL;
    if (!first && ((*Context)->Server || (*Context)->Complete))
        return SEC_E_INVALID_HANDLE; /* a finished or acceptor context cannot take a step */
    if (!first && InputLength == 0)
        return SEC_E_INVALID_TOKEN;  /* a continuation needs the peer's token */
    gss_cred_id_t handle;
    SECURITY_STATUS status = KsecpGssCredentialsFor(Cred, GSS_C_INITIATE, &handle);
    if (status != SEC_E_OK)
        return status;
    if (first) {
        *Context = KsecpNewContext(Cred->Mech, FALSE);
        if (*Context == NULL)
            return SEC_E_INSUFFICIENT_MEMORY;
        status = KsecpImportTarget(Target, &(*Context)->Target);
        if (status != SEC_E_OK)
            return KsecpStepFailed(Context, TRUE, Output, status);
    }
    PKSECP_GSS_CONTEXT c = *Context;
    gss_buffer_desc in = {InputLength, (void *)Input};
    major = gss_init_sec_context(&minor, handle, &c->Context, c->Target, KsecpGssMechOid(c->Mech), ReqFlags, 0,
                                 GSS_C_NO_CHANNEL_BINDINGS, InputLength != 0 ? &in : GSS_C_NO_BUFFER, NULL, Output,
                                 &c->Flags, &c->Lifetime);
    if (GSS_ERROR(major)) {
        status = KsecpGssStatus(major, minor, KsecpPhaseInitialize);
        if (first && c->Mech == KsecpMechNegotiate)
            status = KsecpNegotiateDiagnose(Cred, c->Target, status);
        return KsecpStepFailed(Context, first, Output, status);
    }
    if (major & GSS_S_CONTINUE_NEEDED)
        return SEC_I_CONTINUE_NEEDED;
    c->Complete = TRUE;
    return SEC_E_OK;
}

/*
 * KsecpGssAccept - see gssp.h. On completion the context owns the client's name and any
 * delegated credentials GSS handed over.
 * @remarks An empty or missing input token is SEC_E_INVALID_TOKEN (AcceptSecurityContext
 * needs the client's token); garbage and truncated tokens are refused by GSS
 * (GSS_S_DEFECTIVE_TOKEN / GSS_S_BAD_MECH: SEC_E_INVALID_TOKEN) before any state is kept.
 */
SECURITY_STATUS KsecpGssAccept(PKSECP_GSS_CRED Cred, PKSECP_GSS_CONTEXT *Context, const VOID *Input,
                               SIZE_T InputLength, gss_buffer_t Output)
{
    OM_uint32 minor = 0, major;
    Output->length = 0;
    Output->value = NULL;
    BOOLEAN first = *Context == NULL;
    if (!first && (!(*Context)->Server || (*Context)->Complete))
        return SEC_E_INVALID_HANDLE;
    if (Input == NULL || InputLength == 0)
        return SEC_E_INVALID_TOKEN;
    gss_cred_id_t handle;
    SECURITY_STATUS status = KsecpGssCredentialsFor(Cred, GSS_C_ACCEPT, &handle);
    if (status != SEC_E_OK)
        return status;
    if (first && (*Context = KsecpNewContext(Cred->Mech, TRUE)) == NULL)
        return SEC_E_INSUFFICIENT_MEMORY;
    PKSECP_GSS_CONTEXT c = *Context;
    gss_buffer_desc in = {InputLength, (void *)Input};
    gss_name_t client = GSS_C_NO_NAME;
    gss_cred_id_t delegated = GSS_C_NO_CREDENTIAL;
    major = gss_accept_sec_context(&minor, &c->Context, handle, &in, GSS_C_NO_CHANNEL_BINDINGS, &client, NULL,
                                   Output, &c->Flags, &c->Lifetime, &delegated);
    if (GSS_ERROR(major)) {
        if (client != GSS_C_NO_NAME)
            gss_release_name(&minor, &client);
        if (delegated != GSS_C_NO_CREDENTIAL)
            gss_release_cred(&minor, &delegated);
        return KsecpStepFailed(Context, first, Output, KsecpGssStatus(major, minor, KsecpPhaseAccept));
    }
    if (client != GSS_C_NO_NAME) {
        if (c->Client != GSS_C_NO_NAME)
            gss_release_name(&minor, &c->Client);
        c->Client = client;
    }
    if (delegated != GSS_C_NO_CREDENTIAL) {
        if (c->Delegated != GSS_C_NO_CREDENTIAL)
            gss_release_cred(&minor, &c->Delegated);
        c->Delegated = delegated;
    }
    if (major & GSS_S_CONTINUE_NEEDED)
        return SEC_I_CONTINUE_NEEDED;
    if (c->Client == GSS_C_NO_NAME)
        return KsecpStepFailed(Context, first, Output, SEC_E_LOGON_DENIED); /* complete without a client */
    c->Complete = TRUE;
    return SEC_E_OK;
}

static PSTR KsecpNameText(gss_name_t Name)
{
    OM_uint32 minor;
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
    if (Name == GSS_C_NO_NAME || gss_display_name(&minor, Name, &text, NULL) != GSS_S_COMPLETE)
        return NULL;
    PSTR copy = KsecpGssDuplicateString(text.value, text.length);
    gss_release_buffer(&minor, &text);
    return copy;
}

/* KsecpGssContextNames - see gssp.h. Either output may be NULL (not wanted). */
SECURITY_STATUS KsecpGssContextNames(PKSECP_GSS_CONTEXT Context, PSTR *Client, PSTR *Server)
{
    OM_uint32 minor;
    gss_name_t source = GSS_C_NO_NAME, target = GSS_C_NO_NAME;
    if (Client != NULL)
        *Client = NULL;
    if (Server != NULL)
        *Server = NULL;
    if (Context == NULL || Context->Context == GSS_C_NO_CONTEXT)
        return SEC_E_INVALID_HANDLE;
    OM_uint32 major = gss_inquire_context(&minor, Context->Context, &source, &target, NULL, NULL, NULL, NULL, NULL);
    if (GSS_ERROR(major))
        return KsecpGssStatus(major, minor, KsecpPhaseMessage) == SEC_E_INVALID_HANDLE ? SEC_E_INVALID_HANDLE
                                                                                       : SEC_E_INTERNAL_ERROR;
    SECURITY_STATUS status = SEC_E_OK;
    if (Client != NULL && (*Client = KsecpNameText(source)) == NULL)
        status = SEC_E_INSUFFICIENT_MEMORY;
    /* An acceptor with a default (any-key) credential has no target name: leave it NULL. */
    if (status == SEC_E_OK && Server != NULL && target != GSS_C_NO_NAME && (*Server = KsecpNameText(target)) == NULL)
        status = SEC_E_INSUFFICIENT_MEMORY;
    if (source != GSS_C_NO_NAME)
        gss_release_name(&minor, &source);
    if (target != GSS_C_NO_NAME)
        gss_release_name(&minor, &target);
    if (status != SEC_E_OK) {
        if (Client != NULL) {
            KsecpGssFreeString(*Client);
            *Client = NULL;
        }
        if (Server != NULL) {
            KsecpGssFreeString(*Server);
            *Server = NULL;
        }
    }
    return status;
}

/*
 * KsecpGssSessionKey - see gssp.h. *Key is a pool copy (ExFreePool). The enctype is the last
 * arc of the second element's OID (MIT: GSS_KRB5_SESSION_KEY_ENCTYPE_OID + enctype).
 */
SECURITY_STATUS KsecpGssSessionKey(PKSECP_GSS_CONTEXT Context, PUCHAR *Key, ULONG *Length, LONG *Enctype)
{
    OM_uint32 minor;
    gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
    *Key = NULL;
    *Length = 0;
    *Enctype = 0;
    if (Context == NULL || !Context->Complete)
        return SEC_E_INVALID_HANDLE;
    OM_uint32 major = gss_inquire_sec_context_by_oid(&minor, Context->Context, GSS_C_INQ_SSPI_SESSION_KEY, &set);
    if (GSS_ERROR(major) || set == GSS_C_NO_BUFFER_SET || set->count < 1 || set->elements[0].length == 0 ||
        set->elements[0].length > 1024) {
        gss_release_buffer_set(&minor, &set);
        return SEC_E_UNSUPPORTED_FUNCTION;
    }
    PUCHAR key = KsecpGssAllocate(set->elements[0].length);
    if (key == NULL) {
        gss_release_buffer_set(&minor, &set);
        return SEC_E_INSUFFICIENT_MEMORY;
    }
    memcpy(key, set->elements[0].value, set->elements[0].length);
    *Length = (ULONG)set->elements[0].length;
    if (set->count >= 2 && set->elements[1].length > 0) {
        const UCHAR *oid = set->elements[1].value;
        SIZE_T n = set->elements[1].length, start = n - 1;
        while (start > 0 && (oid[start - 1] & 0x80))
            start--;
        ULONG value = 0;
        for (SIZE_T i = start; i < n && i < start + 4; i++)
            value = (value << 7) | (oid[i] & 0x7F);
        *Enctype = (LONG)value;
    }
    *Key = key;
    gss_release_buffer_set(&minor, &set);
    return SEC_E_OK;
}

/*
 * KsecpGssStoreDelegated - see gssp.h. The ccache name is unique in the process (pid and a
 * counter that only grows) and owned by the context, which destroys it when freed.
 */
SECURITY_STATUS KsecpGssStoreDelegated(PKSECP_GSS_CONTEXT Context)
{
    static _Atomic ULONG counter;
    OM_uint32 minor = 0;
    if (Context->Delegated == GSS_C_NO_CREDENTIAL)
        return SEC_E_NO_CREDENTIALS;
    if (Context->DelegatedCcache != NULL)
        return SEC_E_OK;
    char name[64];
    snprintf(name, sizeof(name), "MEMORY:ntsec-deleg-%d-%lu", (int)getpid(),
             (unsigned long)atomic_fetch_add(&counter, 1) + 1);
    PSTR copy = KsecpGssDuplicateString(name, strlen(name));
    if (copy == NULL)
        return SEC_E_INSUFFICIENT_MEMORY;
    gss_key_value_element_desc element = {"ccache", copy};
    gss_key_value_set_desc store = {1, &element};
    OM_uint32 major = gss_store_cred_into(&minor, Context->Delegated, GSS_C_INITIATE, KsecpGssMechOid(KsecpMechKerberos),
                                          1, 0, &store, NULL, NULL);
    if (GSS_ERROR(major)) {
        KsecpGssDestroyCcache(copy);
        KsecpGssFreeString(copy);
        return KsecpGssStatus(major, minor, KsecpPhaseAcquire);
    }
    Context->DelegatedCcache = copy;
    return SEC_E_OK;
}
