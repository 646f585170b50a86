"""`extract baseline --dask`: one task per file on a Dask cluster, each into a shard database,
merged in name order; the same rows as a local run."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import select_rows, table_rows
from test_baseline import FILES, NAMES, baseline_db

from extractor import store
from extractor.cli import cli
from extractor.run import cluster
from extractor.run.cluster import ClusterError, file_to_shard, run_baseline_dask

pytest.importorskip("distributed")


@pytest.mark.slow
def test_shards_merged_in_name_order_give_the_rows_of_a_local_run(tmp_path: Path) -> None:
    """No cluster: each file read into its own shard, then merged, as the Dask tasks do."""
    db_path = tmp_path / "merged.db"
    db = store.open_db(db_path)
    try:
        for name in NAMES:
            outcome = file_to_shard(str(FILES / name), str(tmp_path / f"{name}.db"))
            assert (outcome.report.complete, outcome.failures) == (True, ())
            store.merge_shard(db, tmp_path / f"{name}.db")
    finally:
        db.close()
    assert table_rows(db_path) == table_rows(baseline_db(tmp_path))


def test_a_shard_done_by_an_earlier_task_is_not_read_again(tmp_path: Path) -> None:
    shard = str(tmp_path / "one.db")
    first = file_to_shard(str(FILES / NAMES[0]), shard)
    again = file_to_shard(str(FILES / NAMES[0]), shard)
    assert (first.report.stored, first.report.complete) == (60, True)
    assert (again.report.stored, again.report.complete) == (0, True)


@pytest.mark.slow
def test_a_local_cluster_of_2_workers_stores_the_rows_of_a_local_run(tmp_path: Path) -> None:
    db_path = tmp_path / "dask.db"
    result = CliRunner().invoke(cli, ["baseline", str(FILES), "--db", str(db_path),
                                      "--dask", "local", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{NAMES[0]}: 60 stored, 0 deleted, 0 failed",
        f"{NAMES[1]}: 60 stored, 0 deleted, 0 failed",
        f"{NAMES[2]}: 66 stored, 8 deleted, 0 failed"]
    assert not (tmp_path / "dask.db.shards").exists()   # merged, then removed
    assert table_rows(db_path) == table_rows(baseline_db(tmp_path))
    assert select_rows(db_path, "pragma integrity_check") == [("ok",)]


@pytest.mark.slow
def test_files_merged_by_an_earlier_run_are_skipped(tmp_path: Path) -> None:
    db = store.open_db(baseline_db(tmp_path))
    try:
        result = run_baseline_dask(db, [FILES], "tcp://127.0.0.1:1", tmp_path / "shards")
    finally:
        db.close()
    # no task to run, so the (unreachable) scheduler is never asked
    assert [(f.name, f.skipped) for f in result.files] == [(name, True) for name in NAMES]


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    db = store.open_db(tmp_path / "t.db")
    try:
        with pytest.raises(ClusterError, match=r"^cannot reach the Dask scheduler at "
                                               r"tcp://127\.0\.0\.1:1: "):
            run_baseline_dask(db, [FILES], "tcp://127.0.0.1:1", tmp_path / "shards",
                              connect_timeout=1)
    finally:
        db.close()


class _Finished:
    def __init__(self, value: object) -> None:
        self.value = value

    def result(self) -> object:
        return self.value


class _InProcessClient:
    """A stand-in for ``distributed.Client``: runs each task at once, in this process."""

    def submit(self, function, *args, key: str, pure: bool) -> _Finished:  # type: ignore[no-untyped-def]
        return _Finished(function(*args))


@contextlib.contextmanager
def _in_process(address: str, workers: int, timeout: float) -> Iterator[_InProcessClient]:
    yield _InProcessClient()


def test_a_shard_merged_by_a_run_that_died_before_removing_it_is_removed(tmp_path: Path) -> None:
    """The client died between the merge's commit and the shard's removal."""
    shards = tmp_path / "shards"
    shards.mkdir()
    shard = shards / f"{NAMES[0]}.db"
    db = store.open_db(tmp_path / "t.db")
    try:
        file_to_shard(str(FILES / NAMES[0]), str(shard))
        store.merge_shard(db, shard)
        result = run_baseline_dask(db, [FILES / NAMES[0]], "tcp://127.0.0.1:1", shards)
    finally:
        db.close()
    assert [(f.name, f.skipped) for f in result.files] == [(NAMES[0], True)]
    assert not shards.exists()


@pytest.mark.slow
def test_a_file_merged_from_an_earlier_tasks_shard_reports_what_the_merge_stored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client died after a task had read its whole file, before the merge."""
    monkeypatch.setattr(cluster, "_client", _in_process)
    shards = tmp_path / "shards"
    shards.mkdir()
    file_to_shard(str(FILES / NAMES[2]), str(shards / f"{NAMES[2]}.db"))
    db = store.open_db(tmp_path / "t.db")
    try:
        result = run_baseline_dask(db, [FILES], "in-process", shards)
    finally:
        db.close()
    assert [(f.name, f.stored, f.deleted, f.failed, f.complete) for f in result.files] == [
        (NAMES[0], 60, 0, 0, True), (NAMES[1], 60, 0, 0, True), (NAMES[2], 66, 8, 0, True)]
    assert result.run.failures == []
    assert not shards.exists()
    assert table_rows(tmp_path / "t.db") == table_rows(baseline_db(tmp_path))
