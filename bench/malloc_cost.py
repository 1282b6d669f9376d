"""Cost of one update minibatch with glibc malloc's defaults vs keeping freed memory (genpo_rsl/utils/malloc.py).

    python bench/malloc_cost.py [--batches 4096 65536] [--repeats 5] [--rounds 2]

Each (setting, batch) is timed in its own child process (the settings are environment variables read when a process
starts), one torch thread, the settings alternating in every round so that both see the same load. Per batch it
prints the median seconds of a GenPO update minibatch (closed-form likelihood + backward, Ant size, as
``bench/actor_cost.py``) and of a Gaussian PPO one, under each setting, the ratio default/keep, and the minor page
faults per update. 4096 rows is a GenPO minibatch on Ant at 512 envs; 65 536 rows is what FPO++'s 16 CFM pairs per
action make of it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

if not __package__:  # run as `python bench/malloc_cost.py`: import the bench package from the repository root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from genpo_rsl.utils.malloc import SETTINGS, SWITCH, malloc_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def child(batch: int, repeats: int) -> None:
    """Time one GenPO and one Gaussian update minibatch in this process; print JSON."""
    import resource

    import torch

    from bench.actor_timing import SIZES, build, genpo_update, sample_dummy, timeit

    torch.set_num_threads(1)
    torch.manual_seed(0)
    obs, gauss, genpo, _ = build(*SIZES["ant"], batch, "cpu")
    dummy = sample_dummy(genpo, obs)
    actions = gauss(obs, stochastic_output=True).detach()

    def gauss_update() -> None:
        gauss(obs, stochastic_output=True)
        (gauss.get_output_log_prob(actions).mean() + gauss.output_entropy.mean()).backward()

    result = {}
    for name, fn in (("genpo", lambda: genpo_update(genpo, obs, dummy)), ("gauss", gauss_update)):
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        result[name] = timeit(fn, repeats, "cpu")
        result[name + "_faults"] = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / (repeats + 1)
    print(json.dumps(result))


def run_child(batch: int, repeats: int, keep: bool) -> dict:
    """Run :func:`child` in a new process with the defaults or with the settings."""
    base = {k: v for k, v in os.environ.items() if k not in {name for name, _, _ in SETTINGS}}
    env = malloc_env(base) if keep else {**base, SWITCH: "0"}
    env["OMP_NUM_THREADS"] = "1"
    command = [sys.executable, os.path.abspath(__file__), "--child", str(batch), "--repeats", str(repeats)]
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure every batch under both settings and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, nargs="+", default=[4096, 65536])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the two settings per batch")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.repeats)
        return
    print(
        "| rows | update | default (s) | keep freed memory (s) | default / keep | page faults per update, default → keep |"
    )
    print("|---|---|---|---|---|---|")
    for batch in args.batches:
        runs: dict[bool, list[dict]] = {False: [], True: []}
        for _ in range(args.rounds):
            for keep in (False, True):
                runs[keep].append(run_child(batch, args.repeats, keep))
        for name, label in (("genpo", "GenPO"), ("gauss", "Gaussian PPO")):
            default, keep = (statistics.median(r[name] for r in runs[k]) for k in (False, True))
            faults = [statistics.median(r[name + "_faults"] for r in runs[k]) for k in (False, True)]
            print(
                f"| {batch} | {label} | {default:.3f} | {keep:.3f} | {default / keep:.2f}× | "
                f"{faults[0]:.0f} → {faults[1]:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
