#!/usr/bin/env bash
# A private Docker engine for the CI benchmark (idempotent; needs root):
# its own dockerd (data root, exec root, socket), its own bridge `scbench0` (172.31.250.1/24)
# with its own NAT and FORWARD rules, and the benchmark's base images loaded into it.
#
# Why: the benchmark resets "a fresh CI machine" before every job and must not race other
# processes on a shared daemon (a test suite that removes recently created untagged images, or
# prunes the builder cache, deletes a running classic build's intermediate images: "No such
# image" / "unknown parent image ID"). On a private engine nobody else touches its images.
#
# Usage: engine-up.sh [full|quick]: two instances, so a quick smoke run never races a full run.
# Prints `DOCKER_HOST=unix://...` on its last line. Stop it with bench/ci/engine-down.sh [name].
set -euo pipefail
NAME=${1:-full}
case "$NAME" in
  full) SUFFIX=; BRIDGE=scbench0; NET=172.31.250 ;;
  quick) SUFFIX=-quick; BRIDGE=scbench1; NET=172.31.251 ;;
  *) echo "usage: $0 [full|quick]" >&2; exit 2 ;;
esac
STATE=/var/lib/stagecraft-bench-engine$SUFFIX
RUN=/run/stagecraft-bench-engine$SUFFIX
SOCK=$RUN/docker.sock
SUBNET=$NET.0/24
GW=$NET.1/24
DOCKER=${DOCKER:-/usr/bin/docker}
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$STATE" "$RUN"

if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
  ip link add "$BRIDGE" type bridge
  ip addr add "$GW" dev "$BRIDGE"
fi
ip link set "$BRIDGE" up
echo 1 > /proc/sys/net/ipv4/ip_forward
iptables -t nat -C POSTROUTING -s "$SUBNET" ! -o "$BRIDGE" -j MASQUERADE 2>/dev/null \
  || iptables -t nat -A POSTROUTING -s "$SUBNET" ! -o "$BRIDGE" -j MASQUERADE
iptables -C FORWARD -i "$BRIDGE" -j ACCEPT 2>/dev/null || iptables -I FORWARD 1 -i "$BRIDGE" -j ACCEPT
iptables -C FORWARD -o "$BRIDGE" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null \
  || iptables -I FORWARD 1 -o "$BRIDGE" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT

export DOCKER_HOST=unix://$SOCK
if ! "$DOCKER" info >/dev/null 2>&1; then
  echo "[engine-up] starting a private dockerd (log: $STATE/dockerd.log)" >&2
  setsid dockerd --data-root "$STATE/data" --exec-root "$RUN/exec" --pidfile "$RUN/dockerd.pid" \
    -H "unix://$SOCK" --bridge "$BRIDGE" --iptables=false --ip-masq=false --ip6tables=false \
    >"$STATE/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 120); do "$DOCKER" info >/dev/null 2>&1 && break; sleep 0.5; done
  "$DOCKER" info >/dev/null 2>&1 || { echo "[engine-up] dockerd did not start:" >&2; tail -20 "$STATE/dockerd.log" >&2; exit 1; }
fi

# The base images: copied from the default engine when it has them, else made here.
IMAGES=stagecraft-bench/debian:bookworm
[ "$NAME" = quick ] && IMAGES=stagecraft-test/busybox:1
for img in $IMAGES; do
  if ! "$DOCKER" image inspect "$img" >/dev/null 2>&1; then
    if DOCKER_HOST= "$DOCKER" image inspect "$img" >/dev/null 2>&1; then
      DOCKER_HOST= "$DOCKER" save "$img" | "$DOCKER" load >/dev/null
      echo "[engine-up] copied $img from the default engine" >&2
    elif [ "$img" = stagecraft-bench/debian:bookworm ]; then
      DOCKER="$DOCKER" bash "$(dirname "$0")/make-base.sh" >&2
    else
      DOCKER_HOST= bash "$(dirname "$0")/../../scripts/docker-up.sh" >&2
      DOCKER_HOST= "$DOCKER" save "$img" | "$DOCKER" load >/dev/null
    fi
  fi
done
echo "DOCKER_HOST=unix://$SOCK"
