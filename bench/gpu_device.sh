#!/usr/bin/env bash
# `make bench-gpu` on the lent GPU machine (Python 3.12 + torch, but no rsl-rl-lib/tensordict, no make, no internet).
# From the repository root, with the wheels of .whl/ carried along:
#   run(command="bash bench/gpu_device.sh", carry=[".whl"], timeout_s=560)
# Installs .whl/*.whl (rsl-rl-lib, tensordict, pytest and their missing dependencies) into /tmp/site, runs the GPU
# tests (tests/modules/test_cuda_graphs.py: CUDA graphs == eager), then bench/bench_gpu.py on cuda (<= 8 minutes; extra
# arguments are passed on) and copies docs/gpu.md, the JSON results and the logs into $OUT (bench/out/device
# without $OUT).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out/device}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl ||
    python3 -c "import glob, zipfile; [zipfile.ZipFile(w).extractall('/tmp/site') for w in glob.glob('.whl/*.whl')]" ||
    exit 1
export PYTHONPATH=/tmp/site:$PWD
export GIT_PYTHON_REFRESH=quiet # rsl_rl imports GitPython; the machine may have no git executable
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; fi
python3 -m pytest -q -p no:cacheprovider tests/modules/test_cuda_graphs.py 2>&1 | tee "$OUT/gpu_tests.log" | tail -25
python3 bench/mixed_precision.py --device cuda 2>&1 | tee "$OUT/mixed_precision.md"
python3 bench/bench_gpu.py --device cuda --command "bash bench/gpu_device.sh $*  (= make bench-gpu)" "$@" 2>&1 |
    tee "$OUT/bench_gpu.log"
status=${PIPESTATUS[0]}
cp docs/gpu.md bench/out/gpu.json "$OUT/" 2>/dev/null || true
exit "$status"
