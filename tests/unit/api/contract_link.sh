#!/usr/bin/env bash
# DESIGN.md contracts: WDK-style code builds with exactly
#   cc -I include/ntsec prog.c build/libntsec.a -pthread $(pkg-config --libs --static ntsec's private part)
# (the private part is MIT krb5's GSSAPI: -lgssapi_krb5 -lkrb5 ..., docs/sspi.md "Linking"),
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
# The libraries ntsec.pc adds for a static link, without ntsec's own -L/-l (not installed here).
private=$(PKG_CONFIG_PATH="$build" pkg-config --libs --static ntsec | tr ' ' '\n' |
          grep -v -e '^-lntsec$' -e '^-L.*/lib$' -e '^-L.*/lib64$' -e '^$' | tr '\n' ' ')
case "$private" in *-lgssapi_krb5*) ;; *) fail "ntsec.pc's static libraries lack -lgssapi_krb5: '$private'" ;; esac
# shellcheck disable=SC2086
$CC -I "$src/include/ntsec" "$work/prog.c" "$build/libntsec.a" -pthread $private -o "$work/prog_static"
out=$("$work/prog_static"); echo "$out"
[ "$out" = "status=0x00000000 level=2" ] || fail "static program printed '$out'"

$CC -I "$src/include/ntsec" "$work/prog.c" -L "$build" -lntsec -pthread -Wl,-rpath,"$build" -o "$work/prog_shared"
out=$("$work/prog_shared"); [ "$out" = "status=0x00000000 level=2" ] || fail "shared program printed '$out'"

# Every status a public routine returns is defined by the public headers.
cat > "$work/statuses.c" <<'C'
#include "ntifs.h"
#include "ntsec.h"
#include "sspi.h"
NTSTATUS statuses[] = {STATUS_GENERIC_NOT_MAPPED, STATUS_INVALID_LABEL, STATUS_NO_SUCH_PACKAGE};
C
$CC -c -I "$src/include/ntsec" "$work/statuses.c" -o "$work/statuses.o" || fail "a returned status is not public"

# The seed's PerformSpecialTask compiles unmodified against ntifs.h.
$CC -c -I "$src/include/ntsec" -I "$src/examples/seed-impersonation" \
   "$src/examples/seed-impersonation/perform_special_task.c" -o "$work/seed.o"

soname=$(objdump -p "$build/libntsec.so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libntsec.so.0" ] || fail "soname is '$soname'"
# Exactly the names the public headers declare are exported (scripts/public-symbols.sh),
# each under the NTSEC_0 version: nothing declared is missing, nothing private leaks.
declared=$(bash "$src/scripts/public-symbols.sh" "$src/include/ntsec")
exported=$(nm -D --defined-only "$build/libntsec.so" | awk '$3 != "NTSEC_0" {print $3}' | sort -u)
missing=$(comm -23 <(echo "$declared") <(sed 's/@.*//' <<<"$exported" | sort -u))
[ -z "$missing" ] || fail "declared but not exported: $missing"
extra=$(comm -13 <(echo "$declared") <(sed 's/@.*//' <<<"$exported" | sort -u))
[ -z "$extra" ] || fail "exported but not declared in include/ntsec: $extra"
# The static archive shows a linking program the same names: everything else is local, so
# internal globals cannot collide with the program's own symbols.
static_globals=$(nm -g --defined-only "$build/libntsec.a" 2>/dev/null | awk 'NF == 3 {print $3}' |
    grep -v '^__odr_asan\.' | sort -u) # ASan's ODR markers for the exported data
leaked=$(comm -13 <(echo "$declared") <(echo "$static_globals"))
[ -z "$leaked" ] || fail "libntsec.a exposes non-API symbols: $(echo $leaked | head -c 400)"
cat > "$work/collide.c" <<'C'
/* Plain names an application may well use; the library's internals must not clash. */
#include "ntifs.h"
int HostMode = 1, HostBase = 2, VfFlags = 3;
int main(void) { return PsGetCurrentThread() != NULL && HostMode + HostBase + VfFlags == 6 ? 0 : 1; }
C
$CC -I "$src/include/ntsec" "$work/collide.c" "$build/libntsec.a" -pthread $private -o "$work/collide" || fail "libntsec.a symbols collide with a program's"
"$work/collide" || fail "a program with its own HostMode/HostBase/VfFlags does not run"
unversioned=$(grep -v '@@NTSEC_0$' <<<"$exported" || true)
[ -z "$unversioned" ] || fail "exported without the NTSEC_0 version: $unversioned"
grep -q '^Libs: .*-lntsec' "$build/ntsec.pc" || fail "ntsec.pc missing or wrong"
# `cmake --install --prefix X` gives a .pc that names X, wherever the build was configured for.
if [ -f "$build/cmake_install.cmake" ]; then
    cmake --install "$build" --prefix "$work/prefix" >/dev/null
    pc=$(find "$work/prefix" -name ntsec.pc | head -n 1)
    [ -n "$pc" ] || fail "install put no ntsec.pc under the prefix"
    got=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --variable=prefix ntsec)
    [ "$(realpath -m "$got")" = "$(realpath -m "$work/prefix")" ] || fail "installed ntsec.pc names prefix '$got', not '$work/prefix'"
    inc=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags-only-I ntsec | sed 's/^ *-I//; s/ *$//')
    [ "$(realpath -m "$inc")" = "$(realpath -m "$work/prefix/include/ntsec")" ] || fail "installed ntsec.pc Cflags name '$inc'"
    [ -f "$inc/ntifs.h" ] || fail "no ntifs.h where the installed ntsec.pc points"
fi
echo "contract_link: OK"
