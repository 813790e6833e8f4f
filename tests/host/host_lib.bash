# host_lib.bash - what the host CLI scripts share (sourced, not a test: CTest runs tests/host/*.sh).
# NTSEC is the tool under test; check runs a command and compares its exit code, keeping its
# stdout+stderr in $out; contains/lacks look for a fixed string in $out. A failure prints and
# sets fail=1; the script ends with `exit $fail`.
NTSEC="${NTSEC_BUILD_DIR:-.}/ntsec"
fail=0
check() { # check NAME EXPECTED-RC COMMAND... ; output in $out
    local name=$1 want=$2; shift 2
    out=$("$@" 2>&1); local rc=$?
    if [ "$rc" != "$want" ]; then echo "FAIL $name: rc=$rc want $want"; echo "$out"; fail=1; else echo "ok   $name"; fi
}
contains() { if ! grep -qF -- "$2" <<<"$out"; then echo "FAIL $1: missing '$2'"; echo "$out"; fail=1; fi; }
lacks() { if grep -qF -- "$2" <<<"$out"; then echo "FAIL $1: must not show '$2'"; echo "$out"; fail=1; fi; }
