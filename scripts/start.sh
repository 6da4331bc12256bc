#!/usr/bin/env bash
# `npm start`: builds and packages Stagecraft, then opens it in a real VS Code (code-server 4.100.3,
# installed into .stagecraft/vscode/ the first time) on the sample projects in examples/, on
# 127.0.0.1. Prints the URL; stays in the foreground; Ctrl-C stops it.
# Env: STAGECRAFT_PORT (default: a free port), STAGECRAFT_WORKSPACE (default: examples/).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
t0=$(date +%s)
log() { echo "[start] $*"; }

if [ ! -d node_modules/esbuild ] || [ ! -d node_modules/@vscode/vsce ]; then
  log "installing the project's npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
bash scripts/setup-vscode.sh
# The build is the esbuild bundle (scripts/bundle.mjs, run by package.sh); type checking is `npm run build`.
VSIX=$(bash scripts/package.sh | tail -n 1)
log "packaged $(basename "$VSIX") in $(( $(date +%s) - t0 )) s"

# Docker: the "Build with cache" lenses run real builds on the default engine, Docker 26 + buildx
# (scripts/docker-up.sh installs and starts it, and Docker 20.10, when this machine can: root + apt).
# code-server's terminal, where the build task runs, inherits DOCKER_HOST and STAGECRAFT_DOCKER.
if [ -z "${DOCKER_HOST:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  if up=$(bash scripts/docker-up.sh); then eval "$(echo "$up" | grep '^export ')"; else log "could not start the Docker engines (bash scripts/docker-up.sh)"; fi
fi
D=${STAGECRAFT_DOCKER:-docker}
if "$D" info >/dev/null 2>&1; then
  log "Docker engine: $("$D" version --format '{{.Server.Version}}' 2>/dev/null || echo '?') at ${DOCKER_HOST:-the default socket}; \"Build with cache\" builds for real."
  "$D" image inspect stagecraft-test/busybox:1 >/dev/null 2>&1 \
    || log "examples/busybox-demo needs the local image stagecraft-test/busybox:1: run  bash scripts/docker-up.sh"
else
  log "No Docker engine is reachable: the stage analysis works, \"Build with cache\" will fail."
  log "Start one (and the local base image examples/busybox-demo builds on) with:  bash scripts/docker-up.sh"
fi

exec node scripts/start.js "$VSIX" "${STAGECRAFT_WORKSPACE:-$ROOT/examples}"
