"""genpo-compare: same-runner comparison of GenPO and Gaussian PPO on an IsaacLab task."""
