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

# Docker: the "Build with cache" lenses run real builds when an engine answers.
if docker info >/dev/null 2>&1; then
  log "Docker engine: reachable ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')); \"Build with cache\" builds for real."
  docker image inspect stagecraft-test/busybox:1 >/dev/null 2>&1 \
    || log "examples/busybox-demo needs the local image stagecraft-test/busybox:1: run  bash scripts/docker-up.sh"
else
  log "No Docker engine is reachable: the stage analysis works, \"Build with cache\" will fail."
  log "Start one (and the local base image examples/busybox-demo builds on) with:  bash scripts/docker-up.sh"
fi

# The build task (code-server's terminal inherits this environment) uses $STAGECRAFT_DOCKER: Debian's
# 20.10 client has the built-in BuildKit, a newer client without the buildx plugin does not.
if [ -z "${STAGECRAFT_DOCKER:-}" ] && [ -x /usr/bin/docker ]; then export STAGECRAFT_DOCKER=/usr/bin/docker; fi

exec node scripts/start.js "$VSIX" "${STAGECRAFT_WORKSPACE:-$ROOT/examples}"
