"""Fanning work out over chunks: in this process, on a Dask LocalCluster, or on a Dask cluster.

Everything in the package that spreads work over processes or machines goes through one helper,
:func:`map_chunks`: corpus analysis (:func:`topics.corpus.stream.analyse_corpus`, one task per
chunk of articles) and sweeps (:func:`topics.experiments.sweep.run_sweep`, one task per grid
point). Batch classification can use it the same way: a module-level function that classifies one
chunk of texts, mapped over the chunks of a corpus::

    from topics.distributed import map_chunks

    for rows in map_chunks(classify_chunk, chunks, scheduler="local", n_workers=2, model=path):
        writer.write(rows)            # in input order: the output is the same wherever it ran

Where the work runs is the ``scheduler``:

* ``None`` (default): here, in this process, one chunk after the other; Dask is not imported.
* ``"local"``: a ``dask.distributed.LocalCluster`` of ``n_workers`` processes on this machine,
  started for the call and closed after it.
* ``"tcp://host:8786"`` (any address ``dask.distributed.Client`` takes): a running Dask scheduler
  (``dask scheduler`` on one machine, ``dask worker tcp://host:8786`` on each of the others). Every
  worker needs this version of ``topics`` (checked) and the same files at the same paths.
* an open ``dask.distributed.Client``: its cluster, left open (several maps on one cluster).

Rules for the mapped function: defined at module level (workers import it by name), its chunk,
keyword arguments and result picklable, and deterministic, so that a result does not depend on
where it was computed. Memory stays bounded for a stream of any length: at most ``max_in_flight``
chunks are submitted and not yet collected, and chunks are read from the iterable only as room
frees up.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from topics.errors import ConfigError

__all__ = ["LOCAL", "check_scheduler", "check_where", "connected", "dask_client", "map_chunks",
           "workers_read_paths"]

T = TypeVar("T")
R = TypeVar("R")

#: The scheduler value that starts a LocalCluster on this machine.
LOCAL = "local"
_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?[\w.\-\[\]:]+:\d+$", re.IGNORECASE)
_CONNECT_TIMEOUT_S = 10
_TRIM_KEY = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"


def check_where(scheduler: Any, n_workers: int | None) -> Any:
    """``scheduler`` checked (:func:`~topics.distributed.check_scheduler`), and ``n_workers``
    only with a LocalCluster, the one thing it sizes (it was ignored without a word)."""
    scheduler = check_scheduler(scheduler)
    if n_workers is not None and scheduler != "local":
        where = "without a scheduler the work runs here, in this process" if scheduler is None \
            else f"the workers of {scheduler} are that cluster's"
        raise ConfigError(f"n_workers={n_workers} (--n-workers) sets the processes of a Dask "
                          f"LocalCluster, and {where}: add --scheduler local "
                          "(scheduler='local'), or leave --n-workers out")
    return scheduler


def check_scheduler(scheduler: Any) -> Any:
    """Return ``scheduler`` if it is ``None``, ``"local"``, an address or a Client, else raise.

    Raises
    ------
    ConfigError
        The value is neither ``"local"`` nor an address such as ``tcp://10.0.0.5:8786``.
    """
    if scheduler is None or scheduler == LOCAL or _is_client(scheduler):
        return scheduler
    if not isinstance(scheduler, str) or not _ADDRESS.match(scheduler.strip()):
        raise ConfigError(
            f"scheduler={scheduler!r}: expected 'local' (a Dask LocalCluster on this machine) or a "
            "Dask scheduler address such as tcp://10.0.0.5:8786"
        )
    return scheduler.strip()


def workers_read_paths(scheduler: Any, workers_read: bool | None) -> bool:
    """Whether the Dask workers open the inputs' paths themselves: ``workers_read`` when given,
    by default only on a LocalCluster started here (its workers see this machine's files; a
    cluster's may not).

    Raises
    ------
    ConfigError
        ``workers_read`` is neither True, False nor None.
    """
    if workers_read is not None and not isinstance(workers_read, bool):
        raise ConfigError(f"workers_read={workers_read!r}: give True, False or None")
    return scheduler == LOCAL if workers_read is None else workers_read


def _is_client(value: Any) -> bool:
    return type(value).__name__ == "Client" and hasattr(value, "submit")


def _worker_version() -> str:
    """Runs on each worker: the version of ``topics`` installed there."""
    from topics._version import __version__

    return __version__


@contextmanager
def dask_client(
    scheduler: str = LOCAL, *, n_workers: int | None = None, threads_per_worker: int = 1
) -> Iterator[Any]:
    """A ``dask.distributed.Client`` for ``scheduler``, closed (with its LocalCluster) at exit.

    Parameters
    ----------
    scheduler : str
        ``"local"``: a LocalCluster of ``n_workers`` processes with ``threads_per_worker`` threads
        each (default: one process per core, one thread each: the analysis is pure Python); else
        the address of a running scheduler, whose workers must run this version of ``topics``.

    Raises
    ------
    ConfigError
        Dask is not installed, the address is malformed, the scheduler cannot be reached, or its
        workers run another version of ``topics``.
    """
    check_scheduler(scheduler)
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask[distributed] is a dependency
        raise ConfigError(
            "running on Dask needs dask[distributed]; `uv sync` installs it"
        ) from None
    from topics._version import __version__

    if scheduler == LOCAL:
        import dask

        _refuse_in_a_starting_worker()
        workers = n_workers or os.cpu_count() or 1
        # Dask's nanny starts every worker with MALLOC_TRIM_THRESHOLD_=65536 (memory back to the OS
        # at once). Setting it also pins glibc's mmap threshold at 128 KiB, so every large numpy
        # temporary is mapped, faulted in page by page and unmapped again: the classifier's fits
        # took 1.75x their CPU in a worker (10 fits of 10kGNAD folds). glibc's adaptive default
        # instead; a value the user exported is inherited by the workers all the same.
        with dask.config.set({_TRIM_KEY: None}):
            try:
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=threads_per_worker,
                    processes=True,
                    scheduler_port=0,
                    dashboard_address=":0",  # a free port: several clusters may run
                    silence_logs=logging.ERROR,
                )
            except RuntimeError as error:  # "Nanny failed to start": a worker process died
                raise ConfigError(
                    f"the Dask LocalCluster did not start ({error}); {_GUARD}") from None
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        _probe(scheduler)
        client = _handshake(Client, scheduler)
    except (OSError, TimeoutError) as error:
        raise ConfigError(
            f"scheduler {scheduler}: cannot connect ({error}); check the address and that "
            "`dask scheduler` runs there"
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=_CONNECT_TIMEOUT_S)
        except TimeoutError:
            raise ConfigError(
                f"scheduler {scheduler}: no worker joined within {_CONNECT_TIMEOUT_S} s; start "
                f"`dask worker {scheduler}` on the machines that should work"
            ) from None
        versions = client.run(_worker_version)
        other = {where: v for where, v in versions.items() if v != __version__}
        if other:
            raise ConfigError(
                f"scheduler {scheduler}: workers run another version of topics ({other}; here "
                f"{__version__}); install the same version on every worker"
            )
        yield client


def _handshake(client_type: Any, scheduler: str, attempts: int = 3) -> Any:
    """``Client(scheduler)``, tried again when distributed's handshake reads the scheduler's
    first reply batched with another message (its ``assert len(msg) == 1``: seen on a loaded
    machine, right after a map whose tasks failed)."""
    for _ in range(attempts - 1):
        with contextlib.suppress(AssertionError):
            return client_type(scheduler, timeout=f"{_CONNECT_TIMEOUT_S}s")
    try:
        return client_type(scheduler, timeout=f"{_CONNECT_TIMEOUT_S}s")
    except AssertionError:
        raise OSError(f"the scheduler's handshake failed {attempts} times") from None


def _probe(scheduler: str) -> None:
    """Open and close a plain TCP connection to a ``tcp://`` scheduler (OSError if none answers).

    distributed's Client retries a refused connection until its timeout, so a mistyped port took
    10 s before its message; the plain connection is refused at once.
    """
    from distributed.comm.addressing import parse_address, parse_host_port

    protocol, location = parse_address(scheduler, strict=False)
    if protocol == "tcp":
        socket.create_connection(parse_host_port(location), timeout=_CONNECT_TIMEOUT_S).close()


def map_chunks(
    func: Callable[..., R],
    chunks: Iterable[T],
    *,
    scheduler: Any = None,
    n_workers: int | None = None,
    threads_per_worker: int = 1,
    max_in_flight: int | None = None,
    ordered: bool = True,
    **kwargs: Any,
) -> Iterator[R]:
    """Yield ``func(chunk, **kwargs)`` for every chunk: here, or as Dask tasks, one per chunk.

    Parameters
    ----------
    func : callable
        A module-level function ``func(chunk, **kwargs) -> result``.
    chunks : iterable
        Read lazily, as room for more tasks frees up (a generator over a file of any size works).
    scheduler : None, "local", str or dask.distributed.Client
        ``None``: run here, in this process; ``"local"``: a LocalCluster of ``n_workers``
        processes; an address: a running Dask scheduler; a Client: its cluster (see the module
        docstring).
    n_workers, threads_per_worker : int
        The LocalCluster's size (default: one process per core, one thread each).
    max_in_flight : int, optional
        Chunks submitted and not yet yielded, at most; default two per worker thread. Memory
        holds about this many chunks and results.
    ordered : bool
        Yield results in the order of ``chunks`` (default); ``False``: as they finish.
    **kwargs
        Passed to every call of ``func``.

    Yields
    ------
    The results. An exception raised by ``func`` is raised here (the remaining tasks are
    cancelled).
    """
    check_scheduler(scheduler)
    if scheduler is None:
        for chunk in chunks:
            yield func(chunk, **kwargs)
        return
    with connected(scheduler, n_workers=n_workers, threads_per_worker=threads_per_worker) as client:
        yield from _map_on(client, func, chunks, max_in_flight, ordered, kwargs)


_GUARD = ("a script that starts one must keep its work under `if __name__ == \"__main__\":` "
          "(every worker process imports the script)")


def _refuse_in_a_starting_worker() -> None:
    """A worker process that imports the script which started its cluster would start another
    cluster (multiprocessing refuses with a page of traceback): it says why in one line and
    ends, and the script then gets the same hint from the cluster that did not start."""
    import multiprocessing

    if getattr(multiprocessing.current_process(), "_inheriting", False):
        print(f"topics: a Dask LocalCluster was asked for while a worker process imported the "
              f"script; {_GUARD}", file=sys.stderr)
        raise SystemExit(1)


@contextmanager
def connected(
    scheduler: Any, *, n_workers: int | None = None, threads_per_worker: int = 1
) -> Iterator[Any]:
    """Where several maps run: ``None`` (here) and an open Client as they are, ``"local"`` or an
    address as a Client opened for the block (:func:`dask_client`) and closed after it, so that
    a LocalCluster is started, or a scheduler's workers checked, once for all the maps."""
    check_scheduler(scheduler)
    if scheduler is None or _is_client(scheduler):
        yield scheduler
        return
    with dask_client(
        scheduler, n_workers=n_workers, threads_per_worker=threads_per_worker
    ) as client:
        yield client


def _map_on(
    client: Any,
    func: Callable[..., R],
    chunks: Iterable[T],
    max_in_flight: int | None,
    ordered: bool,
    kwargs: dict[str, Any],
) -> Iterator[R]:
    if max_in_flight is None:
        threads = sum(client.nthreads().values()) or 1
        max_in_flight = 2 * threads
    # Sent once to every worker, not once per task: the keyword arguments are the same for every
    # chunk and may be large (a corpus, a model). A list of one, so a dict goes as one object.
    kwargs = {
        key: client.scatter([value], broadcast=True, hash=False)[0]
        for key, value in kwargs.items()
    }
    pending: deque[Any] = deque()
    try:
        for chunk in chunks:
            # pure=False: equal chunks are still separate tasks (no result sharing by hash)
            pending.append(client.submit(_unseal, func, _Sealed(chunk), pure=False, **kwargs))
            if len(pending) >= max_in_flight:
                yield _collect(pending, ordered)
        while pending:
            yield _collect(pending, ordered)
    finally:
        for future in pending:
            future.cancel()


class _Sealed:
    """A chunk as one opaque argument: Dask walks lists, tuples and dicts given to a task,
    element by element, looking for futures, which for a chunk of articles cost the client a
    fifth of its time; a chunk holds none."""

    __slots__ = ("chunk",)

    def __init__(self, chunk: Any) -> None:
        self.chunk = chunk


def _unseal(func: Callable[..., R], sealed: _Sealed, **kwargs: Any) -> R:
    return func(sealed.chunk, **kwargs)


def _collect(pending: deque[Any], ordered: bool) -> Any:
    """The next result: the oldest task's (ordered) or the first to finish; it leaves memory."""
    if ordered:
        future = pending[0]
    else:
        from dask.distributed import wait

        done = wait(list(pending), return_when="FIRST_COMPLETED").done
        future = next(f for f in pending if f in done)
    result = future.result()
    pending.remove(future)
    return result
