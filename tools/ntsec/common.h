/*
 * common.h - what every ntsec subcommand shares (common.c): one naming of SIDs, rights
 * lists that parse exactly, --domain, @file arguments, status names. Public API only.
 */
#ifndef NTSEC_TOOL_COMMON_H
#define NTSEC_TOOL_COMMON_H

#include <stddef.h>
#include <stdio.h>
#include "ntifs.h"
#include "ntsec.h"

/* "NAME" (account name, or the SID text when nothing names it) and the SID text. */
void CmdSidName(PSID Sid, char *Name, size_t NameSize, const char **Type);
void CmdSidText(PSID Sid, char *Text, size_t Size);

/* Parses RIGHTS for option Option of Command; on error prints the bad word, returns FALSE. */
BOOLEAN CmdParseRights(const char *Command, const char *Option, const char *Text, PACCESS_MASK Mask);
/* Rights by name into Buffer ("none" for 0). */
void CmdFormatRights(ACCESS_MASK Mask, NTSEC_OBJECT_KIND Kind, char *Buffer, size_t Size);
/* "file", "dir"/"directory", "key" -> kind; FALSE (message printed) for another word. */
BOOLEAN CmdParseKind(const char *Command, const char *Text, NTSEC_OBJECT_KIND *Kind);

/* --domain SID (or NTSEC_DOMAIN_SID when Text is NULL): sets the domain SID that LA, DA,
 * DU, ... resolve against. FALSE (message printed) for a bad SID. */
BOOLEAN CmdSetDomain(const char *Command, const char *Text);

/* An argument value: "@FILE" is FILE's contents, "@-" stdin's (a trailing newline dropped),
 * anything else itself. Returns a malloc'd copy or NULL (message printed). */
char *CmdArgument(const char *Command, const char *Option, const char *Value);

/* The name of a status ("STATUS_ACCESS_DENIED"), or "" when the tool knows none. */
const char *CmdStatusName(NTSTATUS Status);

/* Writes Text as a JSON string (quotes included). */
void CmdJsonString(FILE *Out, const char *Text);
/* The same, or null when Text is NULL or "". */
void CmdJsonStringOrNull(FILE *Out, const char *Text);

/* {"sid": "S-1-...", "name": "DOMAIN\\name" or null, "type": "User", "alias": "SY" or null} */
void CmdJsonSid(FILE *Out, PSID Sid);

/* "Mandatory group, Enabled group (0x00000005)" */
void CmdGroupAttributes(ULONG Attributes, char *Out, size_t Size);
/* The whoami /all tables every command prints: USER, GROUP and PRIVILEGES INFORMATION.
 * UserLinux / GroupLinux (one string per group) add the Linux column when not NULL. */
void CmdPrintAccountTables(PTOKEN_USER User, PTOKEN_GROUPS Groups, PTOKEN_PRIVILEGES Privileges,
                           const char *UserLinux, const char *const *GroupLinux);

/* One option of a subcommand for CmdParseOptions: Name ("--sd") and an optional Alias
 * ("/all"); an option with a value sets *Value to the next argument, one without sets *Flag
 * to FlagValue. */
typedef struct _CMD_OPTION {
    const char *Name;
    const char *Alias;
    const char **Value;
    int *Flag;
    int FlagValue;
} CMD_OPTION;
#define CMD_VALUE(name, target) { (name), NULL, (target), NULL, 0 }
#define CMD_FLAG(name, target) { (name), NULL, NULL, (target), 1 }

/* CmdParseOptions - parses argv[1..argc-1] of Command: each argument is one of Options
 * (Count entries) or --help/-h. Returns -1 when the command goes on; 0 after printing the
 * usage to stdout for --help; 2 (NTSEC_EXIT_USAGE) after an unknown option or one missing
 * its value, with the message and the usage on stderr. */
int CmdParseOptions(const char *Command, int argc, char **argv, const CMD_OPTION *Options,
                    size_t Count, void (*Usage)(FILE *));

#define NTSEC_DOMAIN_ENV "NTSEC_DOMAIN_SID"

#endif
