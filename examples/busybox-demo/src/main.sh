#!/bin/sh
. "$(dirname "$0")/greet.sh"
greet "${GREET_NAME:-}"
