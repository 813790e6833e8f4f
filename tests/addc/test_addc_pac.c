/*
 * test_addc_pac.c - a real Active Directory domain (Samba's AD DC, docs/addc.md): a domain
 * user's service ticket carries a real PAC, MIT GSSAPI hands its logon info to the acceptor
 * as the name attribute urn:mspac:logon-info, and ntsec's decoder (src/ksec/pac.c) gets the
 * domain's SIDs out of it; a service with UF_NO_AUTH_DATA_REQUIRED gets tickets without one.
 * Runs under scripts/addc/run.sh (CTest label addc), which provides the domain and the
 * ADDC_* environment; ADDC_DUMP_DIR, when set, receives the raw logon-info blobs.
 */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ntsec_test.h"
#include "addc_access.h"
#include "addc_env.h"
#include "rtl/rtlp.h"
#include "ksec/pac.h"
#include "sspi.h"
#include "se/sep.h"
#include "se/rights.h"

static void SidText(PSID Sid, char *Out, size_t Size)
{
    assert_status(RtlpSidToString(Sid, Out, Size), STATUS_SUCCESS);
}

/* The attributes of the group Text in Info (0 if absent). */
static ULONG PacGroup(PKSEC_PAC_LOGON_INFO Info, const char *Text)
{
    char buf[200];
    for (ULONG i = 0; i < Info->GroupCount; i++) {
        SidText(Info->Groups[i].Sid, buf, sizeof(buf));
        if (strcmp(buf, Text) == 0)
            return Info->Groups[i].Attributes;
    }
    return 0;
}

/*
 * One Kerberos exchange in this process: the initiator with the ccache Ccache asks for
 * HTTP@Host, the acceptor with Keytab accepts. Returns the authenticated source name (the
 * caller releases it).
 */
static gss_name_t Authenticate(const char *Ccache, const char *Host, const char *Keytab)
{
    OM_uint32 minor, ignored;
    char target[128];
    snprintf(target, sizeof(target), "HTTP@%s", Host);
    gss_buffer_desc tn = {strlen(target), target};
    gss_name_t name = GSS_C_NO_NAME;
    assert_int_equal(gss_import_name(&minor, &tn, GSS_C_NT_HOSTBASED_SERVICE, &name), GSS_S_COMPLETE);
    gss_key_value_element_desc ie = {"ccache", Ccache}, ae = {"keytab", Keytab};
    gss_key_value_set_desc is = {1, &ie}, as = {1, &ae};
    gss_cred_id_t icred = GSS_C_NO_CREDENTIAL, acred = GSS_C_NO_CREDENTIAL;
    assert_int_equal(gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, GSS_C_NO_OID_SET,
                                           GSS_C_INITIATE, &is, &icred, NULL, NULL),
                     GSS_S_COMPLETE);
    assert_int_equal(gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, GSS_C_NO_OID_SET,
                                           GSS_C_ACCEPT, &as, &acred, NULL, NULL),
                     GSS_S_COMPLETE);
    gss_ctx_id_t ictx = GSS_C_NO_CONTEXT, actx = GSS_C_NO_CONTEXT;
    gss_buffer_desc itok = GSS_C_EMPTY_BUFFER, atok = GSS_C_EMPTY_BUFFER;
    gss_name_t source = GSS_C_NO_NAME;
    OM_uint32 imajor = GSS_S_CONTINUE_NEEDED, amajor = GSS_S_CONTINUE_NEEDED;
    for (int round = 0; round < 4 && (imajor != GSS_S_COMPLETE || amajor != GSS_S_COMPLETE); round++) {
        if (imajor != GSS_S_COMPLETE) {
            imajor = gss_init_sec_context(&minor, icred, &ictx, name, (gss_OID)gss_mech_krb5, GSS_C_MUTUAL_FLAG, 0,
                                          GSS_C_NO_CHANNEL_BINDINGS, round ? &atok : GSS_C_NO_BUFFER, NULL, &itok,
                                          NULL, NULL);
            gss_release_buffer(&ignored, &atok);
            assert_false(GSS_ERROR(imajor));
        }
        if (itok.length != 0) {
            amajor = gss_accept_sec_context(&minor, &actx, acred, &itok, GSS_C_NO_CHANNEL_BINDINGS, &source, NULL,
                                            &atok, NULL, NULL, NULL);
            gss_release_buffer(&ignored, &itok);
            assert_false(GSS_ERROR(amajor));
        }
    }
    assert_int_equal(imajor, GSS_S_COMPLETE);
    assert_int_equal(amajor, GSS_S_COMPLETE);
    gss_delete_sec_context(&ignored, &ictx, GSS_C_NO_BUFFER);
    gss_delete_sec_context(&ignored, &actx, GSS_C_NO_BUFFER);
    gss_release_cred(&ignored, &icred);
    gss_release_cred(&ignored, &acred);
    gss_release_name(&ignored, &name);
    return source;
}

