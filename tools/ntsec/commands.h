/*
 * commands.h - the ntsec tool's subcommand table.
 *
 * Each subcommand lives in its own file, tools/ntsec/cmd_<name>.c, and defines
 *     int NtsecCmd<Name>(int argc, char **argv);   (argv[0] is the subcommand name)
 * returning the process exit code: 0 success, 1 the operation failed, 2 bad usage or bad
 * input (with a message on stderr that points at the problem).
 *
 * To add a subcommand: write the file, then add ONE line to NTSEC_COMMAND_LIST below, at
 * the line marked for it (keep the trailing backslash). Nothing else needs editing.
 */
#ifndef NTSEC_TOOL_COMMANDS_H
#define NTSEC_TOOL_COMMANDS_H

/* X(name, function, one-line summary) */
#define NTSEC_COMMAND_LIST(X)                                                                   \
    X("sddl", NtsecCmdSddl, "parse, print and explain SDDL and self-relative descriptor bytes") \
    X("token", NtsecCmdToken, "parse a token's text form and print it like whoami /all")     \
    X("impersonate", NtsecCmdImpersonate, "impersonate a token from a process; allowed or downgraded, and why") \
    X("check", NtsecCmdCheck, "run an access check of a token against a descriptor")         \
    X("whoami", NtsecCmdWhoami, "print the host process token (from the Linux credentials)") \
    X("run-as", NtsecCmdRunAs, "start a program as a token's Linux identity (CreateProcessAsUser)") \
    X("assign", NtsecCmdAssign, "the descriptor a new object gets from its parent and creator, and why") \

#define NTSEC_DECLARE_COMMAND(name, function, summary) int function(int argc, char **argv);
NTSEC_COMMAND_LIST(NTSEC_DECLARE_COMMAND)
#undef NTSEC_DECLARE_COMMAND

/* Exit codes shared by all subcommands. */
#define NTSEC_EXIT_OK 0
#define NTSEC_EXIT_FAILED 1
#define NTSEC_EXIT_USAGE 2

#endif /* NTSEC_TOOL_COMMANDS_H */
