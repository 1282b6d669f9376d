"""Plumbing shared by both adapters: checkpoint metadata, config-key checks, flow settings, matmul precision and the
installed rsl-rl-lib version."""
