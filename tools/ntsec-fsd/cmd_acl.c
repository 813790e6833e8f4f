/*
 * cmd_acl.c - `ntsec-fsd acl`: the administrator's view of the descriptors the server
 * keeps (run as root on the host, not through the server):
 *   acl get PATH                 SDDL of the stored descriptor, or of the derived one
 *   acl set PATH SDDL            stores a descriptor (trusted.ntsec.sd)
 *   acl explain PATH --user NAME [--desired RIGHTS]
 *                                the access check for that local user's token (as ntsec-local
 *                                would build it: uid, groups, Everyone, NETWORK, AU), with trace
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "fsd.h"

static int FsdpAclGet(const char *Path)
{
    int fd = open(Path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "ntsec-fsd acl: %s: %s\n", Path, strerror(errno));
        return 1;
    }
    PSECURITY_DESCRIPTOR sd;
    ULONG len;
    BOOLEAN stored;
    NTSTATUS st = FsdGetSd(fd, &sd, &len, &stored);
    close(fd);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec-fsd acl: %s: descriptor unreadable (0x%08X)\n", Path, (unsigned)st);
        return 1;
    }
    PSTR text;
    st = NtsecSecurityDescriptorToSddl(sd, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                       DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION |
                                       LABEL_SECURITY_INFORMATION, &text);
    NtsecFree(sd);
    if (!NT_SUCCESS(st))
        return 1;
    printf("%s\t%s\n", text, stored ? "(stored in " FSD_SD_XATTR ")" : "(derived from owner and mode)");
    NtsecFree(text);
    return 0;
}

static int FsdpAclSet(const char *Path, const char *Sddl)
{
    PSECURITY_DESCRIPTOR sd;
    ULONG len;
    NTSTATUS st = NtsecSddlToSecurityDescriptor(Sddl, &sd, &len);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec-fsd acl: bad SDDL (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
        return 2;
    }
    int rc = setxattr(Path, FSD_SD_XATTR, sd, len, 0) == 0 ? 0 : 1;
    if (rc)
        fprintf(stderr, "ntsec-fsd acl: %s: %s (writing trusted.* needs CAP_SYS_ADMIN)\n", Path, strerror(errno));
    NtsecFree(sd);
    return rc;
}

static int FsdpAclExplain(const char *Path, const char *User, const char *Desired)
{
    struct passwd *pw = getpwnam(User);
    if (pw == NULL) {
        fprintf(stderr, "ntsec-fsd acl: no user %s\n", User);
        return 2;
    }
    gid_t groups[256];
    int ng = 256;
    getgrouplist(pw->pw_name, pw->pw_gid, groups, &ng);
    char text[8192];
    int n = snprintf(text, sizeof text, "user=S-1-22-1-%u groups=WD,NU,AU", (unsigned)pw->pw_uid);
    for (int i = 0; i < ng && n < (int)sizeof text - 40; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, ",S-1-22-2-%u", (unsigned)groups[i]);
    snprintf(text + n, sizeof text - (size_t)n, " privileges=SeChangeNotifyPrivilege type=impersonation level=impersonation");
    PACCESS_TOKEN token;
    NTSTATUS st = NtsecCreateTokenFromText(text, &token);
    if (!NT_SUCCESS(st)) {
        fprintf(stderr, "ntsec-fsd acl: token (0x%08X): %s\n", (unsigned)st, NtsecLastErrorText());
        return 1;
    }
    ACCESS_MASK desired;
    ULONG badOff = 0, badLen = 0;
    if (!NT_SUCCESS(NtsecParseRights(Desired, &desired, &badOff, &badLen))) {
        fprintf(stderr, "ntsec-fsd acl: unknown right %.*s\n", (int)badLen, Desired + badOff);
        ObDereferenceObject(token);
        return 2;
    }
    int fd = open(Path, O_PATH | O_CLOEXEC);
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG len;
    BOOLEAN stored;
    if (fd < 0 || !NT_SUCCESS(FsdGetSd(fd, &sd, &len, &stored))) {
        fprintf(stderr, "ntsec-fsd acl: %s: cannot read the descriptor\n", Path);
        if (fd >= 0) close(fd);
        ObDereferenceObject(token);
        return 1;
    }
    close(fd);
    ACCESS_MASK granted = 0;
    NTSTATUS ast = 0;
    PSTR trace = NULL;
    st = NtsecAccessCheckExplain(sd, token, desired, IoGetFileObjectGenericMapping(), 0, &granted, &ast, &trace);
    printf("token: %s\ndescriptor: %s\n%s\nresult: %s (0x%08X)\n", text,
           stored ? "stored" : "derived from owner and mode", trace ? trace : "",
           NT_SUCCESS(st) && NT_SUCCESS(ast) ? "granted" : "denied", (unsigned)ast);
    if (trace)
        NtsecFree(trace);
    NtsecFree(sd);
    ObDereferenceObject(token);
    return NT_SUCCESS(st) && NT_SUCCESS(ast) ? 0 : 1;
}

int FsdAclCommand(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "get"))
        return FsdpAclGet(argv[2]);
    if (argc >= 4 && !strcmp(argv[1], "set"))
        return FsdpAclSet(argv[2], argv[3]);
    if (argc >= 3 && !strcmp(argv[1], "explain")) {
        const char *user = NULL, *desired = "FILE_GENERIC_READ";
        for (int i = 3; i + 1 < argc; i += 2) {
            if (!strcmp(argv[i], "--user")) user = argv[i + 1];
            else if (!strcmp(argv[i], "--desired")) desired = argv[i + 1];
        }
        if (user != NULL)
            return FsdpAclExplain(argv[2], user, desired);
    }
    fprintf(stderr, "usage: ntsec-fsd acl get PATH | set PATH SDDL | explain PATH --user NAME [--desired RIGHTS]\n");
    return 2;
}
