#!/bin/bash
# cli_sddl.sh - "ntsec sddl" outputs and exit codes. Run by CTest from the build dir.
set -euo pipefail
# shellcheck source=cli_lib.bash
source "$(dirname "$0")/cli_lib.bash"

expect 0 "sddl" -- --help
expect 0 "parse, print and explain SDDL" -- --help
expect 2 "unknown command" -- frobnicate
expect 2 "usage" --

expect 0 "sddl:    O:BAG:SYD:(A;;FA;;;SY)" -- sddl 'O:BAG:SYD:(A;;FA;;;SY)'
expect 0 "owner:   BA (BUILTIN\\Administrators) S-1-5-32-544" -- sddl 'O:BAG:SYD:(A;;FA;;;SY)'
expect 0 "trustee: SY (NT AUTHORITY\\SYSTEM) S-1-5-18" -- sddl 'O:BAG:SYD:(A;;FA;;;SY)'
expect 0 "rights:  0x001f01ff = FA" -- sddl 'O:BAG:SYD:(A;;FA;;;SY)'
expect 0 "control: 0x9404 DACL_PRESENT DACL_AUTO_INHERITED DACL_PROTECTED SELF_RELATIVE" -- sddl 'D:PAI(A;;FA;;;SY)'
expect 0 "sddl:    D:(A;OICI;0x1200a9;;;BU)" -- sddl 'D:(A;CIOI;FRFX;;;BU)'
expect 0 "flags:   0x03 OI (object inherit) CI (container inherit)" -- sddl 'D:(A;CIOI;FRFX;;;BU)'
expect 0 "sacl:    absent" -- sddl 'D:(A;CIOI;FRFX;;;BU)'
expect 0 "Unix User\\root) S-1-22-1-0" -- sddl 'O:S-1-22-1-0'
expect 0 "Unix User\\4000123) S-1-22-1-4000123" -- sddl 'O:S-1-22-1-4000123'   # no such account: the number

# Bytes both ways
hex="$("$NTSEC" sddl --hex 'O:BAG:SYD:(A;;FA;;;SY)')"
[ "$hex" = "010004803000000040000000000000001400000002001c000100000000001400ff011f0001010000000000051200000001020000000000052000000020020000010100000000000512000000" ] \
    || fail "--hex gave $hex"
expect 0 "sddl:    O:BAG:SYD:(A;;FA;;;SY)" -- sddl --from-hex "$hex"
expect 0 "sddl:    O:BAG:SYD:(A;;FA;;;SY)" -- sddl --from-hex "01 00 04 80 30 00 00 00 40 00 00 00 00 00 00 00 14 00 00 00 02 00 1c 00 01 00 00 00 00 00 14 00 ff 01 1f 00 01 01 00 00 00 00 00 05 12 00 00 00 01 02 00 00 00 00 00 05 20 00 00 00 20 02 00 00 01 01 00 00 00 00 00 05 12 00 00 00"

# Bad input: exit 2 and a pointer at the problem
expect 2 'SDDL error at offset 14: unknown right "QQ"' -- sddl 'O:BAG:SYD:(A;;QQ;;;SY)'
out="$("$NTSEC" sddl 'O:BAG:SYD:(A;;QQ;;;SY)' 2>&1 || true)"
printf '%s\n' "$out" | grep -qx '                ^' || fail "no caret under offset 14: $out"
expect 2 'SDDL error at offset 2: invalid SID "XX"' -- sddl 'O:XX'
expect 2 'SDDL error at offset 14: unknown right "QQ"' -- sddl --hex 'O:BAG:SYD:(A;;QQ;;;SY)'
expect 0 'D:(XA;;FA;;;WD;(Member_of {SID(BA)}))' -- sddl 'D:(XA;;FA;;;WD;(member_of{SID(S-1-5-32-544)}))'
expect 2 'SDDL error at offset 31: invalid SID in SID(...)' -- sddl 'D:(XA;;FA;;;WD;(Member_of {SID(ZZ)}))'
expect 2 "bad hex digit 'z' at offset 2" -- sddl --from-hex '01z0'
expect 2 "odd number of hex digits" -- sddl --from-hex '010'
expect 2 "not a valid self-relative security descriptor" -- sddl --from-hex "${hex:0:60}"
expect 2 "usage" -- sddl
expect 2 "usage" -- sddl --bogus x
# --type file|dir|key spells the specific bits with the object type's names (src/se/rights.c);
# without it the SDDL letters stay (bit 0 is CC, the directory-service "create child").
expect 0 "CC (create child)" -- sddl 'D:(A;;0x1200a9;;;BU)'
expect 0 "FILE_READ_DATA" -- sddl --type file 'D:(A;;0x1200a9;;;BU)'
expect 0 "FILE_LIST_DIRECTORY" -- sddl --type dir 'D:(A;;0x1200a9;;;BU)'
expect 0 "KEY_QUERY_VALUE" -- sddl --type key 'D:(A;;KR;;;BU)'
expect 0 "FILE_READ_DATA" -- sddl --type file --from-hex "$hex"
out="$("$NTSEC" sddl --type file 'D:(A;;0x1200a9;;;BU)' 2>&1)"
case "$out" in *"CC (create child)"*) fail "--type file still spells CC: $out" ;; esac
expect 2 "unknown --type 'pipe'" -- sddl --type pipe 'D:'
echo "cli_sddl: all checks passed"
