"""Why GenPO runs its flow in full float32: the round trip and log-prob error under TF32 matmuls and bf16 autocast.

    python bench/mixed_precision.py --device cuda      # or cpu

Per paper size, the flow (mix_p = 0.9, N = 5) samples a rollout as the runner does (8 steps of 4096 rows), then the
update inverts all 32768 rows in one minibatch. Printed: the max |F⁻¹(F(z)) − z| and the max log-prob error, in
float32, with TF32 matmuls (``torch.backends.cuda.matmul.allow_tf32 = True``, what ``isaaclab train`` sets for
rsl_rl), and under ``torch.autocast(dtype=torch.bfloat16)`` (rsl_rl's ``use_mixed_precision``), each for both passes.
"""

from __future__ import annotations

import argparse
import contextlib

import torch

from genpo_rsl.modules.flow import GenPOFlow
from genpo_rsl.utils.precision import flow_precision

SIZES = {"ant": (60, 8, [400, 200, 100]), "humanoid": (87, 21, [400, 200, 100]), "h1": (256, 19, [512, 256, 128])}
ROLLOUT_ROWS, ROLLOUT_STEPS = 4096, 8
VARIANTS = ("float32", "tf32", "bf16")


def precision(name: str, device: str) -> contextlib.AbstractContextManager:
    """Return the context of one variant (both the rollout's forward and the update's inverse run in it)."""
    if name == "bf16":
        return torch.autocast(torch.device(device).type, dtype=torch.bfloat16)
    return flow_precision(allow_tf32=name == "tf32")


def round_trip(device: str, obs_dim: int, action_dim: int, hidden: list[int]) -> dict[str, float]:
    """Return the round-trip and log-prob errors of each variant for one size."""
    torch.manual_seed(0)
    flow = GenPOFlow(action_dim, obs_dim, hidden, "mish", 5, 0.9).to(device)
    obs = torch.randn(ROLLOUT_STEPS, ROLLOUT_ROWS, obs_dim, device=device)
    z = torch.randn(ROLLOUT_STEPS, ROLLOUT_ROWS, 2 * action_dim, device=device)
    out = {}
    with torch.no_grad():
        for name in VARIANTS:
            with precision(name, device):
                dummy = torch.stack([flow(z[k], obs[k]) for k in range(ROLLOUT_STEPS)]).float()
                z_back = flow.inverse(dummy.flatten(0, 1), obs.flatten(0, 1)).float()
            exact = flow.latent_log_prob(z.flatten(0, 1), obs.flatten(0, 1))
            out[f"{name} round trip"] = (z_back - z.flatten(0, 1)).abs().max().item()
            out[f"{name} log-prob"] = (flow.latent_log_prob(z_back, obs.flatten(0, 1)) - exact).abs().max().item()
    return out


def main() -> None:
    """Print one markdown row per size."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    print(f"| size ({args.device}) | " + " | ".join(f"{v} round trip" for v in VARIANTS) + " | ", end="")
    print(" | ".join(f"{v} log-prob err" for v in VARIANTS) + " |")
    print("|---" * (1 + 2 * len(VARIANTS)) + "|")
    for name, (obs_dim, action_dim, hidden) in SIZES.items():
        r = round_trip(args.device, obs_dim, action_dim, hidden)
        cells = [f"{r[f'{v} round trip']:.2g}" for v in VARIANTS] + [f"{r[f'{v} log-prob']:.2g}" for v in VARIANTS]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
