#!/usr/bin/env bash
# Install a real VS Code for the web (code-server 4.100.3 = VS Code 1.100.3) into the project's
# ignored folder .stagecraft/vscode/, plus the OS packages the e2e tests need (Debian chromium,
# ripgrep, libkrb5-dev, build-essential). Uses only apt and the npm registry; works offline
# otherwise (no GitHub downloads, no browser downloads). Idempotent: a marker file records a
# finished install. ~2-3 min on 2 cores the first time (most of it compiling native modules).
#
# Env: STAGECRAFT_VSCODE_DIR (default <repo>/.stagecraft/vscode), CS_VERSION (default 4.100.3),
#      FORCE_SETUP=1 to reinstall, SKIP_APT=1 to never call apt-get.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CS_VERSION=${CS_VERSION:-4.100.3}
DIR=${STAGECRAFT_VSCODE_DIR:-$ROOT/.stagecraft/vscode}
MARKER="$DIR/.setup-done-$CS_VERSION"
CS="$DIR/node_modules/code-server"
export DEBIAN_FRONTEND=noninteractive
t0=$(date +%s)
log() { echo "[setup-vscode] $*"; }

if [ -f "$MARKER" ] && [ -z "${FORCE_SETUP:-}" ] && [ -f "$CS/out/node/entry.js" ]; then
  log "code-server $CS_VERSION already installed in $DIR ($(basename "$MARKER"))"
  exit 0
fi

# 1. OS packages, only the missing ones.
need=()
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v g++ >/dev/null && command -v make >/dev/null || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)
command -v curl >/dev/null || need+=(curl ca-certificates)
if [ ${#need[@]} -gt 0 ]; then
  if [ -n "${SKIP_APT:-}" ]; then log "missing OS packages (SKIP_APT set): ${need[*]}"; exit 1; fi
  [ "$(id -u)" = 0 ] || { log "need root for: apt-get install ${need[*]}"; exit 1; }
  log "apt-get install ${need[*]}"
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
t1=$(date +%s); log "OS packages: $((t1-t0)) s"

# node-gyp must use the local node headers (it would otherwise download them).
export npm_config_nodedir=${npm_config_nodedir:-/usr}
if [ ! -f "$npm_config_nodedir/include/node/node_api.h" ]; then
  # Debian's nodejs ships headers in libnode-dev / nodejs-dev; NodeSource's in the node prefix.
  prefix=$(dirname "$(dirname "$(command -v node)")")
  if [ -f "$prefix/include/node/node_api.h" ]; then export npm_config_nodedir=$prefix
  else log "no node headers under $npm_config_nodedir/include/node or $prefix/include/node"; exit 1; fi
fi
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# 2. code-server without its postinstall (that fails as root and on ripgrep's GitHub download).
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"name":"stagecraft-vscode-host","private":true}' > package.json
npm install --no-save --ignore-scripts "code-server@$CS_VERSION" >"$DIR/npm-install.log" 2>&1 \
  || { tail -30 "$DIR/npm-install.log"; exit 1; }
npm rebuild argon2 --foreground-scripts >"$DIR/argon2-build.log" 2>&1 \
  || { tail -30 "$DIR/argon2-build.log"; exit 1; }
t2=$(date +%s); log "code-server package + argon2: $((t2-t1)) s"

# 3. code-server's postinstall.sh, by hand.
cd "$CS/lib/vscode"
npm install --omit=dev --ignore-scripts >"$DIR/vscode-install.log" 2>&1 \
  || { tail -30 "$DIR/vscode-install.log"; exit 1; }
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg   # postinstall sees bin/ and skips the download
npm_config_yes=true npm rebuild --foreground-scripts >"$DIR/vscode-native-build.log" 2>&1 \
  || { tail -40 "$DIR/vscode-native-build.log"; exit 1; }
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev >"$DIR/extensions-install.log" 2>&1) \
  || { tail -30 "$DIR/extensions-install.log"; exit 1; }
t3=$(date +%s); log "VS Code server natives: $((t3-t2)) s"

v=$(node -p 'require(process.argv[1]).version' "$CS/package.json")
[ "$v" = "$CS_VERSION" ] || { log "installed code-server $v, expected $CS_VERSION"; exit 1; }
rm -f "$DIR"/.setup-done-*
date -u +%FT%TZ > "$MARKER"
log "code-server $v ready in $DIR; total $((t3-t0)) s"
