#!/usr/bin/env bash
# The real-VS-Code tests: installs code-server (once, into .stagecraft/vscode), makes sure a Docker
# engine and the local base image are there, builds and packages the extension (.vsix), then runs
#   - the UI scenario (Debian chromium + playwright-core) against the installed .vsix, and
#   - the extension-host mocha suites (out/test/exthost) through the workbench payload URL.
# Artifacts (screenshots, logs, report.json): test-results/e2e/.
#
# Env: STAGECRAFT_REQUIRE_E2E=1  missing chromium/code-server/docker is a failure (CI); else a skip
#      STAGECRAFT_E2E_SETUP=0    do not run scripts/setup-vscode.sh when code-server is missing
#      STAGECRAFT_E2E_UI_RUNS=N  repeat the UI scenario N times (default 1)
#      E2E_ONLY=ui|exthost|trust run one of the three suites
# Last line: `e2e: N passed, N failed`; exit code non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
REQUIRE=${STAGECRAFT_REQUIRE_E2E:-0}
t0=$(date +%s)
log() { echo "[test-e2e] $*"; }
unavailable() {
  if [ "$REQUIRE" = 1 ]; then
    log "FAILED: $1 (STAGECRAFT_REQUIRE_E2E=1)"; echo "e2e: 0 passed, 1 failed"; exit 1
  fi
  log "skipped: $1 (set STAGECRAFT_REQUIRE_E2E=1 to make this a failure)"; echo "e2e: 0 passed, 0 failed"; exit 0
}
fail() { log "FAILED: $1"; echo "e2e: 0 passed, 1 failed"; exit 1; }

# 1. code-server + chromium (setup installs chromium too when it can: root + apt)
CS_MARKER="${STAGECRAFT_VSCODE_DIR:-$ROOT/.stagecraft/vscode}/.setup-done-4.100.3"
if [ ! -f "$CS_MARKER" ] || [ ! -x /usr/bin/chromium ]; then
  if [ "${STAGECRAFT_E2E_SETUP:-1}" = 0 ]; then unavailable "code-server or chromium is not installed (run: bash scripts/setup-vscode.sh)"; fi
  if [ "$(id -u)" != 0 ] && [ ! -x /usr/bin/chromium ]; then unavailable "chromium is missing and installing it needs root (apt-get install chromium)"; fi
  bash scripts/setup-vscode.sh || unavailable "scripts/setup-vscode.sh failed"
fi
[ -x /usr/bin/chromium ] || unavailable "/usr/bin/chromium is missing"
[ -f "$CS_MARKER" ] || unavailable "code-server is not installed"

# 2. The default Docker engine (Docker 26 + buildx) + the local base image the busybox sample builds
# on (the UI build step needs it). code-server's terminal, where the build task runs, inherits
# DOCKER_HOST and STAGECRAFT_DOCKER.
if [ -z "${DOCKER_HOST:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    up=$(bash scripts/docker-up.sh 2>/dev/null) || unavailable "no Docker engine (bash scripts/docker-up.sh failed)"
    eval "$(echo "$up" | grep '^export ')"
  fi
fi
D=${STAGECRAFT_DOCKER:-docker}
if ! "$D" info >/dev/null 2>&1 || ! "$D" image inspect stagecraft-test/busybox:1 >/dev/null 2>&1; then
  unavailable "no Docker engine or no stagecraft-test/busybox:1 image (run: sudo bash scripts/docker-up.sh)"
fi

# 3. compile (the extension-host suites run from out/test/exthost) and package the .vsix
npx tsc -b >/tmp/stagecraft-tsc-$$.log 2>&1 || { cat /tmp/stagecraft-tsc-$$.log; rm -f /tmp/stagecraft-tsc-$$.log; fail "tsc -b failed"; }
rm -f /tmp/stagecraft-tsc-$$.log
VSIX=$(bash scripts/package.sh | tail -n 1) || fail "packaging failed"
[ -f "$VSIX" ] || fail "no .vsix produced"
log "setup + build + package: $(( $(date +%s) - t0 )) s; testing $(basename "$VSIX")"

args=(--vsix "$VSIX")
case "${E2E_ONLY:-}" in ui) args+=(--no-exthost --no-trust) ;; exthost) args+=(--no-ui --no-trust) ;; trust) args+=(--no-ui --no-exthost) ;; esac
rm -f test-results/e2e/report.json
node test/e2e/run-all.js "${args[@]}"
rc=$?
log "total $(( $(date +%s) - t0 )) s"
# run-all.js prints the `e2e: N passed, N failed` line; repeat it last
passed=0; failed=0
if [ -f test-results/e2e/report.json ]; then
  read -r passed failed < <(node -p 'const r=require("./test-results/e2e/report.json"); `${r.passed} ${r.failed}`')
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "e2e: $passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
