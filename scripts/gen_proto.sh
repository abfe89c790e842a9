#!/usr/bin/env bash
# Regenerate the Python gRPC code from proto/englog/v1/*.proto. Output lands beside the
# .proto files as the importable package `englog.v1` (not `proto`, which clashes with proto-plus).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
"$PY" -m grpc_tools.protoc -Iproto --python_out=proto --pyi_out=proto --grpc_python_out=proto proto/englog/v1/*.proto
touch proto/englog/__init__.py proto/englog/v1/__init__.py
