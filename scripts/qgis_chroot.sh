#!/usr/bin/env bash
# A Debian chroot holding a newer QGIS, for the version matrix (make test QGIS=3.40 / 3.44).
#
#   scripts/qgis_chroot.sh build SUITE DIR        make DIR once (mmdebstrap, about 3 minutes, 2 GB)
#   scripts/qgis_chroot.sh run SUITE DIR CMD...   run CMD inside DIR, in this repository, as root
#                                                 (one argument: a shell command line)
#
# The chroot uses the same Debian archive as this machine (read from its apt sources, never
# written down here). `run` mounts /proc, /sys, /dev and this repository inside a private mount
# namespace, so nothing stays mounted when it ends (a killed run included) and `rm -rf build`
# can never reach the host's /dev.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
# What the three test rings need inside: QGIS and its bindings, Debian's shapely 2 and numpy 2
# (the ones its GDAL is built against), Xvfb for the desktop ring, PostgreSQL for the audit tests,
# PostGIS for the labels kept in a PostgreSQL database, QGIS Server, OWSLib (a real OGC client),
# nginx and spawn-fcgi for the server tests.
PACKAGES=qgis,qgis-providers,python3-qgis,python3-pyqt5,python3-venv,python3-pip,python3-shapely,\
python3-numpy,python3-pil,xvfb,xauth,qttools5-dev-tools,postgresql,postgresql-postgis,fonts-wqy-microhei,make,git,unzip,\
gdal-bin,ca-certificates,procps,util-linux,qgis-server,python3-owslib,nginx,spawn-fcgi

die() { echo "qgis_chroot: $*" >&2; exit 2; }

mirror() {
    # the first Debian archive this machine's apt uses (deb822 sources, then the one-line format)
    local uri=""
    if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
        uri=$(awk 'tolower($1)=="uris:" && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/*.sources)
    fi
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        uri=$(awk '$1=="deb" && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' \
              /etc/apt/sources.list)
    fi
    [ -n "$uri" ] || die "no Debian archive found in /etc/apt/sources.list*"
    echo "$uri"
}

build() {
    local suite=$1 dir=$2
    if [ -x "$dir/usr/bin/qgis" ] && [ -f "$dir/.complete" ]; then
        # .complete holds the package list it was made with: a list that has grown since is
        # installed into it (minutes less than building it again)
        [ "$(cat "$dir/.complete")" = "$PACKAGES" ] && return 0
        echo "Adding packages to the $suite chroot in $dir"
        run "$suite" "$dir" "apt-get update -qq -o Acquire::Check-Valid-Until=false && \
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${PACKAGES//,/ }"
        echo "$PACKAGES" > "$dir/.complete"
        return 0
    fi
    command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (make deps installs it)"
    rm -rf "$dir" "$dir.partial"
    mkdir -p "$(dirname "$dir")"
    echo "Building a Debian $suite chroot in $dir (about 3 minutes)"
    # a snapshot archive's Release file for sid reads as expired: do not let that stop apt
    mmdebstrap --variant=apt --include="$PACKAGES" \
        --aptopt='Acquire::Check-Valid-Until "false"' \
        "$suite" "$dir.partial" "deb $(mirror) $suite main"
    mv "$dir.partial" "$dir"
    echo "$PACKAGES" > "$dir/.complete"
}

run() {
    local suite=$1 dir=$2
    shift 2
    [ -f "$dir/.complete" ] || die "no chroot in $dir: build it first (make chroot-VERSION)"
    # pip inside reaches the package index through the same certificates as this machine
    cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
    cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    local command
    if [ $# -eq 1 ]; then command=$1; else command=$(printf '%q ' "$@"); fi  # one argument: a shell command line
    # Only a plain, known environment goes in: the host's venv, pyenv or Qt settings would not fit.
    exec unshare --mount --propagation private -- /bin/bash -euc '
        dir=$1 repo=$2 command=$3
        mount -t proc proc "$dir/proc"
        mount --rbind /sys "$dir/sys"
        mount --rbind /dev "$dir/dev"
        mount -t tmpfs tmpfs "$dir/tmp"
        # after /tmp: a repository under /tmp (a CI clone) must not be hidden by that tmpfs
        mkdir -p "$dir$repo"
        mount --bind "$repo" "$dir$repo"
        exec chroot "$dir" /usr/bin/env -i \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
            TERM="${TERM:-dumb}" CI="${CI:-}" PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 \
            PIP_CERT=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
            /bin/bash -c "cd \"$repo\" && $command"
    ' _ "$dir" "$REPO" "$command"
}

case "${1:-}" in
    build) [ $# -eq 3 ] || die "usage: $0 build SUITE DIR"; build "$2" "$3" ;;
    run) [ $# -ge 4 ] || die "usage: $0 run SUITE DIR COMMAND..."; run "${@:2}" ;;
    *) die "usage: $0 build|run SUITE DIR [COMMAND...]" ;;
esac
