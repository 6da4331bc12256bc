#!/usr/bin/env bash
# A throwaway local registry for trying `stagecraft build --cache-repo 127.0.0.1:PORT/<name>`.
#   bash scripts/registry-up.sh [PORT]   start (default port 5000); prints REGISTRY=127.0.0.1:PORT
#   bash scripts/registry-up.sh --stop   stop the one this script started (by its PID file)
# Debian's docker-registry (distribution 2.8), loopback only, no auth, storage in $STATE/registry.
# The Docker daemon trusts 127.0.0.1 registries without TLS. The tests start their own instances.
set -euo pipefail
STATE=${STAGECRAFT_STATE:-${TMPDIR:-/tmp}/stagecraft-docker}
mkdir -p "$STATE/registry"
PIDFILE=$STATE/registry.pid

if [ "${1:-}" = "--stop" ]; then
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    kill "$(cat "$PIDFILE")"; rm -f "$PIDFILE"; echo "[registry-up] stopped"
  else
    echo "[registry-up] not running"
  fi
  exit 0
fi

PORT=${1:-5000}
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "REGISTRY=$(cat "$STATE/registry.addr")"; exit 0
fi
if ! command -v docker-registry >/dev/null; then
  echo "[registry-up] apt-get install docker-registry"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-registry >/dev/null
fi
cat > "$STATE/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$PORT
EOF
setsid docker-registry serve "$STATE/registry.yml" >"$STATE/registry.log" 2>&1 < /dev/null &
echo $! > "$PIDFILE"
echo "127.0.0.1:$PORT" > "$STATE/registry.addr"
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/v2/" 2>/dev/null && { echo "REGISTRY=127.0.0.1:$PORT"; exit 0; }
  kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
  sleep 0.2
done
echo "[registry-up] the registry did not start:"; tail -5 "$STATE/registry.log"; rm -f "$PIDFILE"; exit 1
