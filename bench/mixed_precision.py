"""Why GenPO refuses ``use_mixed_precision``: the flow's round trip and log-prob error under bf16 autocast.

    python bench/mixed_precision.py --device cuda      # or cpu

Prints, per paper size, the max |F⁻¹(F(z)) − z| and the max log-prob error of the inverse run under
``torch.autocast(dtype=torch.bfloat16)`` next to float32 (mix_p = 0.9, N = 5, batch 4096).
"""

from __future__ import annotations

import argparse

import torch

from genpo_rsl.flow import GenPOFlow

SIZES = {"ant": (60, 8, [400, 200, 100]), "humanoid": (87, 21, [400, 200, 100]), "h1": (256, 19, [512, 256, 128])}


def round_trip(device: str, obs_dim: int, action_dim: int, hidden: list[int]) -> dict[str, float]:
    """Return float32 and bf16-autocast round-trip and log-prob errors for one size."""
    torch.manual_seed(0)
    flow = GenPOFlow(action_dim, obs_dim, hidden, "mish", 5, 0.9).to(device)
    obs = torch.randn(4096, obs_dim, device=device)
    z = torch.randn(4096, 2 * action_dim, device=device)
    with torch.no_grad():
        dummy = flow(z, obs)
        exact = flow.latent_log_prob(z)
        out = {}
        for name, enabled in (("float32", False), ("bf16", True)):
            with torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=enabled):
                z_back = flow.inverse(dummy, obs).float()
            out[f"{name} round trip"] = (z_back - z).abs().max().item()
            out[f"{name} log-prob"] = (flow.latent_log_prob(z_back) - exact).abs().max().item()
    return out


def main() -> None:
    """Print one markdown row per size."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    print(f"| size ({args.device}) | float32 round trip | bf16 round trip | float32 log-prob err | bf16 log-prob err |")
    print("|---|---|---|---|---|")
    for name, (obs_dim, action_dim, hidden) in SIZES.items():
        r = round_trip(args.device, obs_dim, action_dim, hidden)
        print(
            f"| {name} | {r['float32 round trip']:.2g} | {r['bf16 round trip']:.2g} | {r['float32 log-prob']:.2g} "
            f"| {r['bf16 log-prob']:.2g} |"
        )


if __name__ == "__main__":
    main()
