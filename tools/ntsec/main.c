/*
 * main.c - the ntsec command-line tool: dispatches "ntsec <subcommand> ..." through the
 * table in commands.h.
 */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "ntsec.h"

typedef struct _NTSEC_COMMAND {
    const char *Name;
    int (*Run)(int argc, char **argv);
    const char *Summary;
} NTSEC_COMMAND;

#define NTSEC_COMMAND_ENTRY(name, function, summary) { name, function, summary },
static const NTSEC_COMMAND Commands[] = { NTSEC_COMMAND_LIST(NTSEC_COMMAND_ENTRY) };
#undef NTSEC_COMMAND_ENTRY

static void Usage(FILE *Out)
{
    size_t i;
    fprintf(Out, "usage: ntsec <command> [arguments]\n"
                 "       ntsec <command> --help\n"
                 "       ntsec --version\n\ncommands:\n");
    for (i = 0; i < sizeof(Commands) / sizeof(Commands[0]); i++)
        fprintf(Out, "  %-12s %s\n", Commands[i].Name, Commands[i].Summary);
}

int main(int argc, char **argv)
{
    size_t i;
    if (argc < 2) {
        Usage(stderr);
        return NTSEC_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("ntsec %d.%d.%d\n", NTSEC_VERSION_MAJOR, NTSEC_VERSION_MINOR, NTSEC_VERSION_PATCH);
        return NTSEC_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        if (argc > 2 && strcmp(argv[1], "help") == 0) {
            char help[] = "--help";
            char *args[] = { argv[2], help, NULL };
            for (i = 0; i < sizeof(Commands) / sizeof(Commands[0]); i++)
                if (strcmp(argv[2], Commands[i].Name) == 0)
                    return Commands[i].Run(2, args);
        }
        Usage(stdout);
        return NTSEC_EXIT_OK;
    }
    for (i = 0; i < sizeof(Commands) / sizeof(Commands[0]); i++)
        if (strcmp(argv[1], Commands[i].Name) == 0)
            return Commands[i].Run(argc - 1, argv + 1);
    fprintf(stderr, "ntsec: unknown command \"%s\" (see ntsec --help)\n", argv[1]);
    return NTSEC_EXIT_USAGE;
}
