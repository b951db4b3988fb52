"""The run directory: its format, writing it atomically, and reading it back as a :class:`Run`.

A run lives in ``<runs_dir>/<UTC timestamp>_<name>_<config hash8>/``::

    run.json               status "finished", name, config hash, topics version, start/end times
                           (a sweep's point: ``sweep``, the sweep's id and the point's index)
    config.yaml            the config as given (with any --set overrides noted on top)
    config.resolved.yaml   every default filled in, estimators' defaults included
    environment.json       topics version, Python, platform, all installed packages, git commit
                           and dirty flag, command line
    corpus.json            corpus name, path, fingerprints (articles and modelled units), summary
    metrics.json           flat ``{key: number}``, sorted keys: the numbers compared across runs.
                           No timings and no timestamps, so the same config gives the same bytes.
    timings.json           seconds per step, start and end times
    summary.txt            the end-of-run summary table
    documents/*.csv        per-document outputs (topic assignments, predictions, scores)
    tables/*.csv           topic tables, classifier tables
    figures/*.png          figures
    models/                fitted models (no pickles)
    run.log                the step log

It is written into ``<name>.partial`` and renamed when complete, so a half-finished run is never
taken for a finished one; a run that fails keeps its ``.partial`` directory with ``run.json``
status ``"failed"`` and the error. An existing directory is never overwritten.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from topics.errors import FileAccessError, RunError
from topics.experiments.headlines import headline_tables, select_metrics
from topics.experiments.yaml_io import dump_yaml
from topics.fileio import atomic_write, check_writable, describe_os_error, guarded

if TYPE_CHECKING:
    from topics.experiments.config import Config

__all__ = [
    "DEFAULT_RUNS_DIR",
    "METRICS_FILE",
    "PARTIAL_SUFFIX",
    "RUN_FILE",
    "Run",
    "RunDirectory",
    "RunError",
    "check_run_dir",
    "copy_run",
    "dump_metrics",
    "load_run",
    "read_json",
    "utc_now",
    "write_json",
]

DEFAULT_RUNS_DIR = "experiments/runs"

PARTIAL_SUFFIX = ".partial"
RUN_FILE = "run.json"
METRICS_FILE = "metrics.json"
#: Metrics are rounded to this many decimals so that float noise (BLAS threads, summation order)
#: does not break byte-identical metrics.json files.
METRIC_DECIMALS = 6


def utc_now() -> datetime:
    """The current UTC time (one place, so tests can patch it)."""
    return datetime.now(UTC)


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented, key-sorted UTF-8 JSON with a final newline (atomically)."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    atomic_write(path, text + "\n")


def read_json(path: Path) -> dict[str, Any]:
    """Read a JSON object of a run; a missing or broken file is a :class:`RunError`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"{path}: missing; the run directory is incomplete") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: 4300+ digits too
        raise RunError(f"{path}: cannot be read as JSON ({exc})") from None
    except RecursionError:
        raise RunError(f"{path}: cannot be read as JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise RunError(f"{path}: damaged, holds a JSON {type(data).__name__} instead of an object")
    return data


def _metric_value(key: str, value: Any) -> float | int | None:
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, METRIC_DECIMALS)
    raise TypeError(f"metric {key!r} = {value!r} is not a number")


def dump_metrics(metrics: Mapping[str, Any]) -> str:
    """Return the canonical ``metrics.json`` text: flat, sorted, rounded, NaN as null."""
    clean = {str(key): _metric_value(str(key), value) for key, value in metrics.items()}
    return json.dumps(clean, indent=2, sort_keys=True, allow_nan=False) + "\n"


def check_run_dir(path: str | Path) -> Path:
    """Return ``path`` if it is a finished run directory, else raise a clear :class:`RunError`."""
    path = Path(path)
    if not path.exists():
        raise RunError(f"{path}: no such run directory")
    if not path.is_dir():
        raise RunError(f"{path}: not a run directory (a file)")
    info_path = path / RUN_FILE
    if path.name.endswith(PARTIAL_SUFFIX):
        status = "unfinished"
        if info_path.exists():
            info = read_json(info_path)
            status = info.get("status", status)
            if status == "running":
                status = "still running, or killed before it could record a failure"
            if status == "failed":
                status = f"failed: {info.get('error', 'unknown error')}"
        raise RunError(
            f"{path}: not a finished run ({status}); a '{PARTIAL_SUFFIX}' directory is an interrupted "
            "or failed run: rerun its config.yaml"
        )
    if not info_path.exists():
        raise RunError(f"{path}: not a run directory (no {RUN_FILE})")
    info = read_json(info_path)
    if info.get("status") != "finished":
        raise RunError(f"{path}: run status is {info.get('status')!r}, not 'finished'")
    return path


