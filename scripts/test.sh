#!/usr/bin/env bash
# The README's test command (`npm test`): every suite, from a fresh clone.
#  1. installs the dependencies (npm ci) when node_modules is missing or stale;
#  2. makes the services the tests need, when this machine can (root + apt): both Docker engines
#     (scripts/docker-up.sh: Docker 26 + buildx, the default, and Docker 20.10; the engine suites
#     start private instances of each, test/support/engines.ts) and a real VS Code
#     (scripts/setup-vscode.sh); otherwise the suites that need them skip with a printed reason,
#     or FAIL when STAGECRAFT_REQUIRE_DOCKER=1 / STAGECRAFT_REQUIRE_E2E=1 (as .ci/run sets);
#  3. compiles (tsc -b, errors fail the run) and runs: unit, protocol and real-engine suites in one
#     `node --test` run, the grammar tests, the extension-host and UI suites in code-server, and the
#     quick benchmark as a smoke check.
# Last line: `tests: N passed, N failed, N skipped`.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LOGDIR=${STAGECRAFT_TEST_LOGS:-$ROOT/test-results}
mkdir -p "$LOGDIR"
passed=0; failed=0; skipped=0
step() { printf '\n=== %s\n' "$*"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund || { echo "npm ci failed"; exit 1; }
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  step "Docker engines (scripts/docker-up.sh)"
  if up=$(bash scripts/docker-up.sh); then
    eval "$(echo "$up" | grep '^export ')"   # the default engine: Docker 26 + buildx
  else
    echo "could not start the Docker engines; the suites that need one will say so"
  fi
else
  echo "not root or no apt: no Docker engines started; the suites that need them will skip (or fail when STAGECRAFT_REQUIRE_DOCKER=1)"
fi

step "compile (tsc -b)"
npx tsc -b || { echo "tests: 0 passed, 1 failed"; exit 1; }

step "unit, protocol and real-engine suites (node --test)"
suites=()
for d in out/test/unit out/test/protocol out/test/build; do [ -d "$d" ] && suites+=("$d"); done
node --test --test-reporter=tap --test-reporter-destination="$LOGDIR/node-test.tap" \
  --test-reporter=spec --test-reporter-destination=stdout "${suites[@]}"
rc=$?
p=$(grep -E '^# pass ' "$LOGDIR/node-test.tap" | tail -1 | awk '{print $3}')
f=$(grep -E '^# fail ' "$LOGDIR/node-test.tap" | tail -1 | awk '{print $3}')
k=$(grep -E '^# skipped ' "$LOGDIR/node-test.tap" | tail -1 | awk '{print $3}')
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${k:-0}))
[ $rc -eq 0 ] || [ "${f:-0}" -gt 0 ] || failed=$((failed + 1))

step "grammar (vscode-tmgrammar-test)"
n=$(ls test/grammar/*.dockerfile | wc -l)
if npm run -s test:grammar; then passed=$((passed + n)); else failed=$((failed + 1)); fi

if [ -f scripts/test-e2e.sh ]; then
  step "VS Code: extension-host and UI suites (scripts/test-e2e.sh)"
  bash scripts/test-e2e.sh 2>&1 | tee "$LOGDIR/e2e.log"
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "$LOGDIR/e2e.log" | tail -1)
  if [ -n "$line" ]; then
    passed=$((passed + $(echo "$line" | awk '{print $2}'))); failed=$((failed + $(echo "$line" | awk '{print $4}')))
    if echo "$line" | grep -q 'skipped'; then skipped=$((skipped + $(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) skipped.*/\1/p'))); fi
  fi
  [ $rc -eq 0 ] || [ -z "$line" ] || [ "$(echo "$line" | awk '{print $4}')" -gt 0 ] || failed=$((failed + 1))
  [ -n "$line" ] || [ $rc -eq 0 ] || failed=$((failed + 1))
fi

if grep -q '"bench"' package.json; then
  step "benchmark smoke check (npm run bench -- --quick)"
  if npm run -s bench -- --quick; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi

if grep -q '^ *not ok ' "$LOGDIR/node-test.tap" 2>/dev/null; then
  # The failures again, last, so that the tail of a CI log names each one and its error.
  step "failed node tests (full log: $LOGDIR/node-test.tap)"
  awk '/^ *not ok /{n=40} n>0{print; n--; if (/^ *\.\.\.$/) n=0}' "$LOGDIR/node-test.tap" | cut -c1-300 | head -200
fi

echo
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