/* The source name's urn:mspac:logon-info value (caller releases), or GSS's major status. */
static OM_uint32 LogonInfo(gss_name_t Source, gss_buffer_desc *Value, int *Authenticated)
{
    OM_uint32 minor, ignored;
    gss_buffer_desc attr = {20, "urn:mspac:logon-info"}, display = GSS_C_EMPTY_BUFFER;
    int complete = 0, more = -1;
    *Value = (gss_buffer_desc)GSS_C_EMPTY_BUFFER;
    OM_uint32 major = gss_get_name_attribute(&minor, Source, &attr, Authenticated, &complete, Value, &display, &more);
    gss_release_buffer(&ignored, &display);
    return major;
}

static void Dump(const char *File, const gss_buffer_desc *Value)
{
    const char *dir = getenv("ADDC_DUMP_DIR");
    if (dir == NULL)
        return;
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, File);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(Value->value, 1, Value->length, f), Value->length);
    fclose(f);
}

/* alice's PAC: her SID, Domain Users, every group incl. nested, domain-local and universal. */
static void test_addc_alice_pac_has_every_domain_group(void **state)
{
    gss_name_t source = Authenticate(AddcEnv("ADDC_ALICE_CCACHE"), "web.ntsec.test", AddcEnv("ADDC_HTTP_KEYTAB"));
    gss_buffer_desc value;
    int authenticated = 0;
    OM_uint32 ignored;
    assert_int_equal(LogonInfo(source, &value, &authenticated), GSS_S_COMPLETE);
    assert_int_equal(authenticated, 1); /* MIT verified the PAC's server signature */
    Dump("alice-logon-info.bin", &value);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(KsecpParsePacLogonInfo(value.value, value.length, &info), STATUS_SUCCESS);

    char want[200], got[200];
    AddcDomainSid("ALICE", want, sizeof(want));
    SidText(info->UserSid, got, sizeof(got));
    assert_string_equal(got, want);
    snprintf(want, sizeof(want), "%s-513", AddcEnv("ADDC_DOMAIN_SID"));
    SidText(info->PrimaryGroupSid, got, sizeof(got));
    assert_string_equal(got, want);
    SidText(info->LogonDomainSid, got, sizeof(got));
    assert_string_equal(got, AddcEnv("ADDC_DOMAIN_SID"));
    assert_string_equal(info->EffectiveName, "alice");
    assert_string_equal(info->FullName, "Alice Test");
    assert_string_equal(info->LogonDomainName, "NTSEC");
    assert_int_equal(info->UserId, atoi(AddcEnv("ADDC_ALICE_RID")));
    assert_int_equal(info->PrimaryGroupId, 513);

    const ULONG on = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED;
    assert_int_equal(PacGroup(info, want), on); /* Domain Users is also in GroupIds */
    static const char *const groups[] = {"DEVS", "OPS" /* only through DEVS */, "LOCAL", "UNIV"};
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        AddcDomainSid(groups[i], want, sizeof(want));
        assert_int_equal(PacGroup(info, want), on);
    }
    assert_int_equal(info->DomainGroupCount, 5);
    /* Samba adds the "authentication authority asserted identity" SID as an extra SID. */
    assert_true(info->UserFlags & KSEC_PAC_LOGON_EXTRA_SIDS);
    assert_int_equal(info->ExtraSidCount, 1);
    SidText(info->Groups[info->DomainGroupCount].Sid, got, sizeof(got));
    assert_string_equal(got, "S-1-18-1");
    assert_int_equal(info->ResourceGroupCount, 0);
    KsecpFreePacLogonInfo(info);
    gss_release_buffer(&ignored, &value);
    gss_release_name(&ignored, &source);
}

