#!/bin/sh
# Tests for dist/greet.sh.
set -eu
. dist/greet.sh
fail=0
check() { if [ "$1" = "$2" ]; then echo "ok - $3"; else echo "not ok - $3: got '$1', want '$2'"; fail=1; fi; }
check "$(greet)" "hello, world" "greets the world by default"
check "$(greet docker)" "hello, docker" "greets by name"
exit "$fail"
