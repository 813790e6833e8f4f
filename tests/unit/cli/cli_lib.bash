# cli_lib.bash - what the CLI scripts share (sourced, not a test: CTest runs tests/unit/cli/*.sh).
# NTSEC is the tool under test; fail ends the script; expect runs it and checks the result.
NTSEC="${NTSEC_BUILD_DIR:-.}/ntsec"
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect CODE EXPECTED_SUBSTRING -- ARGS...: run, check exit code and that stdout+stderr has the text.
expect() {
    local code="$1" want="$2"; shift 3
    local out rc=0
    out="$("$NTSEC" "$@" 2>&1)" || rc=$?
    [ "$rc" -eq "$code" ] || fail "ntsec $* exited $rc, wanted $code; output: $out"
    case "$out" in *"$want"*) ;; *) fail "ntsec $*: output lacks '$want'; got: $out" ;; esac
}
