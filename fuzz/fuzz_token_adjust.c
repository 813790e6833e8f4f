/*
 * fuzz_token_adjust.c - libFuzzer target for privilege and group adjustment (issue 9 item
 * 1): NtsecAdjustTokenPrivileges and NtsecAdjustTokenPrivilegesBuffer on fuzzed token states
 * and fuzzed NewState arrays (repeats, privileges not held, unknown LUIDs, nonzero HighPart,
 * any attribute bits), against a reference model of the rule in src/se/tokenadjust.c; and,
 * when byte 0 has its top bit set, NtsecAdjustTokenGroups the same way (fuzz_token_groups.h).
 *
 * Input: byte 0 = number of token privileges (mod 9), then two bytes per privilege
 * (index, attribute bits); one flags byte (DisableAll, PreviousState wanted, buffer slack);
 * then NewState entries of six bytes (LowPart byte, HighPart selector, 32-bit attributes).
 *
 * Checks: the result equals the model (status, the token's privileges, the previous state);
 * the buffer form refuses every PreviousState length below the required one with
 * STATUS_BUFFER_TOO_SMALL, the required length and the token untouched, each buffer being an
 * exactly sized heap block so ASan sees one byte written too many; at or above it, it gives
 * the same result as the allocating form; NtsecFormatToken refuses every short size too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"
#include "se/sep.h"
#include "se/privnames.h"
#include "fuzz_token_groups.h"

#define MAX_TOKEN_PRIVS 8
#define MAX_NEW 256

typedef struct {
    ULONG Count;
    LUID_AND_ATTRIBUTES P[MAX_TOKEN_PRIVS];
} MODEL;

/* The rule being modelled: one pass over the token's privileges; the first NewState entry
 * naming a privilege decides it; fewer matches than entries is STATUS_NOT_ALL_ASSIGNED. */
static NTSTATUS Model(MODEL *M, BOOLEAN DisableAll, const TOKEN_PRIVILEGES *Ns, MODEL *Previous)
{
    ULONG matched = 0;
    MODEL out = { 0 };
    Previous->Count = 0;
    for (ULONG i = 0; i < M->Count; i++) {
        LUID_AND_ATTRIBUTES p = M->P[i];
        ULONG after;
        if (DisableAll) {
            after = p.Attributes & ~SE_PRIVILEGE_ENABLED;
        } else {
            ULONG k;
            for (k = 0; k < Ns->PrivilegeCount; k++)
                if (Ns->Privileges[k].Luid.LowPart == p.Luid.LowPart && Ns->Privileges[k].Luid.HighPart == p.Luid.HighPart)
                    break;
            if (k == Ns->PrivilegeCount) {
                out.P[out.Count++] = p;
                continue;
            }
            matched++;
            after = (p.Attributes & ~SE_PRIVILEGE_ENABLED) |
                    (Ns->Privileges[k].Attributes & (SE_PRIVILEGE_ENABLED | SE_PRIVILEGE_REMOVED));
        }
        if (after != p.Attributes)
            Previous->P[Previous->Count++] = p;
        if (!(after & SE_PRIVILEGE_REMOVED)) {
            p.Attributes = after;
            out.P[out.Count++] = p;
        }
    }
    *M = out;
    return (!DisableAll && matched < Ns->PrivilegeCount) ? STATUS_NOT_ALL_ASSIGNED : STATUS_SUCCESS;
}

static void SameAsModel(PTOKEN Token, const MODEL *M)
{
    Check(Token->PrivilegeCount == M->Count, "privilege count differs from the model");
    for (ULONG i = 0; i < M->Count; i++) {
        Check(SepLuidEqual(Token->Privileges[i].Luid, M->P[i].Luid), "privilege LUID differs from the model");
        Check(Token->Privileges[i].Attributes == M->P[i].Attributes, "privilege attributes differ from the model");
    }
}

static void SamePrevious(PTOKEN_PRIVILEGES Prev, const MODEL *M)
{
    Check(Prev->PrivilegeCount == M->Count, "previous-state count differs from the model");
    for (ULONG i = 0; i < M->Count; i++)
        Check(SepLuidEqual(Prev->Privileges[i].Luid, M->P[i].Luid) && Prev->Privileges[i].Attributes == M->P[i].Attributes,
              "previous-state entry differs from the model");
}

/* NtsecFormatToken at every size below the needed one refuses with STATUS_BUFFER_TOO_SMALL
 * (exactly sized heap buffers); the text is returned (caller frees). */
static char *FormatEverySize(PACCESS_TOKEN Token)
{
    SIZE_T needed = 0;
    Check(NtsecFormatToken(Token, NULL, 0, &needed) == STATUS_BUFFER_TOO_SMALL && needed > 0, "format size query");
    for (SIZE_T size = 1; size < needed; size += (size < 64 ? 1 : 17)) {
        char *b = malloc(size);
        SIZE_T n = 0;
        Check(NtsecFormatToken(Token, b, size, &n) == STATUS_BUFFER_TOO_SMALL && n == needed && b[0] == '\0',
              "short format buffer not refused");
        free(b);
    }
    char *text = malloc(needed);
    Check(NtsecFormatToken(Token, text, needed, &needed) == STATUS_SUCCESS, "format at needed size");
    return text;
}

