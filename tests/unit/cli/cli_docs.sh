#!/bin/bash
# cli_docs.sh - a man page per ntsec command (docs/man), installed with the bash completion
# by `cmake --install`, and the installed tool runs from the install prefix (libntsec.so
# found through its RUNPATH).
set -u
NTSEC="${NTSEC_BUILD_DIR:-.}/ntsec"
SRC="${NTSEC_SOURCE_DIR:-$(dirname "$0")/../../..}"
fail=0
bad() { echo "FAIL $*"; fail=1; }

commands=$("$NTSEC" --help | awk '/^commands:/ {on=1; next} on && NF {print $1}')
[ -n "$commands" ] || bad "no commands in ntsec --help"
for c in $commands; do
    page="$SRC/docs/man/ntsec-$c.1"
    [ -f "$page" ] || { bad "no man page docs/man/ntsec-$c.1"; continue; }
    grep -q "^\.SH EXIT STATUS" "$page" || bad "ntsec-$c.1 has no EXIT STATUS"
    grep -q "^\.TH NTSEC-" "$page" || bad "ntsec-$c.1 has no .TH"
    grep -q "^\.BR $c\b\|^\.BR $(sed 's/-/\\\\-/g' <<<"$c") " "$SRC/docs/man/ntsec.1" || bad "ntsec.1 does not list $c"
    if command -v groff >/dev/null; then
        warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
        [ -z "$warnings" ] || bad "groff warns on ntsec-$c.1: $warnings"
    fi
done

prefix=$(mktemp -d /tmp/ntsec-cli-install-XXXXXX); trap 'rm -rf "$prefix"' EXIT
cmake --install "${NTSEC_BUILD_DIR:-.}" --prefix "$prefix" >/dev/null || bad "cmake --install failed"
for c in "" $commands; do
    f="$prefix/share/man/man1/ntsec${c:+-$c}.1"
    [ -f "$f" ] || bad "not installed: $f"
done
comp="$prefix/share/bash-completion/completions/ntsec"
[ -f "$comp" ] || bad "bash completion not installed"
out=$("$prefix/bin/ntsec" --version 2>&1) || bad "installed ntsec does not run: $out"
[ "$out" = "ntsec 0.1.0" ] || bad "installed ntsec --version: $out"

# The completion: commands, then options, then values
if [ -f "$comp" ]; then
    out=$(bash -c '. "$1"; COMP_WORDS=(ntsec ch); COMP_CWORD=1; _ntsec; echo "${COMPREPLY[*]}"' _ "$comp")
    [ "$out" = "check" ] || bad "completion of 'ntsec ch': '$out'"
    out=$(bash -c '. "$1"; COMP_WORDS=(ntsec check --ty); COMP_CWORD=2; _ntsec; echo "${COMPREPLY[*]}"' _ "$comp")
    [ "$out" = "--type" ] || bad "completion of 'ntsec check --ty': '$out'"
    out=$(bash -c '. "$1"; COMP_WORDS=(ntsec impersonate --level i); COMP_CWORD=3; _ntsec; echo "${COMPREPLY[*]}"' _ "$comp")
    [ "$out" = "identification impersonation" ] || bad "completion of --level i: '$out'"
    # --json on every command (issue 14 "Scripting"): in its usage and in the completion
    for c in $commands; do
        "$NTSEC" "$c" --help | grep -qF -- "--json" || bad "ntsec $c --help does not name --json"
        out=$(bash -c '. "$1"; COMP_WORDS=(ntsec "$2" --js); COMP_CWORD=2; _ntsec; echo "${COMPREPLY[*]}"' _ "$comp" "$c")
        [ "$out" = "--json" ] || bad "completion of 'ntsec $c --js': '$out'"
    done
fi
[ $fail -eq 0 ] && echo "cli_docs: ok"
exit $fail
