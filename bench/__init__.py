"""Benchmarks of the course: how fast it grades, scales, runs and trains (`nox -s bench`).

Each benchmark module measures one thing against its baseline in the same run and saves its
figures to ``bench/results/<name>.json``; ``bench/RESULTS.md`` is rendered from those files.
"""
