#!/usr/bin/env bash
# Makes the realistic benchmark base image `stagecraft-bench/debian:bookworm` on the engine
# $DOCKER (with $DOCKER_HOST) talks to: `debootstrap --variant=minbase bookworm` from the
# machine's Debian mirror once (the root file system is kept as a tarball, so every engine,
# private or not, imports the very same bytes), then `docker import`.
# Idempotent: does nothing when the image exists. Needs root (debootstrap) and apt.
set -euo pipefail
DOCKER=${DOCKER:-/usr/bin/docker}
IMAGE=${BENCH_BASE_IMAGE:-stagecraft-bench/debian:bookworm}
ROOTFS=${BENCH_BASE_ROOTFS:-/var/cache/stagecraft/debian-bookworm-minbase.tar}
if "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then echo "[make-base] $IMAGE exists"; exit 0; fi
if [ ! -s "$ROOTFS" ]; then
  # The machine's own Debian mirror (never a host name written here).
  MIRROR=${DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)}
  [ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  [ -n "$MIRROR" ] || { echo "[make-base] no Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list; set DEBIAN_MIRROR" >&2; exit 1; }
  command -v debootstrap >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null; }
  root=$(mktemp -d /tmp/stagecraft-bench-rootfs.XXXXXX)
  trap 'rm -rf "$root" "$root.log"' EXIT
  echo "[make-base] debootstrap --variant=minbase bookworm $root ($MIRROR)"
  debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$root.log" 2>&1 || { tail -30 "$root.log"; exit 1; }
  # A slimmer, apt-friendly image, like the official one: no docs/caches, apt lists cleared.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
  mkdir -p "$(dirname "$ROOTFS")"
  tar -C "$root" -cf "$ROOTFS.tmp" . && mv -f "$ROOTFS.tmp" "$ROOTFS"
fi
"$DOCKER" import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["bash"]' "$ROOTFS" "$IMAGE" >/dev/null
echo "[make-base] imported $IMAGE"
