#!/usr/bin/env bash
# Build (once per machine) and print the path of the llama-cpp-python wheel EngLog runs.
#
# Why not a plain `pip install llama-cpp-python`: its default build is GGML_NATIVE, i.e.
# -march=native. On a VM whose CPU advertises AMX (amx_tile) but does not let a process use
# it, every generation then dies with SIGILL ("tilezero" in libggml-cpu.so), and pip's wheel
# cache hands that broken wheel to every later install on the machine, whatever CMAKE_ARGS
# say. So we build with fixed, portable x86-64 flags (AVX2/FMA/F16C: any x86 CPU since about
# 2015, no AVX-512, no AMX) and keep the wheel in a cache folder keyed by version and flags.
# On other architectures the default flags are portable enough and used as they are.
set -euo pipefail
VPY=${1:-python3}
VERSION=0.3.36
case "$(uname -m)" in
  x86_64) FLAGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF" ;;
  *) FLAGS="" ;;
esac
KEY=$(printf '%s %s' "$VERSION" "$FLAGS" | sha256sum | cut -c1-12)
DIR=${ENGLOG_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/englog/wheels}/llama-$VERSION-$KEY
wheel=$(ls "$DIR"/llama_cpp_python-*.whl 2>/dev/null | head -1 || true)
if [ -z "$wheel" ]; then
  mkdir -p "$DIR"
  echo "building llama-cpp-python $VERSION once for this machine (about 9 minutes on 2 cores)..." >&2
  CMAKE_ARGS="$FLAGS" "$VPY" -m pip wheel -q --no-deps --no-binary llama-cpp-python \
    --no-cache-dir -w "$DIR" "llama-cpp-python==$VERSION" >&2
  wheel=$(ls "$DIR"/llama_cpp_python-*.whl | head -1)
fi
echo "$wheel"
