"""Merging a shard (one bulk file read into a database of its own by a Dask task) into the
target database, as if the file had been read there."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from extractor.store.connection import sqlite_errors, writing
from extractor.store.progress import Lease
from extractor.store.schema import ARTICLE_CHILD_TABLES, TABLES, Json

# Link table -> (its column, the lookup table it points at), from the declared foreign keys:
# a lookup table is one of (name, identifier) rows. Ids are per database, names are not.
_LOOKUPS = {table: (column, other) for table, spec in TABLES.items()
            for column, other, _ in spec.get("foreign_keys", [])
            if "identifier" in TABLES[other]["columns"]}


def merge_shard(db: Database, shard: str | Path, lease: Lease | None = None) -> list[Json]:
    """Copy a shard database (one bulk file read elsewhere, by ``extract baseline --dask``)
    into ``db``, as if its file had been read into ``db``: ATTACH, then in one transaction
    every article of the shard replaces the stored one, its ``DeleteCitation`` PMIDs are
    removed, and its failures, raw records, deletions and ``files`` row are copied. Drug and
    condition rows are matched by (name, identifier), since their ids differ between files.
    With ``lease``, only while this run holds it (``LeaseLost``). Returns the shard's ``files``
    rows: what the merge brought in.
    """
    with sqlite_errors(f"cannot open the shard {shard}", db):
        db.execute("attach database ? as shard", [str(shard)])
    try:
        with writing(db, f"cannot merge the shard {shard}"):
            if lease is not None:
                lease.check(db)
            _merge_attached(db)
            return db.execute_returning_dicts("select * from shard.files order by name")
    finally:
        with sqlite_errors(f"cannot close the shard {shard}", db):
            db.execute("detach database shard")


def _merge_attached(db: Database) -> None:
    touched = "select pmid from shard.articles union select pmid from shard.deleted_pmids"
    for table in (*ARTICLE_CHILD_TABLES, "articles", "failures", "deleted_pmids"):
        db.execute(f"delete from main.{table} where pmid in ({touched})")
    db.execute("delete from main.raw_records where pmid in (select pmid from shard.deleted_pmids)")
    for table in sorted({lookup for _, lookup in _LOOKUPS.values()}):
        db.execute(f"insert into main.{table} (name, identifier) "
                   f"select name, identifier from shard.{table} s where not exists ("
                   f"select 1 from main.{table} m where m.name = s.name and m.identifier is s.identifier)")
    for table in ("articles", *ARTICLE_CHILD_TABLES):
        columns = list(TABLES[table]["columns"])
        if table in _LOOKUPS:
            link, lookup = _LOOKUPS[table]
            chosen = ", ".join("m.id" if c == link else f"t.{_quoted(c)}" for c in columns)
            source = (f"shard.{table} t join shard.{lookup} s on s.id = t.{link} join main.{lookup} m "
                      f"on m.name = s.name and m.identifier is s.identifier")
        else:
            chosen, source = ", ".join(f"t.{_quoted(c)}" for c in columns), f"shard.{table} t"
        names = ", ".join(_quoted(c) for c in columns)
        db.execute(f"insert into main.{table} ({names}) select {chosen} from {source}")
    for table in ("raw_records", "failures", "deleted_pmids", "files"):
        names = ", ".join(_quoted(c) for c in TABLES[table]["columns"])
        db.execute(f"insert or replace into main.{table} ({names}) select {names} from shard.{table}")


def _quoted(column: str) -> str:
    return f'"{column}"'


