/*
 * cond_expr.h - a byte-code builder for conditional expressions (MS-DTYP 2.4.4.17.4) and a
 * one-callback-ACE DACL, its evaluation and access check, shared by the tests of the binary
 * form and of claims. Include after access_table.h and se/cond.h.
 */
#ifndef NTSEC_TEST_COND_EXPR_H
#define NTSEC_TEST_COND_EXPR_H

/* ---- a byte-code builder ---- */
typedef struct _EXPR {
    UCHAR B[4096];
    ULONG N;
} EXPR;

static inline VOID XBegin(EXPR *E) { memcpy(E->B, "artx", 4); E->N = 4; }
static inline VOID XByte(EXPR *E, UCHAR C) { assert_true(E->N < sizeof(E->B)); E->B[E->N++] = C; }
static inline VOID X32(EXPR *E, ULONG V) { for (int i = 0; i < 4; i++) XByte(E, (UCHAR)(V >> (8 * i))); }
static inline VOID XInt(EXPR *E, UCHAR Code, LONGLONG V, UCHAR Sign, UCHAR Base)
{
    XByte(E, Code);
    for (int i = 0; i < 8; i++) XByte(E, (UCHAR)((ULONGLONG)V >> (8 * i)));
    XByte(E, Sign);
    XByte(E, Base);
}
static inline VOID XI(EXPR *E, LONGLONG V) { XInt(E, SEP_COND_INT64, V, SEP_COND_SIGN_NONE, SEP_COND_BASE_DECIMAL); }
static inline VOID XStr(EXPR *E, UCHAR Code, PCSTR S)
{
    XByte(E, Code);
    X32(E, (ULONG)(2 * strlen(S)));
    for (; *S; S++) { XByte(E, (UCHAR)*S); XByte(E, 0); }
}
static inline VOID XSid(EXPR *E, PCSTR Text)
{
    PSECURITY_DESCRIPTOR sd = AtSd(Text); /* "O:<sid>" */
    SEP_SD_VIEW v;
    assert_status(SepCaptureSdView(sd, &v), STATUS_SUCCESS);
    ULONG len = SepSidLength(v.Owner);
    XByte(E, SEP_COND_SID);
    X32(E, len);
    memcpy(E->B + E->N, v.Owner, len);
    E->N += len;
    NtsecFree(sd);
}
/* A composite of Count literals of one kind: Code SEP_COND_SID (Items: "O:..." strings),
 * SEP_COND_INT64 (Items: LONGLONG, each as XI) or SEP_COND_STRING (Items: strings). */
static inline VOID XSet(EXPR *E, UCHAR Code, int Count, const void *Items)
{
    EXPR body;
    body.N = 0;
    for (int i = 0; i < Count; i++) {
        if (Code == SEP_COND_SID)
            XSid(&body, ((const PCSTR *)Items)[i]);
        else if (Code == SEP_COND_INT64)
            XI(&body, ((const LONGLONG *)Items)[i]);
        else
            XStr(&body, Code, ((const PCSTR *)Items)[i]);
    }
    XByte(E, SEP_COND_COMPOSITE);
    X32(E, body.N);
    memcpy(E->B + E->N, body.B, body.N);
    E->N += body.N;
}
static inline VOID XSids(EXPR *E, int Count, PCSTR *Sids) { XSet(E, SEP_COND_SID, Count, Sids); }
static inline VOID XInts(EXPR *E, int Count, const LONGLONG *V) { XSet(E, SEP_COND_INT64, Count, V); }
static inline VOID XStrs(EXPR *E, int Count, const PCSTR *S) { XSet(E, SEP_COND_STRING, Count, S); }

/* E evaluated for Token as the evaluator sees it inside an access check: under the token's
 * shared lock, for an ACE of MatchBit (SEP_MATCH_ALLOW/DENY), in the restricted pass or not.
 * Takes and releases no reference. */