class RunDirectory:
    """A run directory being written: created as ``<name>.partial``, renamed when finished.

    Parameters
    ----------
    runs_dir : str or Path
        Parent directory (created if needed).
    name : str
        Experiment name.
    config_hash : str
        8 hex digits of the resolved config.
    record : mapping, optional
        More fields for ``run.json`` from the start (a sweep's point records its sweep).

    Raises
    ------
    RunError
        If the runs directory cannot be created.
    """

    def __init__(
        self,
        runs_dir: str | Path,
        name: str,
        config_hash: str,
        record: Mapping[str, Any] | None = None,
    ) -> None:
        self.runs_dir = check_writable(runs_dir, "create a run directory in this folder")
        self.started = utc_now()
        stamp = self.started.strftime("%Y%m%dT%H%M%SZ")
        base = f"{stamp}_{name}_{config_hash}"
        # mkdir is atomic: two runs of one config in the same second get -2, -3, ... suffixes
        for attempt in range(1, 1000):
            dirname = base if attempt == 1 else f"{base}-{attempt}"
            final = self.runs_dir / dirname
            partial = self.runs_dir / (dirname + PARTIAL_SUFFIX)
            if final.exists():
                continue
            try:
                partial.mkdir()
            except FileExistsError:
                continue
            except OSError as error:
                raise describe_os_error(error, self.runs_dir, "create a run directory") from None
            break
        else:  # pragma: no cover - a thousand runs of one config in one second
            raise RunError(f"{self.runs_dir}: cannot find a free run directory name for {base}")
        self.final_path = final
        self.path = partial
        self.write_json(RUN_FILE, {**(record or {}), "status": "running", "name": name,
                                   "config_hash": config_hash})

    # -- writing -------------------------------------------------------------------------------

    def file(self, relative: str) -> Path:
        """Path of ``relative`` inside the run (parent directories created)."""
        target = self.path / relative
        guarded(lambda: target.parent.mkdir(parents=True, exist_ok=True), target.parent,
                "create the folder")
        return target

    def write_text(self, relative: str, text: str) -> Path:
        """Write a UTF-8 text file into the run."""
        return atomic_write(self.file(relative), text)

    def write_json(self, relative: str, data: Any) -> Path:
        """Write a JSON file into the run (sorted keys)."""
        target = self.file(relative)
        write_json(target, data)
        return target

    def write_yaml(self, relative: str, data: Any) -> Path:
        """Write a YAML file into the run (keys in the given order)."""
        text = dump_yaml(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
        return self.write_text(relative, text)

    def write_metrics(self, metrics: Mapping[str, Any]) -> Path:
        """Write ``metrics.json`` in its canonical form (see :func:`dump_metrics`)."""
        return self.write_text(METRICS_FILE, dump_metrics(metrics))

    # -- finishing -----------------------------------------------------------------------------

    def finish(self, info: Mapping[str, Any]) -> Path:
        """Mark the run finished and rename ``.partial`` to its final name; return the final path.

        Raises
        ------
        RunError
            If the final directory appeared meanwhile (it is never overwritten).
        """
        self.write_json(RUN_FILE, {**info, "status": "finished"})
        if self.final_path.exists():
            raise RunError(f"{self.final_path}: exists; a run is never overwritten")
        guarded(lambda: os.rename(self.path, self.final_path), self.final_path, "finish the run")
        self.path = self.final_path
        return self.final_path

    def fail(self, info: Mapping[str, Any], error: BaseException) -> None:
        """Record ``error`` in ``run.json`` (status ``failed``); the ``.partial`` directory stays."""
        detail = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        said = f": {error}" if str(error) else (
            " (Ctrl-C)" if isinstance(error, KeyboardInterrupt) else " (no message)")
        data = {
            **info,
            "status": "failed",
            "error": f"{type(error).__name__}{said}",
            "failed_at": utc_now().isoformat(timespec="seconds"),
        }
        try:
            self.write_json(RUN_FILE, data)
            self.write_text("error.txt", detail)
        except (OSError, FileAccessError):  # the disk may be why it failed: .partial still tells
            pass


def copy_run(
    source: str | Path, dest: str | Path, *, include_models: bool = False, replace: bool = False
) -> Path:
    """Copy a finished run, e.g. into ``experiments/results/<config>/`` as a reference result.

    The copy is itself a loadable run (``topics.load_run``, ``topics compare``). Fitted models and
    ``report.html`` are left out unless ``include_models`` (they are large; rerunning the config
    rebuilds the models, ``topics report`` the report).

    Parameters
    ----------
    source : str or Path
        A finished run directory.
    dest : str or Path
        The new directory.
    include_models : bool
        Copy ``models/`` and ``report.html`` too.
    replace : bool
        Replace an existing ``dest`` (refreshing a reference result); otherwise it is an error.

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    RunError
        If ``source`` is not a finished run, or ``dest`` exists and ``replace`` is false or it
        is not a run directory (it is never replaced then).
    """
    source, dest = check_run_dir(source), Path(dest)
    if dest.exists() and not replace:
        raise RunError(f"{dest}: exists; pass replace=True to refresh it")
    if dest.exists() and not (dest / RUN_FILE).is_file():
        # only ever replace a run: the folder may hold someone's tables
        raise RunError(f"{dest}: exists and is not a run directory; not replacing it")
    staging = dest.with_name(dest.name + PARTIAL_SUFFIX)
    shutil.rmtree(staging, ignore_errors=True)
    ignore = None if include_models else shutil.ignore_patterns("models", "report.html")
    try:
        shutil.copytree(source, staging, ignore=ignore)
        if dest.exists():
            shutil.rmtree(dest)
        os.rename(staging, dest)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise describe_os_error(error, dest, "copy the run") from None
    return dest


# ------------------------------------------------------------------------------------------------
# reading a run back


@dataclass
class Run:
    """A finished run directory, read back.

    Attributes
    ----------
    path : Path
        The run directory.
    info : dict
        ``run.json``: name, config hash, status, start and end times.
    resolved : dict
        ``config.resolved.yaml``.
    metrics : dict of str to float
        ``metrics.json``.
    """

    path: Path
    info: dict[str, Any]
    resolved: dict[str, Any]
    metrics: dict[str, float | None]
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        """The run directory's name (``<timestamp>_<name>_<hash>``)."""
        return self.path.name

    @property
    def config_hash(self) -> str:
        """8 hex digits of the resolved config."""
        return str(self.info.get("config_hash", ""))

    @property
    def config(self) -> Config:
        """The resolved config, validated (raises ConfigError if the estimators changed since)."""
        if "config" not in self._cache:
            from topics.experiments.loading import load_config  # pydantic only when asked for

            self._cache["config"] = load_config(self.path / "config.resolved.yaml")
        return self._cache["config"]

    @property
    def environment(self) -> dict[str, Any]:
        """``environment.json``."""
        return read_json(self.path / "environment.json")

    @property
    def timings(self) -> dict[str, Any]:
        """``timings.json``: seconds per step, start and end."""
        return read_json(self.path / "timings.json")

    @property
    def corpus_info(self) -> dict[str, Any]:
        """``corpus.json``: corpus name, path, fingerprints and summary."""
        return read_json(self.path / "corpus.json")

    def table(self, relative: str) -> Any:
        """Read a CSV output (e.g. ``"tables/topics_nmf.csv"``) as a pandas DataFrame."""
        import pandas as pd

        target = self.path / relative
        if not target.is_file():
            available = sorted(str(p.relative_to(self.path)) for p in self.path.rglob("*.csv"))
            raise RunError(
                f"{target}: no such output; available: {', '.join(available) or '(none)'}"
            )
        return pd.read_csv(target, keep_default_na=False)

    def headline(self, patterns: Sequence[str] | None = None) -> dict[str, float | None]:
        """The headline metrics (the config's ``evaluation.metrics`` patterns by default)."""
        if patterns is None:
            patterns = self.resolved.get("evaluation", {}).get("metrics") or ["*"]
        return select_metrics(self.metrics, patterns)

    def headline_markdown(self, patterns: Sequence[str] | None = None) -> str:
        """The headline metrics as Markdown tables (one per group: topics, classifier)."""
        return headline_tables(
            self.headline(patterns), markdown=True, everything=self.metrics, order=self._order()
        )

    def _order(self) -> list[str]:
        """Topic models in config order (the tables follow it, not the alphabet)."""
        return list(self.resolved.get("topic_models") or {})

    def summary(self, patterns: Sequence[str] | None = None) -> str:
        """A short text table: where the run is, how long it took, its headline numbers."""
        seconds = self.info.get("seconds")
        took = f" in {seconds:.0f} s" if isinstance(seconds, (int, float)) else ""
        lines = [f"run {self.info.get('status', '?')}{took}: {self.path}"]
        corpus = self.info.get("corpus")
        if corpus:
            lines.append(f"corpus {corpus}")
        lines.append(
            headline_tables(self.headline(patterns), everything=self.metrics, order=self._order())
        )
        return "\n".join(line for line in lines if line)


def load_run(path: str | Path) -> Run:
    """Read a finished run directory (or a committed reference result in ``experiments/results``).

    Parameters
    ----------
    path : str or Path
        The run directory.

    Returns
    -------
    Run

    Raises
    ------
    RunError
        If the directory is missing, unfinished (``.partial``) or failed, or a file is missing.
    """
    path = check_run_dir(path)
    info = read_json(path / RUN_FILE)
    resolved = _read_resolved(path / "config.resolved.yaml")
    metrics = read_json(path / METRICS_FILE)
    for key, value in metrics.items():  # as dump_metrics writes them: else shown as if valid
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise RunError(f"{path / METRICS_FILE}: damaged, metric {key!r} is {value!r}, not a "
                           "number or null; this run cannot be compared or reported")
    return Run(path=path, info=info, resolved=resolved, metrics=metrics)


def _read_resolved(file: Path) -> dict[str, Any]:
    """The resolved config of a run; a RunError naming the file if it is missing or damaged."""
    try:
        resolved = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"{file.parent}: config.resolved.yaml missing; not a complete run") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as exc:
        why = ("nested too deeply" if isinstance(exc, RecursionError) else
               getattr(exc, "problem", None) or getattr(exc, "strerror", None) or exc)
        raise RunError(f"{file}: damaged, not a readable YAML config ({why}); this run cannot be "
                       "compared or reproduced") from None
    if resolved is None:
        return {}
    if not isinstance(resolved, dict):
        raise RunError(f"{file}: damaged, holds a {type(resolved).__name__} instead of a config "
                       "mapping; this run cannot be compared or reproduced")
    # the sections compare, report and reproduce read as mappings (a list: a TypeError there)
    sections = {key: resolved[key] for key in _SECTIONS if key in resolved}
    sections |= {f"topic_models.{name}": settings
                 for name, settings in (_mapping(resolved.get("topic_models")) or {}).items()}
    patterns = (_mapping(resolved.get("evaluation")) or {}).get("metrics")
    for key, value in sections.items():
        if not (value is None and key != "evaluation") and not isinstance(value, dict):
            kind = _KINDS.get(type(value).__name__, type(value).__name__)
            raise RunError(f"{file}: damaged, {key} holds {kind} instead of a mapping; this run "
                           "cannot be compared or reproduced")
    if patterns is not None and not (isinstance(patterns, list)
                                     and all(isinstance(p, str) for p in patterns)):
        raise RunError(f"{file}: damaged, evaluation.metrics is {patterns!r}, not a list of "
                       "metric patterns; this run cannot be compared or reproduced")
    return resolved


_SECTIONS = ("corpus", "topic_models", "classifier", "outputs", "evaluation")
_KINDS = {"list": "a list", "int": "a number", "float": "a number", "str": "a string",
          "bool": "true/false", "NoneType": "null"}


def _mapping(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None
