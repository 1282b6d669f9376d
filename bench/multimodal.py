"""The picture of why a flow policy: bimodal demonstrations cloned into GenPO and into rsl_rl's Gaussian.

    python bench/multimodal.py            # -> docs/img/multimodal_cloning.png, shares printed

Demonstrations: from the same states, half of the 2-D actions go to (1, 1) and half to (−1, −1)
(``genpo_rsl.toy_env.bimodal_demonstrations``, the data of ``tests/warm_start/test_cloning.py``). Both policies are fitted by
maximum likelihood (GenPO: ``behavior_clone``'s exact-likelihood bound; Gaussian: its log-density), 300 epochs.
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from tensordict import TensorDict

from genpo_rsl import GenPOActor, behavior_clone
from genpo_rsl.toy_env import bimodal_demonstrations, clone_gaussian, mode_shares

OUT = os.path.join(os.path.dirname(__file__), "..", "docs", "img", "multimodal_cloning.png")


def main() -> None:
    """Clone, sample 2000 actions of each policy on fresh states, print the mode shares and draw the scatter."""
    torch.manual_seed(0)
    obs, actions = bimodal_demonstrations(1024, 3, seed=0)
    test_obs = TensorDict({"policy": torch.randn(2000, 3)}, batch_size=[2000])
    flow = GenPOActor(
        obs, {"actor": ["policy"]}, "actor", 2, [64, 64], "elu", time_embed_dim=16, time_hidden_dims=[32, 32]
    )
    behavior_clone(flow, obs, actions, epochs=300, batch_size=256, learning_rate=3e-3)
    gauss = clone_gaussian(obs, actions, epochs=300)
    with torch.no_grad():
        samples = {
            "demonstrations": actions,
            "GenPO (exact-likelihood cloning)": flow(test_obs, stochastic_output=True),
            "Gaussian MLPModel (max. likelihood)": gauss(test_obs, stochastic_output=True),
        }
    fig, axes = plt.subplots(1, 3, figsize=(12, 4), sharex=True, sharey=True)
    for ax, (name, a) in zip(axes, samples.items(), strict=True):
        up, down, middle = mode_shares(a)
        print(f"{name}: near (1,1) {up:.0%}, near (-1,-1) {down:.0%}, near the origin {middle:.1%}")
        ax.scatter(a[:, 0], a[:, 1], s=2, alpha=0.3)
        ax.set_title(f"{name}\n(1,1): {up:.0%}  (-1,-1): {down:.0%}  origin: {middle:.1%}", fontsize=9)
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_aspect("equal")
    fig.suptitle("Actions sampled for fresh states (same states give either mode in the data)")
    fig.tight_layout()
    fig.savefig(OUT, dpi=110)
    print(f"wrote {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
