"""Optional MLflow tracking: a finished run is also logged to an MLflow store.

With ``tracking: mlflow`` in the config, :func:`topics.run_experiment` logs the run after it is
finished: params (the flattened resolved config), metrics (``metrics.json``) and the run directory
as artifacts. The store is a local SQLite file ``<runs_dir>/mlflow.db`` (artifacts in
``<runs_dir>/mlartifacts``) unless the config gives ``tracking_uri``.

MLflow is an extra (``uv sync --extra mlflow`` or ``pip install 'topics[mlflow]'``) and is imported
only here, only when tracking is asked for.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.errors import TrackingError

if TYPE_CHECKING:
    from topics.experiments.store import Run

__all__ = ["TrackingError", "check_tracking_uri", "require_mlflow", "default_tracking_uri",
           "log_run"]

log = logging.getLogger("topics.tracking")

INSTALL_HINT = "install it with `uv sync --extra mlflow` or `pip install 'topics[mlflow]'`"
# MLflow caps a param value at 6000 characters
_MAX_PARAM = 6000


def require_mlflow() -> Any:
    """Import and return :mod:`mlflow`, or raise :class:`TrackingError` with the install command."""
    try:
        import mlflow
    except ImportError:
        raise TrackingError(
            f"tracking: mlflow needs the MLflow extra, which is not installed; {INSTALL_HINT}"
        ) from None
    return mlflow


#: stores that MLflow opens by connecting (a database made or reached): not opened to check
_CONNECTED = ("sqlite", "postgresql", "mysql", "mssql")


def check_tracking_uri(uri: str | None, where: str = "") -> None:
    """Refuse before a run the ``tracking_uri`` that MLflow would refuse after it (a folder,
    MLflow's retired filesystem store; an unknown scheme), in one line: ``where`` names the
    config (``"config c.yaml: "``). A database is not opened (that would make it): a SQLite
    file's folder must exist. A server is reached only when the run is logged.

    Raises
    ------
    TrackingError
        Naming the key and what to give instead.
    """
    if uri is None:  # the default, sqlite:///<runs_dir>/mlflow.db, beside the runs
        return
    scheme = uri.split("://", 1)[0].split("+", 1)[0].lower() if "://" in uri else ""
    instead = ("give a database such as sqlite:///PATH/mlflow.db or an http(s):// tracking "
               "server, or leave tracking_uri out (sqlite:///<runs_dir>/mlflow.db)")
    if scheme == "sqlite":
        database = uri.split("://", 1)[1].removeprefix("/")
        if database and database != ":memory:" and not Path(database).parent.is_dir():
            raise TrackingError(f"{where}tracking_uri = {uri!r}: the folder "
                                f"{Path(database).parent} of the database does not exist; "
                                "create it or give another path")
        return
    if scheme in _CONNECTED:
        return
    require_mlflow()
    from mlflow.tracking import MlflowClient

    try:
        MlflowClient(tracking_uri=uri)  # a folder or an unknown scheme fails here
    except Exception as exc:  # MLflow's types vary; its first sentence says what
        reason = str(exc).strip().split(". ", 1)[0].rstrip(".")
        raise TrackingError(f"{where}tracking_uri = {uri!r}: MLflow cannot log there "
                            f"({reason}); {instead}") from None


def default_tracking_uri(runs_dir: str | Path) -> str:
    """``sqlite:///<absolute runs_dir>/mlflow.db``."""
    return f"sqlite:///{Path(runs_dir).resolve() / 'mlflow.db'}"


def _flatten(data: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(data, dict):
        out: dict[str, str] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: str(data)[:_MAX_PARAM]}


def log_run(
    run: Run,
    *,
    tracking_uri: str | None = None,
    runs_dir: str | Path | None = None,
    experiment_name: str | None = None,
) -> str:
    """Log a finished run to MLflow: params, metrics, and the run directory as artifacts.

    Parameters
    ----------
    run : Run
        A finished run (:func:`topics.load_run`).
    tracking_uri : str, optional
        Default: :func:`default_tracking_uri` of ``runs_dir``.
    runs_dir : str or Path, optional
        Default: the run's parent directory.
    experiment_name : str, optional
        MLflow experiment; default the config's ``name``.

    Returns
    -------
    str
        The MLflow run id.

    Raises
    ------
    TrackingError
        If MLflow is not installed or the store cannot be used.
    """
    require_mlflow()
    from mlflow.tracking import MlflowClient

    runs_dir = Path(runs_dir) if runs_dir is not None else run.path.parent
    uri = tracking_uri or default_tracking_uri(runs_dir)
    name = experiment_name or str(run.info.get("name") or "topics")
    try:
        client = MlflowClient(tracking_uri=uri)
        experiment = client.get_experiment_by_name(name)
        if experiment is None:
            # without an explicit location, a SQLite store puts artifacts in ./mlruns of the cwd
            location = (Path(runs_dir).resolve() / "mlartifacts").as_uri()
            experiment_id = client.create_experiment(name, artifact_location=location)
        else:
            experiment_id = experiment.experiment_id
        tags = {"topics.run_dir": str(run.path), "topics.config_hash": run.config_hash}
        mlrun = client.create_run(experiment_id, run_name=run.name, tags=tags)
        run_id = mlrun.info.run_id
        _log_batches(client, run_id, run)
        client.log_artifacts(run_id, str(run.path))
        client.set_terminated(run_id)
    except TrackingError:
        raise
    except Exception as exc:  # MLflow raises many types; the user needs one clear line
        raise TrackingError(
            f"the run is saved in {run.path}, but logging it to MLflow at {uri} failed: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    log.info("logged to MLflow %s (experiment %r, run %s)", uri, name, run_id)
    return run_id


def _log_batches(client: Any, run_id: str, run: Run) -> None:
    from mlflow.entities import Metric, Param

    params = [Param(k, v) for k, v in sorted(_flatten(run.resolved).items())]
    metrics = [Metric(k, float(v), 0, 0) for k, v in sorted(run.metrics.items()) if v is not None]
    # MLflow accepts at most 100 params and 1000 metrics per batch
    for start in range(0, len(params), 100):
        client.log_batch(run_id, params=params[start : start + 100])
    for start in range(0, len(metrics), 1000):
        client.log_batch(run_id, metrics=metrics[start : start + 1000])
