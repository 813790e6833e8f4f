#!/usr/bin/env bash
# Installs the Debian packages ntsec needs (when run as root) and builds build/.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS="cmake ninja-build gcc clang-14 libclang-rt-14-dev llvm-14 libcmocka-dev pkg-config valgrind libmicrohttpd-dev libxml2-dev python3"
# addc tests (docs/addc.md)
PKGS="$PKGS samba samba-ad-provision samba-dsdb-modules winbind python3-samba krb5-user libkrb5-dev iproute2"
# ksec (docs/sspi.md)
PKGS="$PKGS libssl-dev"
# ksec tests (docs/sspi.md): MIT KDC fixture and GSSAPI
PKGS="$PKGS krb5-kdc krb5-admin-server krb5-user libkrb5-dev libgssapi-krb5-2 python3"
# fsd tests: strace (tests/fsd/fsd_mkcol_race.sh)
PKGS="$PKGS strace"
# bench/fsd.sh (not run by CI; NTSEC_BENCH=1 ./scripts/bootstrap.sh): the peers it measures
if [ "${NTSEC_BENCH:-}" = 1 ]; then PKGS="$PKGS wrk nghttp2-client nginx lighttpd apache2 apache2-utils libapache2-mpm-itk bc"; fi
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build >/dev/null
echo "bootstrap: built build/libntsec.a, build/libntsec.so, build/ntsec, build/ntsec-fsd"
