#!/usr/bin/env bash
# DESIGN.md contracts: WDK-style code builds with exactly
#   cc -I include/ntsec prog.c build/libntsec.a -pthread
# the shared library exports only the WDK names (ksecdd's included) and the Ntsec API, with a versioned soname,
# and the pkg-config file is generated.
set -euo pipefail
src=${NTSEC_SOURCE_DIR:?}; build=${NTSEC_BUILD_DIR:?}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "contract_link: $*" >&2; exit 1; }

cat > "$work/prog.c" <<'C'
#include "ntifs.h"
#include "ntsec.h"
#include <stdio.h>
int main(void)
{
    PACCESS_TOKEN token = PsReferencePrimaryToken(PsInitialSystemProcess);
    NTSTATUS st = PsImpersonateClient(PsGetCurrentThread(), token, FALSE, FALSE, SecurityImpersonation);
    BOOLEAN copy, eo; SECURITY_IMPERSONATION_LEVEL level;
    PACCESS_TOKEN now = PsReferenceImpersonationToken(PsGetCurrentThread(), &copy, &eo, &level);
    printf("status=0x%08X level=%d\n", (unsigned)st, (int)level);
    PsDereferenceImpersonationToken(now);
    PsRevertToSelf();
    PsDereferencePrimaryToken(token);
    return now == NULL;
}
C
# Sanitizer builds: compile the probe with the same compiler and sanitizer as the library.
CC=$(awk -F= '/^CMAKE_C_COMPILER:/ {print $2}' "$build/CMakeCache.txt")
san=$(awk -F= '/^NTSEC_SANITIZE:/ {print $2}' "$build/CMakeCache.txt")
case "$san" in
    address) CC="$CC -fsanitize=address,undefined" ;;
    thread) CC="$CC -fsanitize=thread" ;;
esac
[ -f "$build/libntsec.a" ] && [ -f "$build/libntsec.so" ] || fail "build/libntsec.a or build/libntsec.so missing"
$CC -I "$src/include/ntsec" "$work/prog.c" "$build/libntsec.a" -pthread -o "$work/prog_static"
out=$("$work/prog_static"); echo "$out"
[ "$out" = "status=0x00000000 level=2" ] || fail "static program printed '$out'"

$CC -I "$src/include/ntsec" "$work/prog.c" -L "$build" -lntsec -pthread -Wl,-rpath,"$build" -o "$work/prog_shared"
out=$("$work/prog_shared"); [ "$out" = "status=0x00000000 level=2" ] || fail "shared program printed '$out'"

# The seed's PerformSpecialTask compiles unmodified against ntifs.h.
$CC -c -I "$src/include/ntsec" -I "$src/examples/seed-impersonation" \
   "$src/examples/seed-impersonation/perform_special_task.c" -o "$work/seed.o"

soname=$(objdump -p "$build/libntsec.so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libntsec.so.0" ] || fail "soname is '$soname'"
bad=$(nm -D --defined-only "$build/libntsec.so" | awk '{print $3}' |
      grep -vE '^(Rtl|Se|Ps|Ob|Obf|Ex|Io|Ke|Zw|Ntsec|NTSEC_0$)|^(Impersonate|Revert|Delete)SecurityContext@|^QuerySecurityContextToken@' || true)
[ -z "$bad" ] || fail "private symbols exported: $bad"
grep -q '^Libs: .*-lntsec' "$build/ntsec.pc" || fail "ntsec.pc missing or wrong"
echo "contract_link: OK"
