#!/bin/bash
# cli_assign.sh - "ntsec assign" outputs, explain lines and exit codes. Run by CTest from the build dir.
set -euo pipefail
# shellcheck source=cli_lib.bash
source "$(dirname "$0")/cli_lib.bash"
# refuse CODE UNWANTED_SUBSTRING -- ARGS...: the output must not contain the text.
refuse() {
    local code="$1" unwanted="$2"; shift 3
    local out rc=0
    out="$("$NTSEC" "$@" 2>&1)" || rc=$?
    [ "$rc" -eq "$code" ] || fail "ntsec $* exited $rc, wanted $code; output: $out"
    case "$out" in *"$unwanted"*) fail "ntsec $*: output has '$unwanted'; got: $out" ;; esac
}

U=S-1-5-21-1-2-3-1001
TOK="user=$U groups=WD,AU,BU integrity=medium"
PARENT='O:BAG:BAD:(A;OICI;GA;;;CO)(A;CI;FR;;;WD)(A;OI;0x1;;;AU)(A;OINP;FR;;;BU)'

expect 0 "usage: ntsec assign" -- assign --help
expect 0 "the descriptor a new object gets" -- --help
expect 2 "--parent and --token are required" -- assign --token "$TOK"
expect 2 "unknown or incomplete argument '--bogus'" -- assign --parent '' --token "$TOK" --bogus
expect 2 "unknown flag 'inherit-everything' in --flags" -- assign --parent '' --token "$TOK" --flags auto-inherit,inherit-everything
expect 2 "bad --parent" -- assign --parent 'D:(A;;QQ;;;WD)' --token "$TOK"
expect 2 "bad --token" -- assign --parent '' --token 'user='
expect 2 "unknown --mapping" -- assign --parent '' --token "$TOK" --mapping printer

# A directory under PARENT, as a file system creates it (auto-inherit): the exact descriptor.
expect 0 "sddl: O:${U}G:${U}D:AI(A;ID;FA;;;${U})(A;OICIIOID;GA;;;CO)(A;CIID;FR;;;WD)(A;OIIOID;CC;;;AU)" \
    -- assign --parent "$PARENT" --token "$TOK" --dir --flags auto-inherit
# A file: OI ACEs only, effective, no inheritance flags.
expect 0 "sddl: O:${U}G:${U}D:AI(A;ID;FA;;;${U})(A;ID;CC;;;AU)(A;ID;FR;;;BU)" \
    -- assign --parent "$PARENT" --token "$TOK" --flags auto-inherit
# Without auto-inherit (plain SeAssignSecurity): no ID flags, no AI.
expect 0 "sddl: O:${U}G:${U}D:(A;;FA;;;${U})(A;;CC;;;AU)(A;;FR;;;BU)" \
    -- assign --parent "$PARENT" --token "$TOK"

# --explain names each parent ACE and what it became.
E=(assign --parent "$PARENT" --token "$TOK" --dir --flags auto-inherit --explain)
expect 0 "owner: $U, the token's default owner" -- "${E[@]}"
expect 0 "DACL: parent ACE[0] (A;OICI;GA;;;CO)" -- "${E[@]}"
expect 0 "-> (A;ID;FA;;;$U): split: the effective part; CREATOR OWNER replaced by the new owner; generic bits mapped" -- "${E[@]}"
expect 0 "-> (A;OICIIOID;GA;;;CO): split: the inherit-only template for children" -- "${E[@]}"
expect 0 "-> (A;CIID;FR;;;WD): inherited as it is" -- "${E[@]}"
expect 0 "-> (A;OIIOID;CC;;;AU): inherit-only: object-inherit only" -- "${E[@]}"
expect 0 "DACL: parent ACE[3] (A;OINP;FR;;;BU): skipped: object-inherit only with NO_PROPAGATE_INHERIT" -- "${E[@]}"
expect 0 "DACL: built from the parent (4 ACEs), marked auto-inherited" -- "${E[@]}"
refuse 0 "explain:" -- assign --parent "$PARENT" --token "$TOK" --dir

# A file under a parent whose ACE is container-inherit only: skipped, the default DACL is used.
expect 0 "DACL: parent ACE[0] (A;CI;FR;;;WD): skipped: container-inherit only, and the new object is not a container" \
    -- assign --parent 'D:(A;CI;FR;;;WD)' --token "$TOK" --explain
expect 0 "DACL: nothing inherited or given; the token's default DACL is used" \
    -- assign --parent 'D:(A;CI;FR;;;WD)' --token "$TOK" --explain

# The mapping cut: a key mapping maps GA to KEY_ALL_ACCESS.
expect 0 "sddl: O:${U}G:${U}D:(A;;KA;;;WD)" -- assign --parent 'D:(A;OI;GA;;;WD)' --token "$TOK" --mapping key

# A mapping whose GR holds a bit outside GenericAll (SeInheritance.c's): the mapped mask is cut.
expect 0 "sddl: O:${U}G:${U}D:(A;;CCRC;;;${U})" -- assign --parent 'D:(A;OI;GR;;;CO)' --token "$TOK" --mapping 0x21001,0x22002,0x24004,0x1f800f
expect 0 "generic bits mapped; cut to GenericAll (dropped 0x00001000)" \
    -- assign --parent 'D:(A;OI;GR;;;CO)' --token "$TOK" --mapping 0x21001,0x22002,0x24004,0x1f800f --explain
expect 2 "unknown --mapping '1,2,3'" -- assign --parent '' --token "$TOK" --mapping 1,2,3

# Explicit ACEs are kept as given (flags and SID), only mapped.
expect 0 "sddl: O:${U}G:${U}D:(A;OICI;FA;;;CG)" -- assign --parent "$PARENT" --creator 'D:(A;OICI;GA;;;CG)' --token "$TOK" --dir
expect 0 "kept as given (flags and SID unchanged); generic bits mapped" \
    -- assign --parent "$PARENT" --creator 'D:(A;OICI;GA;;;CG)' --token "$TOK" --dir --explain
# ... and merged with the parent's only when the creator asks (AR) under auto-inherit.
expect 0 "sddl: O:${U}G:${U}D:AI(A;;FA;;;WD)(A;ID;FA;;;${U})(A;ID;CC;;;AU)(A;ID;FR;;;BU)" \
    -- assign --parent "$PARENT" --creator 'D:AR(A;;FA;;;WD)' --token "$TOK" --flags auto-inherit
expect 0 "no AUTO_INHERIT_REQ in the creator's descriptor: nothing is inherited" \
    -- assign --parent "$PARENT" --creator 'D:(A;;FA;;;WD)' --token "$TOK" --flags auto-inherit --explain

# Refusals: exit 1, the status, no descriptor.
expect 1 "status: 0xC000005A STATUS_INVALID_OWNER (no descriptor)" -- assign --parent '' --token "$TOK" --flags default-owner-from-parent
expect 1 "status: 0xC000005B STATUS_INVALID_PRIMARY_GROUP (no descriptor)" -- assign --parent '' --token "$TOK" --flags default-group-from-parent
expect 1 "STATUS_INVALID_OWNER" -- assign --parent '' --creator 'O:SY' --token "$TOK"
expect 1 "the explicit owner is neither the user nor an enabled owner group" -- assign --parent '' --creator 'O:SY' --token "$TOK" --explain
expect 0 "sddl: O:BAG:SY" -- assign --parent 'O:BAG:SY' --token "$TOK" --flags default-owner-from-parent,default-group-from-parent
echo "cli_assign: all passed"