/* bob: no group of his own beyond Domain Users; none of alice's groups. */
static void test_addc_bob_pac_has_only_domain_users(void **state)
{
    gss_name_t source = Authenticate(AddcEnv("ADDC_BOB_CCACHE"), "web.ntsec.test", AddcEnv("ADDC_HTTP_KEYTAB"));
    gss_buffer_desc value;
    int authenticated = 0;
    OM_uint32 ignored;
    assert_int_equal(LogonInfo(source, &value, &authenticated), GSS_S_COMPLETE);
    Dump("bob-logon-info.bin", &value);
    PKSEC_PAC_LOGON_INFO info = NULL;
    assert_status(KsecpParsePacLogonInfo(value.value, value.length, &info), STATUS_SUCCESS);
    char want[200], got[200];
    AddcDomainSid("BOB", want, sizeof(want));
    SidText(info->UserSid, got, sizeof(got));
    assert_string_equal(got, want);
    assert_string_equal(info->EffectiveName, "bob");
    assert_int_equal(info->DomainGroupCount, 1);
    snprintf(want, sizeof(want), "%s-513", AddcEnv("ADDC_DOMAIN_SID"));
    SidText(info->Groups[0].Sid, got, sizeof(got));
    assert_string_equal(got, want);
    AddcDomainSid("OPS", want, sizeof(want));
    assert_int_equal(PacGroup(info, want), 0);
    KsecpFreePacLogonInfo(info);
    gss_release_buffer(&ignored, &value);
    gss_release_name(&ignored, &source);
}

/* UF_NO_AUTH_DATA_REQUIRED on the service: the ticket has no PAC, the name no PAC attribute. */
static void test_addc_no_auth_data_service_ticket_has_no_pac(void **state)
{
    gss_name_t source = Authenticate(AddcEnv("ADDC_ALICE_CCACHE"), "nopac.ntsec.test", AddcEnv("ADDC_NOPAC_KEYTAB"));
    gss_buffer_desc value;
    int authenticated = 0;
    OM_uint32 minor, ignored;
    assert_int_equal(LogonInfo(source, &value, &authenticated), GSS_S_UNAVAILABLE);
    assert_int_equal(value.length, 0);
    int mn = 0;
    gss_buffer_set_t attrs = GSS_C_NO_BUFFER_SET;
    assert_int_equal(gss_inquire_name(&minor, source, &mn, NULL, &attrs), GSS_S_COMPLETE);
    assert_true(attrs == GSS_C_NO_BUFFER_SET || attrs->count == 0);
    gss_release_buffer_set(&ignored, &attrs);
    gss_buffer_desc display;
    assert_int_equal(gss_display_name(&minor, source, &display, NULL), GSS_S_COMPLETE);
    assert_int_equal(display.length, strlen("alice@NTSEC.TEST"));
    assert_memory_equal(display.value, "alice@NTSEC.TEST", display.length);
    gss_release_buffer(&ignored, &display);
    gss_release_name(&ignored, &source);
}

/* SeAccessCheck on this thread while it impersonates Token (a file system on a member). */
static BOOLEAN CheckAs(PTOKEN Token, const char *Sddl, ACCESS_MASK Desired)
{
    CtxtHandle h;
    assert_status(NtsecCreateSecurityContextForToken(Token, SecurityImpersonation, 0, &h), STATUS_SUCCESS);
    BOOLEAN ok = AddcCheckAs(&h, Sddl, Desired);
    assert_int_equal(DeleteSecurityContext(&h), SEC_E_OK);
    return ok;
}

