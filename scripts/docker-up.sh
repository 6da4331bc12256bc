#!/usr/bin/env bash
# Make a Docker engine and the local test base image available. Idempotent.
#  - installs Debian's docker.io, docker-registry and busybox-static when missing (root, apt);
#  - starts dockerd in the background when `docker info` fails (its PID in $STATE/dockerd.pid);
#  - imports the busybox base image `stagecraft-test/busybox:1` (nothing can be pulled here).
# Prints the docker client to use on its last line (`DOCKER=/usr/bin/docker`): Debian's 20.10
# client has the built-in BuildKit; a newer client without the buildx plugin cannot use it.
set -euo pipefail
STATE=${STAGECRAFT_STATE:-${TMPDIR:-/tmp}/stagecraft-docker}
mkdir -p "$STATE"
export DEBIAN_FRONTEND=noninteractive

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-registry >/dev/null || need+=(docker-registry)
[ -x /bin/busybox ] || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
  echo "[docker-up] apt-get install ${need[*]}"
  apt-get update -q >/dev/null
  apt-get install -y -q "${need[@]}" >/dev/null
fi

DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=$(command -v docker)

if ! "$DOCKER" info >/dev/null 2>&1; then
  echo "[docker-up] starting dockerd (log: $STATE/dockerd.log)"
  setsid dockerd >"$STATE/dockerd.log" 2>&1 < /dev/null &
  echo $! > "$STATE/dockerd.pid"
  for _ in $(seq 1 120); do
    "$DOCKER" info >/dev/null 2>&1 && break
    sleep 0.5
  done
  "$DOCKER" info >/dev/null 2>&1 || { echo "[docker-up] dockerd did not start:"; tail -20 "$STATE/dockerd.log"; exit 1; }
fi

if ! "$DOCKER" image inspect stagecraft-test/busybox:1 >/dev/null 2>&1; then
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  tar -C "$root" -c . | "$DOCKER" import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - stagecraft-test/busybox:1 >/dev/null
  rm -rf "$root"
  echo "[docker-up] imported stagecraft-test/busybox:1"
fi
echo "DOCKER=$DOCKER"
