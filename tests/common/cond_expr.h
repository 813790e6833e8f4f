/*
 * cond_expr.h - a byte-code builder for conditional expressions (MS-DTYP 2.4.4.17.4) and a
 * one-callback-ACE DACL, shared by the tests of the binary form and of claims. Include after
 * access_table.h and se/cond.h.
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
/* A composite of Count SIDs given as "O:..." strings. */
static inline VOID XSids(EXPR *E, int Count, PCSTR *Sids)
{
    EXPR body;
    body.N = 0;
    for (int i = 0; i < Count; i++)
        XSid(&body, Sids[i]);
    XByte(E, SEP_COND_COMPOSITE);
    X32(E, body.N);
    memcpy(E->B + E->N, body.B, body.N);
    E->N += body.N;
}
static inline VOID XInts(EXPR *E, int Count, const LONGLONG *V)
{
    EXPR body;
    body.N = 0;
    for (int i = 0; i < Count; i++)
        XI(&body, V[i]);
    XByte(E, SEP_COND_COMPOSITE);
    X32(E, body.N);
    memcpy(E->B + E->N, body.B, body.N);
    E->N += body.N;
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

#endif /* NTSEC_TEST_COND_EXPR_H */