static PTOKEN TicketToken(const char *Ccache)
{
    gss_name_t source = Authenticate(Ccache, "web.ntsec.test", AddcEnv("ADDC_HTTP_KEYTAB"));
    gss_buffer_desc value;
    int authenticated = 0;
    OM_uint32 ignored;
    assert_int_equal(LogonInfo(source, &value, &authenticated), GSS_S_COMPLETE);
    PTOKEN token = NULL;
    assert_int_equal(KsecpPacToken(value.value, value.length, SecurityImpersonation, &token), SEC_E_OK);
    gss_release_buffer(&ignored, &value);
    gss_release_name(&ignored, &source);
    return token;
}

/* The token of a real ticket: the domain's SIDs plus what Windows adds; a DACL naming the
 * domain's groups grants and denies as on a domain member. */
static void test_addc_ticket_token_and_domain_group_acl(void **state)
{
    PTOKEN alice = TicketToken(AddcEnv("ADDC_ALICE_CCACHE")), bob = TicketToken(AddcEnv("ADDC_BOB_CCACHE"));
    char sid[200], text[200], sddl[512];
    AddcDomainSid("ALICE", sid, sizeof(sid));
    SidText(alice->UserAndGroups[0].Sid, text, sizeof(text));
    assert_string_equal(text, sid);
    assert_memory_equal(alice->TokenSource.SourceName, "Kerberos", 8);
    static const char *const wellKnown[] = {"S-1-1-0", "S-1-5-2", "S-1-5-11", "S-1-5-32-545", "S-1-18-1"};
    for (size_t w = 0; w < sizeof(wellKnown) / sizeof(wellKnown[0]); w++) {
        BOOLEAN found = FALSE;
        for (ULONG i = 1; i < alice->UserAndGroupCount && !found; i++) {
            SidText(alice->UserAndGroups[i].Sid, text, sizeof(text));
            found = strcmp(text, wellKnown[w]) == 0;
        }
        assert_true(found);
    }
    /* ntsec-ops: alice only through ntsec-devs (nested). */
    char ops[200], local[200], univ[200];
    AddcDomainSid("OPS", ops, sizeof(ops));
    AddcDomainSid("LOCAL", local, sizeof(local));
    AddcDomainSid("UNIV", univ, sizeof(univ));
    snprintf(sddl, sizeof(sddl), "O:BAG:BAD:(A;;FA;;;%s)", ops);
    assert_true(CheckAs(alice, sddl, FILE_READ_DATA | FILE_WRITE_DATA));
    assert_false(CheckAs(bob, sddl, FILE_READ_DATA));
    snprintf(sddl, sizeof(sddl), "O:BAG:BAD:(A;;FR;;;%s)", univ);
    assert_true(CheckAs(alice, sddl, FILE_READ_DATA));
    assert_false(CheckAs(bob, sddl, FILE_READ_DATA));
    /* A deny for the domain-local group wins over an allow for every authenticated user. */
    snprintf(sddl, sizeof(sddl), "O:BAG:BAD:(D;;FW;;;%s)(A;;FA;;;AU)", local);
    assert_false(CheckAs(alice, sddl, FILE_WRITE_DATA));
    assert_true(CheckAs(alice, sddl, FILE_READ_DATA));
    assert_true(CheckAs(bob, sddl, FILE_WRITE_DATA));
    ObDereferenceObject(alice);
    ObDereferenceObject(bob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addc_alice_pac_has_every_domain_group),
        cmocka_unit_test(test_addc_bob_pac_has_only_domain_users),
        cmocka_unit_test(test_addc_no_auth_data_service_ticket_has_no_pac),
        cmocka_unit_test(test_addc_ticket_token_and_domain_group_acl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
