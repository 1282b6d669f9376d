"""The repository root's conftest: pytest puts this folder on ``sys.path`` however it is started (``pytest``,
``python -m pytest``, from any folder), so tests import the benchmarks as ``bench.<module>``."""
