#!/usr/bin/env bash
# Run the whole test suite against real PostgreSQL, Redis, gRPC, SMTP and the embedded model.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
