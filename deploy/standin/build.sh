#!/usr/bin/env bash
# Builds local stand-ins for the four public base images that deploy/ uses, for a machine whose
# container engine reaches no image registry but which reaches Debian's archive and crates.io
# (the project's development and CI machines). deploy/check.sh calls it when an image can be
# neither found locally nor pulled. Nothing here is used by a real deployment.
#
#   passerelle-standin/debian:bookworm      debootstrap --variant=minbase bookworm, imported
#                                           (for debian:bookworm-slim)
#   passerelle-standin/rust:bookworm        that + gcc, libssl-dev, ... + this machine's Rust
#                                           toolchain (for rust:<version>-bookworm)
#   passerelle-standin/postgres:bookworm    that + Debian's PostgreSQL 15 behind an entry point
#                                           that honours POSTGRES_USER/PASSWORD/DB (for postgres)
#   passerelle-standin/caddy:bookworm       that + Debian's Caddy 2.6 (for caddy:2)
#
# Needs root, debootstrap and the container engine (ENGINE, default docker). Each image is
# rebuilt only when missing; FORCE=1 rebuilds them all.
set -euo pipefail
ENGINE=${ENGINE:-docker}
HERE=$(cd "$(dirname "$0")" && pwd)
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
FORCE=${FORCE:-0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

have() { [ "$FORCE" != 1 ] && "$ENGINE" image inspect "$1" >/dev/null 2>&1; }
log() { echo "standin: $*" >&2; }

if ! have passerelle-standin/debian:bookworm; then
    command -v debootstrap >/dev/null || { log "needs debootstrap (apt-get install debootstrap)"; exit 1; }
    log "debootstrap bookworm (a minute or two)"
    debootstrap --variant=minbase bookworm "$work/rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
        || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
    cat >"$work/rootfs/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${MIRROR%/debian}/debian-security bookworm-security main
EOF
    # As in the official image: apt keeps neither downloaded packages nor its caches.
    cat >"$work/rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
    # What the official slim image leaves out too.
    rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/* \
        "$work"/rootfs/usr/share/doc/* "$work"/rootfs/usr/share/man/* "$work"/rootfs/usr/share/locale/*
    tar -C "$work/rootfs" -c . | "$ENGINE" import --change 'CMD ["bash"]' - passerelle-standin/debian:bookworm >/dev/null
    rm -rf "$work/rootfs"
fi

if ! have passerelle-standin/rust:bookworm; then
    sysroot=$(rustc --print sysroot)
    log "rust image with $(rustc --version) from $sysroot"
    mkdir -p "$work/rust-ctx/rust"
    cp -a "$sysroot/bin" "$sysroot/lib" "$work/rust-ctx/rust/"
    rm -f "$work"/rust-ctx/rust/bin/rust-gdb* "$work"/rust-ctx/rust/bin/rust-lldb
    # The host's CA bundle: where HTTPS leaves through a proxy of the machine's own, cargo in the
    # build must trust what the host trusts to fetch crates.
    cp /etc/ssl/certs/ca-certificates.crt "$work/rust-ctx/host-ca.crt"
    cp "$HERE/rust.Containerfile" "$work/rust-ctx/"
    "$ENGINE" build -q -f "$work/rust-ctx/rust.Containerfile" -t passerelle-standin/rust:bookworm "$work/rust-ctx" >/dev/null
    rm -rf "$work/rust-ctx"
fi

for name in postgres caddy; do
    if ! have "passerelle-standin/$name:bookworm"; then
        log "$name image"
        "$ENGINE" build -q -f "$HERE/$name.Containerfile" -t "passerelle-standin/$name:bookworm" "$HERE" >/dev/null
    fi
done
log "ready: $("$ENGINE" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^passerelle-standin/' | tr '\n' ' ')"
