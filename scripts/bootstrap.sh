#!/usr/bin/env bash
# Installs the Debian packages ntsec needs (when run as root) and builds build/.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS="cmake ninja-build gcc clang-14 libclang-rt-14-dev llvm-14 libcmocka-dev pkg-config valgrind libmicrohttpd-dev libxml2-dev python3"
# addc tests (docs/addc.md)
PKGS="$PKGS samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind python3-samba krb5-user libkrb5-dev iproute2"
# ksec (docs/sspi.md)
PKGS="$PKGS libssl-dev"
# ksec tests (docs/sspi.md): MIT KDC fixture and GSSAPI
PKGS="$PKGS krb5-kdc krb5-admin-server krb5-user libkrb5-dev libgssapi-krb5-2 python3"
# fsd tests: strace (tests/fsd/fsd_mkcol_race.sh)
PKGS="$PKGS strace"
# The main job (scripts/demo.sh: curl, setpriv, useradd) and the real clients the fsd tests
# drive (litmus with Apache mod_dav beside it, cadaver, davfs2, headless Chromium, xattrs):
# README's two commands must work on a fresh Debian machine, not only in CI.
PKGS="$PKGS curl util-linux passwd attr iproute2 litmus apache2 cadaver davfs2 chromium"
# bench/fsd.sh (not run by CI; NTSEC_BENCH=1 ./scripts/bootstrap.sh): the peers it measures
if [ "${NTSEC_BENCH:-}" = 1 ]; then PKGS="$PKGS wrk nghttp2-client nginx lighttpd apache2 apache2-utils libapache2-mpm-itk bc"; fi
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # Installed daemons (apache2) must not start on their well-known ports: tests start their
    # own servers on loopback and stop them by pid.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod 755 /usr/sbin/policy-rc.d
    fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build >/dev/null
echo "bootstrap: built build/libntsec.a, build/libntsec.so, build/ntsec, build/ntsec-fsd"
