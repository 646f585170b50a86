"""Searches run (``extract --query``): the query, when, the count, and the PMIDs found."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlite_utils import Database

from extractor.store.connection import sqlite_errors, writing
from extractor.store.schema import Json, timestamp


def save_search(db: Database, query: str, count: int, pmids: Sequence[str],
                slices: Sequence[tuple[str, int]] = (), max_records: int | None = None,
                capped: bool = False, run_at: datetime | None = None) -> int:
    """Store one search run and the PMIDs it found (in order); returns its ``id``.

    ``slices``: ``(uid_range, count)`` of each part when the search was split by PMID range.
    """
    row = {
        "query": query,
        "run_at": timestamp(run_at),
        "count": count,
        "retrieved": len(pmids),
        "max_records": max_records,
        "capped": capped,
        "slice_count": max(len(slices), 1 if count else 0),
        "slices": json.dumps([{"uid_range": uid_range, "count": n} for uid_range, n in slices]),
    }
    with writing(db, "cannot save the search"):
        search_id = db.table("searches").insert(row).last_pk
        assert search_id is not None
        db.table("search_pmids").insert_all(
            {"search_id": search_id, "position": position, "pmid": pmid}
            for position, pmid in enumerate(pmids)
        )
    return int(search_id)


def load_search(db: Database, search_id: int) -> Json | None:
    """The ``searches`` row of ``search_id`` with ``pmids`` (in order) and ``slices`` decoded,
    or None."""
    if not db.table("searches").exists():
        return None
    with sqlite_errors(f"cannot read search {search_id}", db):
        rows = db.execute_returning_dicts("select * from searches where id = ?", [search_id])
        if not rows:
            return None
        pmids = [r[0] for r in db.execute(
            "select pmid from search_pmids where search_id = ? order by position", [search_id])]
    return {**rows[0], "slices": json.loads(rows[0]["slices"]), "pmids": pmids}
