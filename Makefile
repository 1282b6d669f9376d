# GenPO for rsl_rl / IsaacLab. Both targets set up what is missing first (idempotent).
#   make train   GenPO on a stock IsaacLab task with IsaacLab's own train path (CPU by default)
#   make test    ruff (lint + format check), then the whole test suite: rsl-rl-lib 5.5 (.venv, IsaacLab 3.0), then
#                rsl-rl-lib 3.1.2 (.venv-rsl3), then mjlab 1.6.0 with its rsl-rl-lib 5.4.2 pin (.venv-mjlab)
#   make bench-gpu  GenPO vs PPO at the paper's sizes on one GPU (<= 8 min) -> docs/gpu.md; DEVICE=cpu: a small
#                   smoke run -> bench/out/gpu_cpu.md. On the lent GPU machine (no make): bash bench/gpu_device.sh
VENV ?= .venv
TASK ?= Isaac-Cartpole-Direct
AGENT ?= genpo
NUM_ENVS ?= 256
MAX_ITERATIONS ?= 150
DEVICE ?= cpu
SEED ?= 42
OFFLINE ?= 1
ASSET_ROOT ?= $(CURDIR)/.assets
ifeq ($(OFFLINE),1)
export ISAACSIM_ASSET_ROOT ?= $(ASSET_ROOT)
endif

# under mjlab's rsl-rl-lib 5.4.2: the mjlab integration and the core algorithm/model tests
MJLAB_TESTS ?= tests/mjlab_ext tests/algorithms tests/models

.PHONY: setup train test bench bench-gpu
setup:
	@bash scripts/setup.sh

train: setup
	$(VENV)/bin/genpo-train --task $(TASK) --agent $(AGENT) --num_envs $(NUM_ENVS) \
		--max_iterations $(MAX_ITERATIONS) --seed $(SEED) --device $(DEVICE) agent.device=$(DEVICE) $(ARGS)

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)
	@bash scripts/setup.sh --rsl-rl 3
	.venv-rsl3/bin/python -m pytest tests/rsl3 $(PYTEST_ARGS)
	@bash scripts/setup.sh --mjlab
	.venv-mjlab/bin/python -m pytest $(MJLAB_TESTS) $(PYTEST_ARGS)

bench: setup
	$(VENV)/bin/python bench/actor_cost.py

bench-gpu: DEVICE = cuda
bench-gpu: setup
	$(VENV)/bin/python bench/bench_gpu.py --device $(DEVICE) $(BENCH_ARGS) \
		--command "$(strip make bench-gpu DEVICE=$(DEVICE) $(BENCH_ARGS))"
