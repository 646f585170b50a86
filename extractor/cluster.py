"""``extract baseline --dask``: the per-file work of ``baseline.py`` on a Dask cluster.

One task per file. A task reads its file into a shard database of its own (in the shard
directory, which every worker and this client must see: a shared file system), exactly as a
local run reads it, resuming where an earlier task on that shard stopped. The client merges
the shards into the target database in file-name order (``store.merge_shard``: ATTACH and
insert), so revisions and deletions apply as in a local run, then removes the shard. A file
merged is done (``files``); a run stopped at any point does the rest when run again.

The workers need this package installed, as the client has it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor import baseline, pipeline, store
from extractor.errors import ExtractorError
from extractor.work import Workers

LOCAL = "local"


class ClusterError(ExtractorError):
    """The Dask cluster could not be reached, or a task failed there."""


@dataclass(frozen=True)
class ShardOutcome:
    """What a task did with its file: its report, and its failures as lines (exceptions may
    not cross to the client)."""

    report: baseline.FileReport
    failures: tuple[str, ...]


def file_to_shard(path: str, shard: str, force: bool = False) -> ShardOutcome:
    """Read the bulk file ``path`` into the shard database ``shard``: the task a worker runs."""
    db = store.open_db(shard)
    result = pipeline.RunResult()
    report = baseline.FileReport(Path(path).name)
    try:
        with pipeline.stop_when_locked(result), Workers(1) as pool:
            baseline.run_file(db, Path(path), result, report, pool, force=force)
    finally:
        db.close()
    if report.skipped:   # read to its end by an earlier task, whose run stopped before merging it
        report = baseline.FileReport(report.name, complete=True)
    return ShardOutcome(report, tuple(failure.line() for failure in result.failures))


def run_baseline_dask(db: store.Database, paths: list[Path], address: str, shard_dir: Path,
                      workers: int = 1, force: bool = False,
                      connect_timeout: float = 30.0) -> baseline.BaselineResult:
    """``baseline.run_baseline`` with one Dask task per file (see the module docstring).

    ``address``: a scheduler (``tcp://host:8786``) or ``local`` for a ``LocalCluster`` of
    ``workers`` processes on this machine. A scheduler not answering within
    ``connect_timeout`` seconds is a ``ClusterError``.
    """
    files = baseline.bulk_files(paths)
    result = baseline.BaselineResult()
    todo = []
    for path in files:
        state = store.file_state(db, path.name)
        if state is not None and state["done"] and not force:
            result.files.append(baseline.FileReport(path.name, skipped=True))
        else:
            todo.append(path)
    if not todo:
        return result
    shard_dir.mkdir(parents=True, exist_ok=True)
    with _client(address, workers, connect_timeout) as client:
        shards = [shard_dir / f"{path.name}.db" for path in todo]
        if force:
            for shard in shards:
                _remove_shard(shard)
        futures = [client.submit(file_to_shard, str(path.resolve()), str(shard.resolve()), force,
                                 key=f"extract-baseline-{path.name}", pure=False)
                   for path, shard in zip(todo, shards, strict=True)]
        for path, shard, future in zip(todo, shards, futures, strict=True):   # merged in name order
            outcome = _outcome(future, path)
            result.files.append(outcome.report)
            result.run.failures.extend(pipeline.Failure("parse", ExtractorError(line))
                                       for line in outcome.failures)
            if not outcome.report.complete:
                break   # a later file must not be applied before this one
            with pipeline.stop_when_locked(result.run):
                store.merge_shard(db, shard)
                _remove_shard(shard)
    with contextlib.suppress(OSError):
        shard_dir.rmdir()   # when empty
    return result


def _outcome(future: Any, path: Path) -> ShardOutcome:
    try:
        outcome = future.result()
    except Exception as error:   # whatever the task raised on its worker
        raise ClusterError(f"{path.name}: the Dask task failed: {type(error).__name__}: {error}") from error
    if not isinstance(outcome, ShardOutcome):
        raise ClusterError(f"{path.name}: the Dask task returned {type(outcome).__name__}")
    return outcome


def _remove_shard(shard: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{shard}{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def _client(address: str, workers: int, timeout: float) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``address`` (or of a new local cluster)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise ClusterError("--dask needs the distributed package: pip install "
                           "'pubmed-trial-extractor[dask]'") from error
    logging.getLogger("distributed").setLevel(logging.ERROR)
    try:
        if address == LOCAL:
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)  # type: ignore[no-untyped-call]
        else:
            cluster, client = None, Client(address, timeout=timeout)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {error}") from error
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()
