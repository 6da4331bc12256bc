#!/usr/bin/env bash
# Both Docker engines, installed and started (idempotent; root + apt; scripts/engine.sh does the work):
#  - Docker 26.1 + buildx 0.13 with the containerd image store (Debian trixie's packages, beside
#    the system's), instance `stagecraft`: the default engine of `npm start`, the tests and the
#    benchmark, the engine users run today;
#  - Debian bookworm's Docker 20.10 on the system socket (/var/run/docker.sock): the classic builder
#    and BuildKit 0.8.
# Both get the local base image the examples and tests build on (`stagecraft-test/busybox:1`;
# nothing can be pulled from Docker Hub here).
# The last two lines select the default engine:
#   export DOCKER_HOST=unix:///run/stagecraft-engines/stagecraft/docker.sock
#   export STAGECRAFT_DOCKER=/opt/stagecraft/docker-26/usr/bin/docker
# so  eval "$(bash scripts/docker-up.sh | grep '^export ')"  points this shell at it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
STATE=${STAGECRAFT_STATE:-${TMPDIR:-/tmp}/stagecraft-docker}
mkdir -p "$STATE"

bash "$HERE/engine.sh" install

# Docker 20.10, the system's own engine.
if ! DOCKER_HOST= /usr/bin/docker info >/dev/null 2>&1; then
  echo "[docker-up] starting the system dockerd 20.10 (log: $STATE/dockerd.log)" >&2
  DOCKER_HOST= setsid dockerd >"$STATE/dockerd.log" 2>&1 < /dev/null &
  echo $! > "$STATE/dockerd.pid"
  for _ in $(seq 1 120); do DOCKER_HOST= /usr/bin/docker info >/dev/null 2>&1 && break; sleep 0.5; done
  DOCKER_HOST= /usr/bin/docker info >/dev/null 2>&1 || { echo "[docker-up] dockerd did not start:" >&2; tail -20 "$STATE/dockerd.log" >&2; exit 1; }
fi
# The busybox image, imported the same way on every engine (engine.sh's importer).
DOCKER_HOST=unix:///var/run/docker.sock bash "$HERE/engine.sh" import /usr/bin/docker busybox

# Docker 26 + buildx, the default.
out=$(bash "$HERE/engine.sh" start stagecraft --version 26 --store containerd --base busybox)
host=$(echo "$out" | sed -n 's/^DOCKER_HOST=//p')
docker=$(echo "$out" | sed -n 's/^DOCKER=//p')
echo "[docker-up] Docker $(DOCKER_HOST=$host "$docker" version --format '{{.Server.Version}}') + buildx $("$docker" buildx version | awk '{print $2}') (default) and Docker $(DOCKER_HOST= /usr/bin/docker version --format '{{.Server.Version}}') (system socket) are up" >&2
echo "export DOCKER_HOST=$host"
echo "export STAGECRAFT_DOCKER=$docker"
