"""Benchmarks and evidence scripts, run from the repository root as ``python bench/<name>.py ...``.

A package, so that tests and scripts import its modules as ``bench.<name>`` (``bench.variants``, ``bench.gpu.report``,
...): pytest finds it from the repository root (``conftest.py`` there), and a script that imports another bench
module, run as a file, first puts the repository root on ``sys.path`` (``if not __package__: ...``); ``python -m
bench.<name>`` works too. ``bench/gpu/`` holds ``bench/bench_gpu.py``'s measurements.
"""
