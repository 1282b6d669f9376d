"""Warm start of a flow policy from demonstrations: exact-likelihood cloning (:mod:`.cloning`), the Gaussian clone
baseline (:mod:`.gaussian_cloning`), the demonstration format (:mod:`.demonstrations`), and the offline critic / AWR
weights (:mod:`.offline`). See docs/warm_start.md."""
