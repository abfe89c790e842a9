#!/usr/bin/env bash
# Set up and run EngLog on this machine with embedded defaults:
#   - the API on http://127.0.0.1:8000 (database created and migrated on start, OpenAPI at /docs)
#     with its gRPC endpoint on 127.0.0.1:50051 (mutual TLS, dev certificates generated here)
#   - one worker running the embedded SmolLM2 model, dialling the API
#   - a local mail catcher on 127.0.0.1:8025 that writes every email the worker sends to the log
# Then, on a terminal, it opens the terminal UI (`englog`); elsewhere it keeps serving.
# State lives in .englog-run/ (git-ignored): certificates, the dev JWT secret, logs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

RUN=.englog-run
mkdir -p "$RUN/certs" "$RUN/logs"
BIN=.venv/bin
if [ ! -f "$RUN/certs/ca.crt" ]; then
  "$BIN/englog-certs" init --out "$RUN/certs" --san DNS:localhost --san IP:127.0.0.1 >/dev/null
  "$BIN/englog-certs" worker --out "$RUN/certs" --name worker-1 >/dev/null
fi
[ -f "$RUN/jwt_secret" ] || (umask 077; "$BIN/python" -c "import secrets; print(secrets.token_urlsafe(48))" > "$RUN/jwt_secret")

export ENGLOG_JWT_SECRET="${ENGLOG_JWT_SECRET:-$(cat "$RUN/jwt_secret")}"
export ENGLOG_GRPC_CA_CERT="$PWD/$RUN/certs/ca.crt"
export ENGLOG_GRPC_SERVER_CERT="$PWD/$RUN/certs/server.crt"
export ENGLOG_GRPC_SERVER_KEY="$PWD/$RUN/certs/server.key"
export ENGLOG_WORKER_API_ADDRESS="127.0.0.1:${ENGLOG_GRPC_PORT:-50051}"
export ENGLOG_WORKER_CA_CERT="$PWD/$RUN/certs/ca.crt"
export ENGLOG_WORKER_CLIENT_CERT="$PWD/$RUN/certs/worker-1.crt"
export ENGLOG_WORKER_CLIENT_KEY="$PWD/$RUN/certs/worker-1.key"
export ENGLOG_WORKER_SMTP_HOST="${ENGLOG_WORKER_SMTP_HOST:-127.0.0.1}"
export ENGLOG_WORKER_SMTP_PORT="${ENGLOG_WORKER_SMTP_PORT:-8025}"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if [ "$ENGLOG_WORKER_SMTP_HOST" = 127.0.0.1 ] && [ "$ENGLOG_WORKER_SMTP_PORT" = 8025 ]; then
  "$BIN/python" -m aiosmtpd -n -l 127.0.0.1:8025 -c aiosmtpd.handlers.Debugging \
    >"$RUN/logs/mail.log" 2>&1 &
  pids+=($!)
fi
"$BIN/englog-api" "$@" >"$RUN/logs/api.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:${ENGLOG_PORT:-8000}/live" >/dev/null 2>&1 && break
  kill -0 "${pids[-1]}" 2>/dev/null || { cat "$RUN/logs/api.log"; exit 1; }
  sleep 0.2
done
"$BIN/englog-worker" >"$RUN/logs/worker.log" 2>&1 &
pids+=($!)

echo "EngLog API:    http://127.0.0.1:${ENGLOG_PORT:-8000}  (OpenAPI: /docs, health: /health)"
echo "Worker:        embedded model, logs in $RUN/logs/worker.log; emails in $RUN/logs/mail.log"
if [ -t 0 ] && [ -t 1 ]; then
  ENGLOG_TUI_SERVER_URL="${ENGLOG_TUI_SERVER_URL:-http://127.0.0.1:${ENGLOG_PORT:-8000}}" "$BIN/englog"
else
  echo "No terminal attached: serving until stopped (Ctrl-C). Open the UI with: $BIN/englog"
  wait -n
fi
