#!/usr/bin/env bash
# Stops the benchmark's private engine (bench/ci/engine-up.sh) by its PID file and removes its
# bridge and rules. Usage: engine-down.sh [full|quick]. Its data root (base images) stays for the next run; remove
# /var/lib/stagecraft-bench-engine to drop it.
set -uo pipefail
case "${1:-full}" in
  full) RUN=/run/stagecraft-bench-engine; BRIDGE=scbench0; SUBNET=172.31.250.0/24 ;;
  quick) RUN=/run/stagecraft-bench-engine-quick; BRIDGE=scbench1; SUBNET=172.31.251.0/24 ;;
  *) echo "usage: $0 [full|quick]" >&2; exit 2 ;;
esac
if [ -f "$RUN/dockerd.pid" ]; then
  pid=$(cat "$RUN/dockerd.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
fi
iptables -t nat -D POSTROUTING -s "$SUBNET" ! -o "$BRIDGE" -j MASQUERADE 2>/dev/null
iptables -D FORWARD -i "$BRIDGE" -j ACCEPT 2>/dev/null
iptables -D FORWARD -o "$BRIDGE" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null
ip link del "$BRIDGE" 2>/dev/null
echo "[engine-down] stopped"
