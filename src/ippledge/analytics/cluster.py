"""Work beyond one process (分布式计算): run the analytics kernels' chunks on a Dask cluster.

``analytics`` imports only NumPy and the kernel; this module is the bridge. The fitted estimator is sent to every
worker once (``scatter``), each chunk of columns becomes one task, and the results come back in order, so a batch on
a cluster gives exactly the numbers it gives in one process for the same seed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from ippledge.analytics.engine import Chunk, ChunkMapper, ValuationEngine
from ippledge.analytics.features import Columns


def _value_chunk(engine: ValuationEngine, cols: Columns, seed: int) -> Chunk | Exception:
    try:
        return engine.value_chunk(cols, seed)
    except (ValueError, FloatingPointError, KeyError) as exc:  # reported per chunk; the batch goes on
        return exc


def dask_mapper(client: Any, in_flight: int = 8) -> ChunkMapper:
    """A ``ChunkMapper`` over a ``distributed.Client``; at most ``in_flight`` chunks are queued at once."""

    def mapper(engine: ValuationEngine, seed: int, chunks: Iterable[Columns]) -> Iterator[Chunk | Exception]:
        remote_engine = client.scatter(engine, broadcast=True)
        pending: list[Any] = []
        for cols in chunks:
            pending.append(client.submit(_value_chunk, remote_engine, cols, seed, pure=False))
            if len(pending) >= in_flight:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()

    return mapper


def local_client(workers: int = 2, threads_per_worker: int = 1, processes: bool = True) -> Any:
    """A ``LocalCluster`` client (tests, and one big machine without a scheduler of its own)."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers, threads_per_worker=threads_per_worker, processes=processes, dashboard_address=":0"
    )
    return Client(cluster)  # type: ignore[no-untyped-call]


def connect(address: str) -> Any:
    """A client for an existing Dask scheduler, e.g. ``tcp://10.0.0.5:8786`` on the bank's own network."""
    from distributed import Client

    return Client(address)  # type: ignore[no-untyped-call]


def dask_tasks(client: Any, in_flight: int = 16) -> Callable[..., Iterator[Any]]:
    """A task mapper (``analytics.risk_sim.TaskMapper``): ``shared`` arguments scattered once, one task per chunk."""

    def mapper(fn: Callable[..., Any], shared: Sequence[Any], tasks: Sequence[tuple[Any, ...]]) -> Iterator[Any]:
        remote = [client.scatter(x, broadcast=True) for x in shared]
        pending: list[Any] = []
        for task in tasks:
            pending.append(client.submit(fn, *task, *remote, pure=False))
            if len(pending) >= in_flight:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()

    return mapper
