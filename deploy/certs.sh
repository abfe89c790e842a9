#!/usr/bin/env bash
# Make the deployment's CA, the API's server certificate and one worker certificate.
#   deploy/certs.sh api.example.com 203.0.113.10 worker-1
# Copy out/ca.crt, server.crt, server.key to the API machine; out/worker/* to the worker
# machine. Keep out/ca.key offline: it is needed only to issue more worker certificates.
set -euo pipefail
cd "$(dirname "$0")"
HOST=${1:-localhost}
IP=${2:-127.0.0.1}
WORKER=${3:-worker-1}
OUT=${OUT:-certs/out}
englog-certs init --out "$OUT" --san "DNS:$HOST" --san "IP:$IP"
englog-certs worker --out "$OUT/worker" --name "$WORKER" --ca-dir "$OUT"
