"""Reproducing a run: rerun its resolved config and compare the metrics, value for value.

The rerun reads the corpus as the run did (its resolved config; a relative ``corpus.path`` from
the working directory). When the corpus it reads has another fingerprint than the run's
``corpus.json`` records, the report says so first: the metrics are then not comparable. When
numbers differ on the same corpus, the report lists the recorded environment fields that differ
between the two runs (processor, instruction sets, BLAS kernel, tomotopy's instruction set,
package versions, thread settings), which is where a difference on another machine comes from.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from topics.errors import ConfigError, FileAccessError, TopicsError
from topics.evaluation.tables import format_value
from topics.experiments.loading import load_config
from topics.experiments.runner import run_experiment
from topics.experiments.steps import load_configured_corpus
from topics.experiments.store import DEFAULT_RUNS_DIR, METRICS_FILE, Run, RunError, load_run

__all__ = ["Reproduction", "environment_differences", "reproduce_run"]

# where a run ran, not what it computed: never a reason for different numbers
_NOT_NUMERIC = ("command", "cwd", "git.root", "git.dirty")


@dataclass
class Reproduction:
    """The outcome of :func:`reproduce_run`.

    Attributes
    ----------
    original, rerun : Run
    differences : dict of str to (old, new)
        Every metric that differs by more than ``tolerance`` or exists in only one run (``None``
        there).
    tolerance : float
        0 for the exact comparison (the default), else the largest absolute difference accepted.
    environment : dict of str to (old, new)
        The recorded environment fields that differ between the two runs.
    earlier : dict of str to value
        Settings the stored config predates (added to an estimator since), rerun with the value
        that does what the estimator did before them (``topic_models.bertopic.kmeans_metric``:
        ``euclidean``).
    corpus : tuple of (dict or None, dict)
        The ``corpus.json`` of the original run (``None`` when it has none) and of the rerun.
    """

    original: Run
    rerun: Run
    differences: dict[str, tuple[Any, Any]]
    tolerance: float = 0.0
    environment: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    earlier: dict[str, Any] = field(default_factory=dict)
    corpus: tuple[dict[str, Any] | None, dict[str, Any]] = (None, {})

    @property
    def same_corpus(self) -> bool | None:
        """Whether the rerun read a corpus with the run's fingerprint (``None``: the run recorded
        no ``corpus.json``, so nobody can say)."""
        old, new = self.corpus
        if old is None or "fingerprint" not in old:
            return None
        return old["fingerprint"] == new.get("fingerprint")

    @property
    def reproduced(self) -> bool:
        """The metrics are identical (or within the tolerance) on a corpus with the same
        fingerprint: what ``topics reproduce`` exits 0 on."""
        return self.identical and self.same_corpus is not False

    @property
    def identical(self) -> bool:
        """Exact: every metric has the same value in both runs (the file's formatting aside);
        with a tolerance: no metric differs by more than it."""
        return not self.differences

    @property
    def reformatted(self) -> bool:
        """The metrics are equal but the stored ``metrics.json`` is not the canonical text (it
        was re-indented or edited by hand): worth saying, not a difference."""
        return self.identical and (self.original.path / METRICS_FILE).read_bytes() != (
            self.rerun.path / METRICS_FILE).read_bytes()

    def report(self) -> str:
        """A short text: identical, or the metrics and environment fields that differ."""
        head = f"original {self.original.path}\nrerun    {self.rerun.path}"
        if self.earlier:
            head += "\nsettings added since the run, rerun as before them: " + ", ".join(
                f"{key}={value}" for key, value in self.earlier.items())
        corpus = self._corpus_note()  # the first cause to name: other data, other numbers
        if self.identical:
            how = "identical" if not self.tolerance else f"equal within {self.tolerance:g}"
            lines = [head, *corpus, f"metrics.json {how} ({len(self.original.metrics)} metrics)"]
            if self.reformatted:
                lines.append("the stored metrics.json is formatted differently (same values)")
            return "\n".join(lines)
        within = f" by more than {self.tolerance:g}" if self.tolerance else ""
        lines = [head, *corpus, f"{len(self.differences)} metric(s) differ{within}:"]
        lines += [
            f"  {k}: {format_value(a)} -> {format_value(b)}"
            for k, (a, b) in self.differences.items()
        ]
        likely = "a likely cause" if self.same_corpus is not False else "another possible cause"
        if self.environment:
            lines.append(f"environment fields that differ ({likely}):")
            lines += [f"  {k}: {a!r} -> {b!r}" for k, (a, b) in self.environment.items()]
        elif self.same_corpus is False:
            lines.append("the recorded environment is the same")
        else:
            lines.append("the recorded environment is the same: the code or the data changed")
        return "\n".join(lines)

    def _corpus_note(self) -> list[str]:
        """What the report says about the corpus: nothing when the fingerprints agree."""
        old, new = self.corpus
        if self.same_corpus is None:
            return ["the run recorded no corpus.json: whether the rerun read the same corpus is "
                    "not known"]
        if self.same_corpus or old is None:
            return []
        where = new.get("path") or "the shipped corpus"
        read = f" (from {old['path']})" if old.get("path") and old.get("path") != where else ""
        now, was = str(new.get("fingerprint"))[:12], str(old["fingerprint"])[:12]
        return [f"the corpus differs: {where} now has fingerprint {now}, the run read {was}"
                f"{read}; metrics are not comparable"]


def reproduce_run(
    path: str | Path, *, runs_dir: str | Path = DEFAULT_RUNS_DIR, tolerance: float = 0.0
) -> Reproduction:
    """Rerun a stored run from its ``config.resolved.yaml`` and diff the metrics.

    Parameters
    ----------
    path : str or Path
        A finished run directory.
    runs_dir : str or Path
        Where the rerun goes (never into a reference-results folder by default).
    tolerance : float
        0 (default): exact, every value of ``metrics.json`` equal (its formatting aside). Else
        the largest absolute difference of a metric that still counts as reproduced.

    Returns
    -------
    Reproduction

    Raises
    ------
    ConfigError
        A negative or non-finite tolerance.
    FileAccessError
        The run's ``corpus.path`` is not found from the working directory: the message names the
        path tried and where the run found it (``corpus.json``).
    """
    if not math.isfinite(tolerance) or tolerance < 0:
        raise ConfigError(f"tolerance={tolerance!r}: must be a finite number >= 0")
    original = load_run(path)
    recorded = _corpus_record(original)
    _check_corpus_path(original, recorded)  # before a rerun directory exists
    config = original.path / "config.resolved.yaml"
    earlier = settings_predated(config)
    overrides = [f"{key}={json.dumps(value)}" for key, value in earlier.items()]  # JSON is YAML
    try:
        rerun = run_experiment(config, runs_dir=runs_dir, overrides=overrides)
    except TopicsError as exc:  # a corpus changed since the run is the likely cause: said first
        if (change := _corpus_change(config, overrides, recorded)) is None:
            raise
        raise _led_by(exc, f"{change}; the rerun failed: {exc}") from exc
    differences = {
        k: (original.metrics.get(k), rerun.metrics.get(k))
        for k in sorted(set(original.metrics) | set(rerun.metrics))
        if not _same(original.metrics.get(k), rerun.metrics.get(k), tolerance)
        or (k in original.metrics) != (k in rerun.metrics)
    }
    environment = environment_differences(_environment(original), _environment(rerun))
    return Reproduction(original, rerun, differences, tolerance, environment, earlier,
                        (recorded, _corpus_record(rerun) or {}))


def _corpus_change(config: Path, overrides: list[str],
                   recorded: Mapping[str, Any] | None) -> str | None:
    """How the corpus the rerun reads differs from the run's (its fingerprint), or None: a rerun
    that fails on a changed corpus ("does not fit corpus") did not say the data had changed."""
    was = (recorded or {}).get("fingerprint")
    try:
        with warnings.catch_warnings():  # the rerun warned about its records already
            warnings.simplefilter("ignore")
            now = load_configured_corpus(load_config(config, overrides)).fingerprint if was else was
    except TopicsError:  # the rerun's own error says what is wrong with reading it
        return None
    if now == was:
        return None
    where = (recorded or {}).get("path") or "the shipped corpus"
    return (f"the corpus differs: {where} now has fingerprint {str(now)[:12]}, the run read "
            f"{was[:12]} (restore the corpus the run read to reproduce it)")


def _led_by(exc: TopicsError, text: str) -> TopicsError:
    """``exc``'s kind of error with the message ``text``."""
    try:
        return type(exc)(text)
    except TypeError:  # an error type with other arguments: the message is what matters
        return ConfigError(text)


def _corpus_record(run: Run) -> dict[str, Any] | None:
    """A run's ``corpus.json`` (None for a run copied without it)."""
    try:
        return run.corpus_info
    except RunError:
        return None


def _check_corpus_path(original: Run, recorded: Mapping[str, Any] | None) -> None:
    """Refuse to rerun when the run's ``corpus.path`` is not found from here, saying where it
    was looked for and where the run found it."""
    corpus = original.resolved.get("corpus")
    given = corpus.get("path") if isinstance(corpus, Mapping) else None
    if not isinstance(given, str) or "$" in given:
        return  # the shipped corpus; or the rerun's config check names the variable
    tried = Path(given).expanduser()
    if tried.exists():
        return
    against = ("" if tried.is_absolute()
               else f", resolved against the working directory {Path.cwd()}")
    message = (f"{original.path}: the run's corpus.path {given!r} is not found: tried "
               f"{tried.absolute()}{against}")
    if recorded and recorded.get("path"):
        made_in = _environment(original).get("cwd")
        message += f"; the run recorded it as {recorded['path']} (corpus.json)"
        if made_in and not tried.is_absolute():
            message += f": run topics reproduce from {made_in}, where the run was made"
    raise FileAccessError(message)


def settings_predated(config: Path) -> dict[str, Any]:
    """``{key path: value}`` for every setting a resolved config lacks because it was added to
    its estimator (:attr:`topics.schema.EstimatorSpec.earlier`) or to the corpus section
    (``CorpusConfig.earlier``) later: the value that does what was done when the run was made.
    Empty for a config written by today's code."""
    from topics.experiments.config import CorpusConfig
    from topics.experiments.loading import read_yaml
    from topics.registry import CLASSIFIER, get

    stored = read_yaml(config)[0]
    found = _missing("corpus", CorpusConfig.earlier, stored.get("corpus"))
    classifier = stored.get("classifier")
    if isinstance(classifier, Mapping) and classifier.get("enabled", True):
        found.update(_missing("classifier", get(CLASSIFIER).earlier, classifier))
    models = stored.get("topic_models")
    for name, entry in (models if isinstance(models, Mapping) else {}).items():
        if not isinstance(entry, Mapping):
            continue
        try:
            spec = get(str(entry.get("model", name)), "topic_model")
        except ConfigError:
            continue  # the rerun names the unknown model in its config error
        found.update(_missing(f"topic_models.{name}", spec.earlier, entry))
    return found


def _missing(prefix: str, earlier: Mapping[str, Any], section: Any) -> dict[str, Any]:
    """``{prefix.key: value}`` for each key of ``earlier`` that a stored config section lacks
    (nothing when the section is not a mapping)."""
    if not isinstance(section, Mapping):
        return {}
    return {f"{prefix}.{key}": value for key, value in earlier.items() if key not in section}


def _same(a: Any, b: Any, tolerance: float) -> bool:
    if a == b:
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) <= tolerance
    return False


def _environment(run: Run) -> dict[str, Any]:
    try:
        return run.environment
    except RunError:  # a run copied without environment.json: nothing to compare
        return {}


def environment_differences(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """The fields of two ``environment.json`` records that differ, flattened (``cpu.model``,
    ``packages.numpy``, ``numerics.tomotopy_isa``…), leaving out where and how it was started."""
    a, b = _flatten(old), _flatten(new)
    return {
        key: (a.get(key), b.get(key))
        for key in sorted(set(a) | set(b))
        if a.get(key) != b.get(key) and not key.startswith(_NOT_NUMERIC)
    }


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, Mapping):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    if isinstance(data, list) and data and all(isinstance(x, Mapping) for x in data):
        out = {}
        for i, item in enumerate(data):
            out.update(_flatten(item, f"{prefix}{i}."))
        return out
    return {prefix[:-1]: data}
