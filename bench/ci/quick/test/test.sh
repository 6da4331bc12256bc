#!/bin/sh
set -e
out=$(sh /app/app.sh)
[ "$out" = "hello from the quick benchmark app" ] || { echo "unexpected output: $out"; exit 1; }
echo "ok"
