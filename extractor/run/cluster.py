"""``extract baseline --dask``: the per-file work of ``run.baseline`` on a Dask cluster.

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

from extractor import defaults, store
from extractor.errors import ExtractorError
from extractor.run import baseline, pipeline
from extractor.run.work import Workers

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
    """Read the bulk file ``path`` into the shard database ``shard``: the task a worker runs.
    A shard read to its end by an earlier task (whose run stopped before merging it) is
    complete as it is."""
    db = store.open_db(shard)
    result = pipeline.RunResult()
    report = baseline.FileReport(Path(path).name)
    try:
        with store.baseline_lease(db) as lease, pipeline.stop_when_locked(result), \
                Workers(1) as pool:
            baseline.run_file(db, Path(path), result, report, pool, lease, force=force)
    finally:
        db.close()
    if report.skipped:
        report = baseline.FileReport(report.name, complete=True)
    return ShardOutcome(report, tuple(failure.line() for failure in result.failures))


def run_baseline_dask(db: store.Database, paths: list[Path], address: str, shard_dir: Path,
                      workers: int = 1, force: bool = False, connect_timeout: float = 30.0,
                      lease_timeout: float = defaults.LEASE_TIMEOUT) -> baseline.BaselineResult:
    """``baseline.run_baseline`` with one Dask task per file (see the module docstring).

    ``address``: a scheduler (``tcp://host:8786``) or ``local`` for a ``LocalCluster`` of
    ``workers`` processes on this machine. A scheduler not answering within
    ``connect_timeout`` seconds is a ``ClusterError``.
    """
    files = baseline.bulk_files(paths)
    result = baseline.BaselineResult()
    with store.baseline_lease(db, lease_timeout) as lease:
        todo = []
        for path in files:
            state = store.file_state(db, path.name)
            if state is not None and state["done"] and not force:
                result.files.append(baseline.FileReport(path.name, skipped=True))
                _remove_shard(_shard_of(shard_dir, path))   # merged by a run that then died
            else:
                todo.append(path)
        if todo:
            _run_tasks(db, todo, address, shard_dir, workers, force, connect_timeout, lease, result)
    with contextlib.suppress(OSError):
        shard_dir.rmdir()   # when empty
    return result


def _run_tasks(db: store.Database, todo: list[Path], address: str, shard_dir: Path, workers: int,
               force: bool, connect_timeout: float, lease: store.Lease,
               result: baseline.BaselineResult) -> None:
    """Submit one task per file of ``todo``, then merge their shards in name order; stops at
    the first file not read to its end (a later file must not be applied before it)."""
    shard_dir.mkdir(parents=True, exist_ok=True)
    with _client(address, workers, connect_timeout) as client:
        shards = [_shard_of(shard_dir, path) for path in todo]
        if force:
            for shard in shards:
                _remove_shard(shard)
        futures = [client.submit(file_to_shard, str(path.resolve()), str(shard.resolve()), force,
                                 key=f"extract-baseline-{path.name}", pure=False)
                   for path, shard in zip(todo, shards, strict=True)]
        for path, shard, future in zip(todo, shards, futures, strict=True):   # merged in name order
            outcome = _outcome(future, path)
            result.run.failures.extend(pipeline.Failure("parse", ExtractorError(line))
                                       for line in outcome.failures)
            if not outcome.report.complete:
                result.files.append(outcome.report)
                break
            with pipeline.stop_when_locked(result.run):
                merged = store.merge_shard(db, shard, lease)
                result.files.append(_merged_report(path.name, merged))
                _remove_shard(shard)
            if result.run.failures and isinstance(result.run.failures[-1].error, store.RunStopped):
                break


def _merged_report(name: str, merged: list[store.Json]) -> baseline.FileReport:
    """What the merge of a file's shard brought in: the whole file's figures, also when an
    earlier task read part or all of it."""
    row = next((r for r in merged if r["name"] == name), None)
    if row is None:
        return baseline.FileReport(name, complete=True)
    return baseline.FileReport(name, stored=int(row["stored"]), deleted=int(row["deleted"]),
                               failed=int(row["failed"]), complete=True)


def _shard_of(shard_dir: Path, path: Path) -> Path:
    return shard_dir / f"{path.name}.db"


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
