#!/usr/bin/env bash
# Set up and run EngLog on this machine with embedded defaults: the API on
# http://127.0.0.1:8000 (database created and migrated on start).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/englog-api "$@"
