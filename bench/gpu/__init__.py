"""``bench/bench_gpu.py``'s measurements (``make bench-gpu``), one module per measurement with its report tables.

- :mod:`bench.gpu.common`: the paper's task sizes, the defaults per device kind, the clock and its time guard, the
  row guard and the table cells.
- :mod:`bench.gpu.actor_cost`: section 1, the actor cost (eager), and 1b, compiled.
- :mod:`bench.gpu.iteration`: section 2, one rsl_rl iteration (eager), 2b (compiled) and 3, the export latency.
- :mod:`bench.gpu.graphs`: 2c, GenPO with CUDA graphs, and 2d, TF32 matmuls on.
- :mod:`bench.gpu.fpo`: 2e, FPO++.
- :mod:`bench.gpu.benchmark`: every section in order (the time guard for the compiled rows) and the run's header data.
- :mod:`bench.gpu.report`: the markdown report.
"""
