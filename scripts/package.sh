#!/usr/bin/env bash
# Packages the extension: esbuild bundles into dist/, then `vsce package` -> stagecraft-<version>.vsix
# in the repository root. Prints the .vsix path on its last line.
# Env: VSIX_OUT (output path; default stagecraft-<version>.vsix in the repository root).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
t0=$(date +%s%3N)
version=$(node -p 'require("./package.json").version')
name=$(node -p 'require("./package.json").name')
out=${VSIX_OUT:-$ROOT/$name-$version.vsix}
main=$(node -p 'require("./package.json").main')
case "$main" in ./dist/*|dist/*) ;; *) echo "package: package.json \"main\" is $main; it must be ./dist/extension.js (the bundle)" >&2; exit 1 ;; esac

node scripts/bundle.mjs
[ -x node_modules/.bin/vsce ] || { echo "package: node_modules/.bin/vsce missing; run npm ci" >&2; exit 1; }
rm -f "$out"
# --no-dependencies: the bundles inline everything, so no node_modules go into the package.
node_modules/.bin/vsce package --no-dependencies --skip-license --allow-missing-repository \
  --out "$out" >"$ROOT/dist/vsce.log" 2>&1 || { cat "$ROOT/dist/vsce.log" >&2; exit 1; }
grep -iE 'warn' "$ROOT/dist/vsce.log" >&2 || true
# The packaged file list, checked: the bundles are in, no sources or node_modules are.
list=$(unzip -Z1 "$out" 2>/dev/null || node -e '
  const b=require("fs").readFileSync(process.argv[1]);let i=b.length-22;while(b.readUInt32LE(i)!==0x06054b50)i--;
  let p=b.readUInt32LE(i+16);const n=b.readUInt16LE(i+10);for(let k=0;k<n;k++){const l=b.readUInt16LE(p+28),x=b.readUInt16LE(p+30),c=b.readUInt16LE(p+32);
  console.log(b.toString("utf8",p+46,p+46+l));p+=46+l+x+c}' "$out")
for f in extension/package.json extension/dist/extension.js extension/dist/server.js extension/dist/cli.js extension/dist/graphView.js; do
  grep -qx "$f" <<<"$list" && continue
  echo "package: $f missing from $out" >&2
  [ "${STAGECRAFT_BUNDLE_ALLOW_MISSING:-}" = 1 ] || exit 1
done
if grep -E '^extension/(node_modules|client|server|test|src|out)/' <<<"$list" >&2; then
  echo "package: sources or node_modules leaked into $out (see .vscodeignore)" >&2; exit 1
fi
size=$(stat -c %s "$out")
echo "package: $(grep -c '^extension/' <<<"$list") files, $((size / 1024)) KiB in $((($(date +%s%3N) - t0))) ms"
echo "$out"
