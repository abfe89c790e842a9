#!/usr/bin/env bash
# A deployment that is actually run, without a Docker engine: build the API and the worker
# with deploy/Dockerfile's own steps (deploy_tools/dockerless.py) into a clean directory, then
# run them from there against a fresh database: certificates from the built englog-certs,
# the API with gRPC on mutual TLS, one worker with the embedded model. Succeeds once the
# API's /health shows the worker connected and its model loaded; everything is stopped and
# the database dropped on exit.
#   deploy/dry_run.sh [OUT_DIR]
# Env: PYTHON (3.11, as the image), ENGLOG_DRY_RUN_PG (server URL, default local postgres),
#      ENGLOG_DRY_RUN_REDIS (default redis://127.0.0.1:6379/0), ENGLOG_DRY_RUN_WAIT (120 s).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:-$(mktemp -d -t englog-dry-run.XXXXXX)}")
PY=${PYTHON:-python3.11}
PG=${ENGLOG_DRY_RUN_PG:-postgres://postgres@127.0.0.1:5432}
WAIT=${ENGLOG_DRY_RUN_WAIT:-120}
RUN_ID="dry_run_$$"
say() { echo "dry-run: $*"; }

say "building the API image's venv in $OUT/api"
"$PY" -m deploy_tools.dockerless --out "$OUT/api"
say "building the worker image's venv (EXTRAS=llm) in $OUT/worker"
"$PY" -m deploy_tools.dockerless --out "$OUT/worker" --build-arg EXTRAS=llm
API_BIN="$OUT/api/venv/bin"
WORKER_BIN="$OUT/worker/venv/bin"

free_port() { "$API_BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port)
GRPC_PORT=$(free_port)
"$API_BIN/englog-certs" init --out "$OUT/certs" >/dev/null
"$API_BIN/englog-certs" worker --out "$OUT/certs" --name dry-run-worker >/dev/null

export ENGLOG_DATABASE_URL="$PG/englog_$RUN_ID"
export ENGLOG_REDIS_URL=${ENGLOG_DRY_RUN_REDIS:-redis://127.0.0.1:6379/0}
export ENGLOG_REDIS_PREFIX="englog-$RUN_ID:"
ENGLOG_JWT_SECRET=$("$API_BIN/python" -c 'import secrets; print(secrets.token_urlsafe(48))')
export ENGLOG_JWT_SECRET
export ENGLOG_SCHEDULER_ENABLED=false

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$API_BIN/python" - <<'PY' || true
import asyncio, os
import redis
from backend.db.setup import drop_database
asyncio.run(drop_database(os.environ["ENGLOG_DATABASE_URL"]))
r = redis.Redis.from_url(os.environ["ENGLOG_REDIS_URL"])
keys = list(r.scan_iter(match=os.environ["ENGLOG_REDIS_PREFIX"] + "*", count=1000))
if keys:
    r.delete(*keys)
PY
}
trap cleanup EXIT

say "starting englog-api from $API_BIN on 127.0.0.1:$HTTP_PORT (gRPC $GRPC_PORT)"
ENGLOG_GRPC_PORT=$GRPC_PORT ENGLOG_GRPC_CA_CERT="$OUT/certs/ca.crt" \
ENGLOG_GRPC_SERVER_CERT="$OUT/certs/server.crt" ENGLOG_GRPC_SERVER_KEY="$OUT/certs/server.key" \
  "$API_BIN/englog-api" --port "$HTTP_PORT" >"$OUT/api.log" 2>&1 &
PIDS+=($!)

say "starting englog-worker from $WORKER_BIN"
ENGLOG_WORKER_API_ADDRESS="127.0.0.1:$GRPC_PORT" ENGLOG_WORKER_CA_CERT="$OUT/certs/ca.crt" \
ENGLOG_WORKER_CLIENT_CERT="$OUT/certs/dry-run-worker.crt" \
ENGLOG_WORKER_CLIENT_KEY="$OUT/certs/dry-run-worker.key" ENGLOG_WORKER_WORKER_ID=dry-run-worker \
ENGLOG_WORKER_HEARTBEAT_SECONDS=2 ENGLOG_WORKER_N_THREADS=2 \
  "$WORKER_BIN/englog-worker" >"$OUT/worker.log" 2>&1 &
PIDS+=($!)

HEALTH_URL="http://127.0.0.1:$HTTP_PORT/health"
for _ in $(seq 1 "$WAIT"); do
  if BODY=$("$API_BIN/python" - "$HEALTH_URL" <<'PY'
import json, sys, urllib.request
try:
    body = json.load(urllib.request.urlopen(sys.argv[1], timeout=2))
except Exception:
    sys.exit(1)
workers = [w for w in body.get("workers", []) if w["worker_id"] == "dry-run-worker"]
if body.get("database") == "ok" and workers and workers[0]["llm_ok"] and not workers[0]["stale"]:
    print(json.dumps(body))
    sys.exit(0)
sys.exit(1)
PY
  ); then
    say "health: $BODY"
    say "OK: the API and a worker built with the Dockerfile's steps ran and found each other"
    exit 0
  fi
  sleep 1
done
say "FAILED: no healthy worker after ${WAIT}s; last lines of the logs:"
tail -5 "$OUT/api.log" "$OUT/worker.log" >&2
exit 1