/* Removes the " auth-id=..." word (each token gets its own logon id) from Text. */
static void StripAuthId(char *Text)
{
    char *w = strstr(Text, " auth-id=");
    if (w != NULL) {
        char *end = strchr(w + 1, ' ');
        memmove(w, end ? end : w + strlen(w), strlen(end ? end : w + strlen(w)) + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size)
{
    if (Size >= 1 && (Data[0] & 0x80))
        return FuzzTokenGroups(Data + 1, Size - 1);
    if (Size < 2)
        return 0;
    size_t at = 0;
    ULONG count = Data[at++] % (MAX_TOKEN_PRIVS + 1);
    if (Size < at + 2 * count + 1)
        return 0;

    /* The token: up to 8 distinct well-known privileges with fuzzed attributes. */
    char text[1024];
    int len = snprintf(text, sizeof text, "user=S-1-5-21-1-2-3-1001 groups=WD");
    MODEL model = { 0 };
    for (ULONG i = 0; i < count; i++) {
        ULONG luid = SE_MIN_WELL_KNOWN_PRIVILEGE + Data[at++] % (SE_MAX_WELL_KNOWN_PRIVILEGE - SE_MIN_WELL_KNOWN_PRIVILEGE + 1);
        uint8_t a = Data[at++];
        ULONG attrs = (a & 3) | ((a & 4) ? SE_PRIVILEGE_USED_FOR_ACCESS : 0);
        BOOLEAN dup = FALSE;
        for (ULONG j = 0; j < model.Count; j++)
            dup |= model.P[j].Luid.LowPart == luid;
        if (dup)
            continue;
        len += snprintf(text + len, sizeof text - len, "%s%s:0x%lx", model.Count ? "," : " privileges=",
                        SepPrivilegeName(luid), (unsigned long)attrs);
        model.P[model.Count].Luid.LowPart = luid;
        model.P[model.Count].Luid.HighPart = 0;
        model.P[model.Count].Attributes = attrs;
        model.Count++;
    }
    uint8_t flags = Data[at++];
    BOOLEAN disableAll = (flags & 1) != 0, wantPrevious = (flags & 2) != 0;
    ULONG slack = (flags >> 2) % 32;

    /* NewState: the rest of the input, six bytes an entry. */
    ULONG n = (ULONG)((Size - at) / 6);
    if (n > MAX_NEW)
        n = MAX_NEW;
    PTOKEN_PRIVILEGES ns = malloc(offsetof(TOKEN_PRIVILEGES, Privileges) + (n ? n : 1) * sizeof(LUID_AND_ATTRIBUTES));
    ns->PrivilegeCount = n;
    for (ULONG k = 0; k < n; k++, at += 6) {
        ns->Privileges[k].Luid.LowPart = Data[at] % 48; /* some not held, some not privileges at all */
        ns->Privileges[k].Luid.HighPart = (Data[at + 1] == 0xFF) ? 1 : 0;
        memcpy(&ns->Privileges[k].Attributes, Data + at + 2, 4);
    }

    PACCESS_TOKEN a = NULL, b = NULL;
    Check(NtsecCreateTokenFromText(text, &a) == STATUS_SUCCESS, "token text refused");
    Check(NtsecCreateTokenFromText(text, &b) == STATUS_SUCCESS, "token text refused");
    PTOKEN ta = a, tb = b;
    SameAsModel(ta, &model);
    MODEL before = model, previous;
    NTSTATUS expected = Model(&model, disableAll, ns, &previous);

    /* The allocating form. */
    PTOKEN_PRIVILEGES prev = NULL;
    NTSTATUS st = NtsecAdjustTokenPrivileges(a, disableAll, ns, wantPrevious ? &prev : NULL);
    Check(st == expected, "NtsecAdjustTokenPrivileges status differs from the model");
    SameAsModel(ta, &model);
    if (wantPrevious) {
        Check(prev != NULL, "no previous state");
        SamePrevious(prev, &previous);
        NtsecFree(prev);
    }

    /* The buffer form: every length below the required one is refused, the token untouched. */
    ULONG required = (ULONG)offsetof(TOKEN_PRIVILEGES, Privileges) + previous.Count * (ULONG)sizeof(LUID_AND_ATTRIBUTES);
    LUID modified = tb->ModifiedId;
    for (ULONG l = 0; l < required; l++) {
        PTOKEN_PRIVILEGES buf = malloc(l ? l : 1);
        ULONG need = 0;
        Check(NtsecAdjustTokenPrivilegesBuffer(b, disableAll, ns, l, buf, &need) == STATUS_BUFFER_TOO_SMALL,
              "short PreviousState buffer not refused");
        Check(need == required, "ReturnLength is not the required length");
        free(buf);
    }
    SameAsModel(tb, &before);
    Check(SepLuidEqual(tb->ModifiedId, modified), "a refused call changed ModifiedId");
    PTOKEN_PRIVILEGES buf = malloc(required + slack);
    ULONG need = 0;
    st = NtsecAdjustTokenPrivilegesBuffer(b, disableAll, ns, required + slack, wantPrevious ? buf : NULL, &need);
    Check(st == expected, "NtsecAdjustTokenPrivilegesBuffer status differs from the model");
    Check(need == (wantPrevious ? required : 0), "ReturnLength written without PreviousState, or wrong");
    if (wantPrevious)
        SamePrevious(buf, &previous);
    free(buf);
    SameAsModel(tb, &model);
    Check(SepLuidEqual(tb->ModifiedId, modified) == (previous.Count == 0), "ModifiedId does not follow the change");

    char *ta_text = FormatEverySize(a), *tb_text = FormatEverySize(b);
    StripAuthId(ta_text);
    StripAuthId(tb_text);
    Check(strcmp(ta_text, tb_text) == 0, "the two forms left different tokens");
    free(ta_text);
    free(tb_text);
    free(ns);
    ObDereferenceObject(a);
    ObDereferenceObject(b);
    return 0;
}