static inline SEP_COND_VALUE CondEval(PACCESS_TOKEN Token, const EXPR *E, ULONG MatchBit,
                                      BOOLEAN Restricted, PCSTR *Reason)
{
    SEP_COND_CONTEXT ctx = {.Token = Token, .Restricted = Restricted, .MatchBit = MatchBit};
    SepAcquireTokenLockShared(Token);
    SEP_COND_VALUE v = SepCondEvaluate(E->B, E->N, &ctx, Reason);
    SepReleaseTokenLock(Token);
    return v;
}

/* A DACL of one callback ACE (Type) for Sid with Mask and application data E (NULL: none). */
static inline PACL CallbackAcl(UCHAR Type, PCSTR Sid, ACCESS_MASK Mask, const EXPR *E, UCHAR *Buf)
{
    EXPR sid;
    sid.N = 0;
    XSid(&sid, Sid);
    ULONG sidLen = sid.N - 5, data = E ? E->N : 0;
    ULONG aceSize = (8 + sidLen + data + 3) & ~3u;
    memset(Buf, 0, 8 + aceSize);
    PACL acl = (PACL)Buf;
    acl->AclRevision = ACL_REVISION;
    acl->AclSize = (USHORT)(8 + aceSize);
    acl->AceCount = 1;
    PUCHAR ace = Buf + 8;
    ace[0] = Type;
    ace[2] = (UCHAR)aceSize;
    ace[3] = (UCHAR)(aceSize >> 8);
    memcpy(ace + 4, &Mask, 4);
    memcpy(ace + 8, sid.B + 5, sidLen);
    if (E)
        memcpy(ace + 8 + sidLen, E->B, E->N);
    return acl;
}

/* The access check of Token asking Desired against the DACL of one callback ACE (Type) for
 * WD with FILE_READ_DATA and application data E, followed by (A;;FA;;;WD) when AddAllow;
 * owner and group SY, file mapping. Asserts the call succeeds and grants Desired on access,
 * nothing on denial; returns the access status. With Trace, the check is
 * NtsecAccessCheckExplain and *Trace its explanation (the caller frees it with NtsecFree);
 * without, NtsecAccessCheckToken. Takes and releases no reference on Token. */
static inline NTSTATUS CallbackCheck(PACCESS_TOKEN Token, UCHAR Type, const EXPR *E,
                                     BOOLEAN AddAllow, ACCESS_MASK Desired, PSTR *Trace)
{
    static UCHAR buf[8192];
    PSECURITY_DESCRIPTOR allow = AtSd("O:SYG:SYD:(A;;FA;;;WD)");
    SEP_SD_VIEW v;
    assert_status(SepCaptureSdView(allow, &v), STATUS_SUCCESS);
    PACL acl = CallbackAcl(Type, "O:WD", FILE_READ_DATA, E, buf);
    if (AddAllow) {
        PACE_HEADER a = SepFirstAce(v.Dacl);
        memcpy((PUCHAR)acl + acl->AclSize, a, a->AceSize);
        acl->AclSize = (USHORT)(acl->AclSize + a->AceSize);
        acl->AceCount = 2;
    }
    SECURITY_DESCRIPTOR sd;
    memset(&sd, 0, sizeof(sd));
    sd.Revision = SECURITY_DESCRIPTOR_REVISION;
    sd.Control = SE_DACL_PRESENT;
    sd.Owner = v.Owner;
    sd.Group = v.Group;
    sd.Dacl = acl;
    GENERIC_MAPPING m = SepFileMapping;
    ACCESS_MASK g = 0;
    NTSTATUS s = 0;
    if (Trace != NULL)
        assert_status(NtsecAccessCheckExplain(&sd, Token, Desired, &m, 0, &g, &s, Trace),
                      STATUS_SUCCESS);
    else
        assert_status(NtsecAccessCheckToken(&sd, Token, Desired, &m, &g, &s), STATUS_SUCCESS);
    assert_int_equal(g, s == STATUS_SUCCESS ? Desired : 0);
    NtsecFree(allow);
    return s;
}

#endif /* NTSEC_TEST_COND_EXPR_H */
