/*
 * pooltags.h - every pool tag of the library in one place (issue 10; NT keeps its tags in
 * one header too). A tag is four characters, low byte first, as WDK 'xxxx' literals; the
 * verifier names leaked or mis-freed blocks by it (src/ex/pool.c, src/verifier/pool.c).
 * tests/unit/tree/pool_tags.sh checks that no tag is defined anywhere else, that no two
 * names share a value and that every tag argument of the tagged pool routines is one of them.
 */
#ifndef NTSEC_POOLTAGS_H
#define NTSEC_POOLTAGS_H

#define EXP_UNTAGGED_TAG       0x20656e4fU /* 'None' ExAllocatePool without a tag; ex/pool.c */
#define HOSTP_BASE_TAG         0x62734f48U /* 'HOsb'; host/hostapi.c: the base identity's groups, kept for the process's life */
#define HOSTP_IDENTITY_TAG     0x64497348U /* 'HsId'; host/identity.c */
#define HOSTP_IDMAP_TAG        0x70614d49U /* 'IMap'; host/idmap.c */
#define HOSTP_NAME_TAG         0x6d4e7348U /* 'HsNm'; host/sidname.c */
#define HOSTP_PRINCIPAL_TAG    0x72506d49U /* 'ImPr'; host/idmap_principal.c */
#define HOSTP_SIDS_TAG         0x73646953U /* 'Sids'; host/unixsids.c */
#define HOSTP_SPAWN_TAG        0x6e705348U /* 'HSpn'; host/spawn.c */
#define HOSTP_TAG              0x74734f48U /* 'HOst'; host/creds.c */
#define HOSTP_TARGET_TAG       0x74675448U /* 'HTgt'; host/target.c */
#define HOSTP_TOKEN_TAG        0x6b6f5448U /* 'HTok'; host/hosttoken.c */
#define IOP_WORKITEM_TAG       0x6b576f49U /* 'IoWk'; io/iowork.c */
#define KSECP_BUFFER_TAG       0x6243734bU /* 'KsCb'; ksec/buffers.c */
#define KSECP_CONTEXT_TAG      0x7843734bU /* 'KsCx'; ksec/context.c */
#define KSECP_CRED_TAG         0x7243734bU /* 'KsCr'; ksec/context.c */
#define KSECP_GSS_TAG          0x7373474bU /* 'KGss'; ksec/gssp.h */
#define KSECP_LOCAL_TAG        0x6c43734bU /* 'KsCl'; ksec/local_package.c */
#define KSECP_NETLOGON_TAG     0x6c4e734bU /* 'KsNl'; ksec/netlogon.c */
#define KSECP_PACTOKEN_TAG     0x7454504bU /* 'KPTt'; ksec/pactoken.c */
#define KSECP_PAC_TAG          0x6361504bU /* 'KPac'; ksec/pac.c */
#define KSECP_PEER_TAG         0x7250734bU /* 'KsPr'; ksec/localpeer.c */
#define KSECP_TABLE_TAG        0x7443734bU /* 'KsCt'; ksec/handles.c */
#define KSECP_UTF8_TAG         0x3843734bU /* 'KsC8'; ksec/buffers.c */
#define OBP_HANDLE_TAG         0x6c644848U /* 'HHdl'; ob/handle.c */
#define OBP_OBJECT_TAG         0x6a624f4eU /* 'NObj', as in ob/object.c; verifier/objects.c */
#define OBP_SD_TAG             0x6453624fU /* 'ObSd'; ob/sdcache.c */
#define PSP_INFO_TAG           0x6f666e49U /* 'Info'; ps/impersonate.c */
#define PSP_LINK_TAG           0x6b6e694cU /* 'Link' a system thread's process link; ps/thread.c */
#define RTLP_NAMES_TAG         0x6d4e6c52U /* 'RlNm'; rtl/sddlnames.c */
#define RTLP_STRING_TAG        0x72745352U /* 'RStr'; rtl/unistr.c */
#define RTLP_TAG_DSID          0x64695344U /* 'DSid' the domain SID of NtsecSetDomainSid; rtl/rtlp.h */
#define RTLP_TAG_SD            0x64535452U /* 'RTSd' security descriptors built by Rtl; rtl/rtlp.h */
#define RTLP_TAG_SDDL          0x6c645352U /* 'RSdl' SDDL parse/format buffers; rtl/rtlp.h */
#define SEPP_FORMAT_TAG        0x746d7446U /* 'Ftmt'; se/tokenformat.c */
#define SEPP_TEXT_TAG          0x74786554U /* 'Text'; se/tokentext.h */
#define SEP_ACCESS_STATE_TAG   0x74415353U /* 'SSAt'; se/accessstate.c */
#define SEP_ACL_TAG            0x6C635341U /* 'ASal'; se/assign_acl.c */
#define SEP_ADJUST_TAG         0x6a644150U /* 'PAdj'; se/tokenadjust.c */
#define SEP_BYTYPE_TAG         0x74794253U /* 'SByt'; se/accesschk_bytype.c */
#define SEP_CLAIMS_TAG         0x6d6c4353U /* 'SClm'; se/tokenclaims.c */
#define SEP_COND_TAG           0x646e6f43U /* 'Cond' @Resource. attributes as claims during an evaluation; se/cond_resource.c */
#define SEP_FILTER_TAG         0x746c6946U /* 'Filt'; se/tokenfilter.c */
#define SEP_INDEX_TAG          0x78496553U /* 'SeIx'; se/sidindex.c */
#define SEP_PRIVSET_TAG        0x76725053U /* 'SPrv'; se/accesschk_priv.c */
#define SEP_QUERY_TAG          0x79726551U /* 'Qery'; se/tokenquery.c */
#define SEP_RIGHTS_API_TAG     0x74527345U /* 'EsRt'; se/rightsapi.c */
#define SEP_SDINFO_TAG         0x69645353U /* 'SSdi'; se/sdinfo.c */
#define SEP_SD_TAG             0x64735341U /* 'ASsd'; se/assign.c */
#define SEP_TOKEN_TAG          0x6e6b6f54U /* 'Tokn'; se/token.c */
#define SEP_TRACE_TAG          0x72546553U /* 'SeTr'; se/accesschk_explain.c */
#define VFP_TAG                0x72506656U /* 'VfPr'; verifier/contexts.c */

#endif /* NTSEC_POOLTAGS_H */
