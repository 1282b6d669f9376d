# GenPO for rsl_rl / IsaacLab. Both targets set up what is missing first (idempotent).
#   make train   GenPO on a stock IsaacLab task with IsaacLab's own train path (CPU by default)
#   make test    the whole test suite
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

.PHONY: setup train test bench
setup:
	@bash scripts/setup.sh

train: setup
	$(VENV)/bin/genpo-train --task $(TASK) --agent $(AGENT) --num_envs $(NUM_ENVS) \
		--max_iterations $(MAX_ITERATIONS) --seed $(SEED) --device $(DEVICE) agent.device=$(DEVICE) $(ARGS)

test: setup
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

bench: setup
	$(VENV)/bin/python bench/actor_cost.py
