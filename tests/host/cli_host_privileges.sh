#!/usr/bin/env bash
# cli_host_privileges.sh - what a program started by `ntsec run-as` can never do, and what
# a setuid-root program linked with ntsec never reads (docs/host.md "Command line",
# "Mapping"). Needs root (CI runs as root); skips otherwise.
set -uo pipefail
# shellcheck source=host_lib.bash
source "$(dirname "$0")/host_lib.bash"
nocaps() { # every capability set of the exec'd program is empty
    local set
    for set in CapInh CapPrm CapEff CapAmb; do contains "$1" "$(printf '%s:\t0000000000000000' "$set")"; done
}

if [ "$(id -u)" != 0 ]; then
    echo "skipped: needs root (CI runs as root)"
    exit 0
fi
dir=$(mktemp -d /tmp/ntsec-priv-XXXXXX); chmod 0755 "$dir"
trap 'rm -rf "$dir"' EXIT

# A non-root target ends with no capabilities at all, from a root caller...
check run-as-root-caller-drops-caps 0 "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- cat /proc/self/status
nocaps run-as-root-caller-drops-caps
# ...and from a non-root caller that holds CAP_SETUID/CAP_SETGID as ambient capabilities
# (a service started with AmbientCapabilities=): the ambient and inheritable sets would
# otherwise survive execve and give the program CAP_SETUID, i.e. root.
if command -v setpriv >/dev/null; then
    check run-as-ambient-caller-drops-caps 0 setpriv --reuid 1000 --regid 1000 --clear-groups \
        --inh-caps +setuid,+setgid,+dac_read_search --ambient-caps +setuid,+setgid,+dac_read_search \
        "$NTSEC" run-as --token 'user=S-1-22-1-40001' -- cat /proc/self/status
    nocaps run-as-ambient-caller-drops-caps
    contains run-as-ambient-caller-drops-caps "$(printf 'Uid:\t40001\t40001\t40001\t40001')"
else
    echo "setpriv missing: ambient-capability check skipped"
fi

# NTSEC_IDMAP is ignored by a setuid (AT_SECURE) program: it would otherwise parse any
# root-readable file and print its first word in the error message.
printf 'TOPSECRET-LINE\n' >"$dir/secret"; chmod 0600 "$dir/secret"
cp "$NTSEC" "$dir/ntsec-suid"; chmod 4755 "$dir/ntsec-suid"
check setuid-ignores-ntsec-idmap 0 "$NTSEC" run-as --token 'user=S-1-22-1-65534' -- \
    env NTSEC_IDMAP="$dir/secret" "$dir/ntsec-suid" whoami
lacks setuid-ignores-ntsec-idmap "TOPSECRET"
contains setuid-ignores-ntsec-idmap "S-1-22-1-65534"
# Without AT_SECURE the variable is honoured (and a bad file is reported).
check plain-reads-ntsec-idmap 0 env NTSEC_IDMAP="$dir/secret" "$NTSEC" whoami
contains plain-reads-ntsec-idmap "NTSEC_IDMAP not loaded"
exit $fail
