#!/usr/bin/env bash
# Builds the realistic benchmark base image `stagecraft-bench/debian:bookworm` once:
# `debootstrap --variant=minbase bookworm` from Debian's mirror, then `docker import`.
# Idempotent: does nothing when the image exists. Needs root (debootstrap) and apt.
set -euo pipefail
DOCKER=${DOCKER:-/usr/bin/docker}
IMAGE=${BENCH_BASE_IMAGE:-stagecraft-bench/debian:bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then echo "[make-base] $IMAGE exists"; exit 0; fi
command -v debootstrap >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null; }
root=$(mktemp -d /tmp/stagecraft-bench-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "[make-base] debootstrap --variant=minbase bookworm $root ($MIRROR)"
debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$root.log" 2>&1 || { tail -30 "$root.log"; exit 1; }
# A slimmer, apt-friendly image, like the official one: no docs/caches, apt lists cleared.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
tar -C "$root" -c . | "$DOCKER" import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["bash"]' - "$IMAGE" >/dev/null
rm -f "$root.log"
echo "[make-base] imported $IMAGE"
