"""Experiments: configs, runs stored as directories, comparison, sweeps, reproduction, tracking.

``config`` (schema) -> ``loading`` (files, overrides, validation) -> ``resolve`` (every default,
the hash) -> ``runner`` + ``steps`` (a run) -> ``store`` (the run directory, :class:`Run`);
``compare``, ``sweep``, ``reproduce`` and ``tracking`` work on stored runs; ``render`` writes the
documented defaults file.
"""
