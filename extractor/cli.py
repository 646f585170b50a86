"""The command line: parses arguments, calls the stages, reports to the user.

Only this module prints. Library errors become ``click.ClickException`` (exit 1) or
``click.UsageError`` (exit 2); nothing a user can cause ends in a traceback.

The library is imported inside the commands that use it, not at the top: `extract --help`
then starts in a fraction of the time loading the extractors takes.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

import click

from extractor import __version__, defaults
from extractor.errors import ExtractorError
from extractor.ids import is_pmid
from extractor.kinds import (
    CHECK_KINDS,
    EXPORT_FORMATS,
    FETCH_SOURCES,
    POOL_MEASURES,
    ROW_KINDS,
    SPLITS,
    VERDICTS,
)

if TYPE_CHECKING:   # imported where used: `extract --help` must not load the library
    from tqdm import tqdm

    from extractor import store
    from extractor.kinds import ExportFormat, PoolMeasure, RowKind
    from extractor.ncbi import fetch, search
    from extractor.run import pipeline
    from extractor.run.baseline import FileReport

DEFAULT_DB = "extractions.db"
EXIT_INTERRUPTED = 130      # 128 + SIGINT, as shells report Ctrl-C
_BAD_LINES_SHOWN = 5


def PubMedClient(**options: Any) -> fetch.PubMedClient:
    """The NCBI client (``fetch.PubMedClient``), imported on first use; tests replace it."""
    from extractor.ncbi.fetch import PubMedClient as client_class

    return client_class(**options)


class DefaultRunGroup(click.Group):
    """A group whose first argument, when it is not a subcommand, goes to ``run``.

    So ``extract 17638731`` means ``extract run 17638731``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultRunGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="extract")
def cli() -> None:
    """Turn PubMed abstracts into structured, checkable trial data.

    Fetches each PMID from NCBI, extracts drugs, conditions, sample size,
    response counts and P values with their evidence, and stores them in a
    SQLite database for Datasette. `extract PMID ...` is short for
    `extract run PMID ...`.

    \b
    Examples:
      extract 17638731                      # fetch, extract, store in extractions.db
      extract 17638731 --json               # the record as JSON on stdout, nothing else
      extract --from-file pmids.txt --db trials.db
      extract --query 'efalizumab[tiab] AND lupus' --max 200   # a PubMed search
      extract --xml fixtures/pubmed_xml/17638731.xml   # offline, from a saved file
      extract --reprocess                   # re-extract stored records, no network
      extract baseline pubmed25n*.xml.gz    # PubMed's bulk files, resumable
      extract evaluate gold/*.jsonl --split test
      extract checks                        # numbers in the abstracts that disagree
      extract serve                         # browse the database in Datasette

    All options of the default command: `extract run --help`.
    """


def progress_bar(total: int | None, label: str, enabled: bool) -> tqdm:  # type: ignore[type-arg]
    """A progress bar on stderr with counts, rate and ETA (counts and rate when ``total`` is
    unknown: files read as they stream), drawn only on a terminal."""
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=" records", file=sys.stderr,
                disable=None if enabled and total != 0 else True)


def _note(message: str) -> None:
    """A line on stderr that does not break a progress bar being drawn."""
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)


def _pmid_lines(stream: TextIO, name: str) -> list[tuple[str, str]]:
    """(value, "FILE:LINE") of each line holding a PMID; blank lines and ``#`` comments
    (whole lines, or after the PMID) are skipped."""
    found = []
    for number, line in enumerate(stream, start=1):
        value = line.split("#", 1)[0].strip()
        if value:
            found.append((value, f"{name}:{number}"))
    return found


def _read_pmid_file(path: str) -> list[tuple[str, str]]:
    if path == "-":
        return _pmid_lines(sys.stdin, "<stdin>")
    try:
        with open(path, encoding="utf-8") as handle:
            return _pmid_lines(handle, path)
    except OSError as exc:
        raise click.UsageError(f"cannot read --from-file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise click.UsageError(f"cannot read --from-file {path}: not UTF-8 text ({exc.reason} "
                               f"at byte {exc.start})") from exc


def _refuse_invalid(values: list[tuple[str, str]]) -> None:
    """One usage error naming every malformed PMID (the first few) with where it was read."""
    bad = [(value, where) for value, where in values if not is_pmid(value)]
    if not bad:
        return
    shown = ", ".join(f"{value[:40]!r} ({where})" if where else repr(value[:40])
                      for value, where in bad[:_BAD_LINES_SHOWN])
    more = f" and {len(bad) - _BAD_LINES_SHOWN} more" if len(bad) > _BAD_LINES_SHOWN else ""
    noun = "invalid PMID" if len(bad) == 1 else "invalid PMIDs"
    raise click.UsageError(
        f"{noun} {shown}{more}: a PMID is a positive whole number of at most 9 digits"
    )


def collect_pmids(args: tuple[str, ...], from_file: str | None) -> list[str]:
    """PMIDs from arguments, ``-`` (stdin) and ``--from-file``; malformed ones are usage errors
    naming each with its file and line."""
    raw: list[tuple[str, str]] = []
    for arg in args:
        if arg == "-":
            raw.extend(_read_pmid_file("-"))
        elif arg.startswith("--"):
            raise click.NoSuchOption(arg)
        else:
            raw.append((arg.strip(), ""))
    if from_file:
        raw.extend(_read_pmid_file(from_file))
    _refuse_invalid(raw)
    return list(dict.fromkeys(value for value, _ in raw))


def _read_query_file(path: str) -> str:
    """The whole text of ``path`` (``-``: stdin) as one query, its lines joined by spaces."""
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        raise click.UsageError(f"cannot read --query-file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise click.UsageError(f"cannot read --query-file {path}: not UTF-8 text ({exc.reason} "
                               f"at byte {exc.start})") from exc
    if not text.strip():
        raise click.UsageError(f"--query-file {path} holds no query")
    return text


def search_query(query: str | None, query_file: str | None, max_records: int | None,
                 dry_run: bool, other_inputs: bool) -> str | None:
    """The query of ``--query`` or ``--query-file`` in one line, or None; usage errors for
    options that need a query or cannot go with it."""
    if query is not None and query_file is not None:
        raise click.UsageError("give --query or --query-file, not both")
    text = _read_query_file(query_file) if query_file is not None else query
    if text is None:
        if max_records is not None or dry_run:
            raise click.UsageError("--max and --dry-run need --query or --query-file")
        return None
    if not text.strip():
        raise click.UsageError("--query is empty")
    if dry_run and other_inputs:
        raise click.UsageError("--dry-run only counts the hits of a query: give no PMIDs, "
                               "--xml, --html or --reprocess with it")
    return " ".join(text.split())


def _plan_search(client: fetch.PubMedClient, query: str, max_records: int | None) -> search.SearchPlan:
    from extractor.ncbi import search

    try:
        return search.plan_search(client, query, max_records)
    except ExtractorError as exc:
        raise click.ClickException(f"search failed: {exc}") from exc


def _describe_plan(plan: search.SearchPlan) -> str:
    """'29 records match 'lupus'; more than PubMed's 9,999 per search: split into 3 slices by
    PMID range; --max 5: the newest 5' (one line)."""
    from extractor.ncbi import search

    if plan.count == 0:
        return f"no records match {plan.query!r}"
    noun = "record matches" if plan.count == 1 else "records match"
    line = f"{plan.count:,} {noun} {plan.query!r}"
    if plan.split:
        line += (f"; more than PubMed's {search.window():,} per search: split into "
                 f"{len(plan.slices):,} slices by PMID range")
    if plan.capped:
        line += f"; --max {plan.max_records:,}: the newest {plan.wanted:,}"
    return line


def _dry_run(client: fetch.PubMedClient, query: str | None, max_records: int | None, as_json: bool) -> None:
    """Print what a search would fetch; nothing is fetched or stored."""
    assert query is not None   # search_query refuses --dry-run without a query
    plan = _plan_search(client, query, max_records)
    if as_json:
        click.echo(json.dumps({"query": plan.query, "count": plan.count, "would_fetch": plan.wanted,
                               "slices": [part.uid_range for part in plan.slices if part.uid_range]}))
    else:
        click.echo(_describe_plan(plan))


def _search(db: store.Database, client: fetch.PubMedClient, query: str, max_records: int | None,
            result: pipeline.RunResult, source: str, force: bool, batch_size: int,
            quiet: bool, workers: int) -> None:
    """Run a search and fetch what it finds; notes on stderr unless ``quiet``. Errors of
    the search itself (ExtractorError) stop the run, as the caller reports."""
    from extractor.ncbi import search
    from extractor.run import pipeline

    plan = search.plan_search(client, query, max_records)
    if not quiet:
        _note(_describe_plan(plan))
    with progress_bar(plan.wanted, "fetching", not quiet and plan.wanted > 1) as bar:
        found, run_result = pipeline.run_search(db, client, plan, source=source, force=force,
                                                batch_size=batch_size, on_progress=bar.update,
                                                workers=workers)
    if not quiet and len(found.pmids) != plan.wanted:
        _note(f"the search listed {len(found.pmids):,} PMIDs, not {plan.wanted:,} "
              f"(PubMed changed while it ran)")
    result.merge(run_result)


# An empty file younger than this is one another run is creating right now: not refused.
_BEING_CREATED = 10.0


def _open_db(path: str, lock_timeout: float = defaults.LOCK_TIMEOUT, *, init: bool = False,
             must_exist: bool = False) -> store.Database:
    """This tool's database at ``path``, created when missing (unless ``must_exist``).

    Refused in one line: a file that is not SQLite, an SQLite database of another program's
    tables (which would silently receive ours), and an empty file or database unless
    ``init`` (named on purpose with --init).
    """
    from extractor import store

    state = store.inspect_database(path)
    if state.kind == "missing" and must_exist:
        raise click.ClickException(f"no database at {path}: run `extract PMID ...` first")
    if state.kind == "not_sqlite":
        raise click.ClickException(f"{path} is not an SQLite database; give another --db")
    if state.kind == "foreign":
        shown = ", ".join(state.tables[:5]) + (", ..." if len(state.tables) > 5 else "")
        raise click.ClickException(f"{path} is an SQLite database of another program (tables: "
                                   f"{shown}); give another --db")
    if state.kind == "empty" and not init and state.age > _BEING_CREATED:
        if must_exist:
            raise click.ClickException(f"{path} holds no extractions (an empty database)")
        raise click.ClickException(f"{path} is an empty file; give --init to make it this "
                                   "tool's database, or another --db")
    try:
        return store.open_db(path, lock_timeout=lock_timeout)
    except ExtractorError as exc:
        raise click.ClickException(str(exc)) from exc


WORKERS_OPTION = click.option(
    "-w", "--workers", type=click.IntRange(min=1), envvar="EXTRACT_WORKERS", metavar="N",
    help="Extract in N processes (env EXTRACT_WORKERS)  [default: the machine's cores; "
         "a small input is done in this process]")
INIT_OPTION = click.option(
    "--init", is_flag=True,
    help="Make an existing empty file (or SQLite database of no tables) this tool's database.")
LOCK_TIMEOUT_OPTION = click.option(
    "--lock-timeout", type=click.FloatRange(min=0), envvar="EXTRACT_LOCK_TIMEOUT",
    default=defaults.LOCK_TIMEOUT, show_default=True, metavar="SECONDS",
    help="How long a write waits while another run holds the database; then the run "
         "stops [env EXTRACT_LOCK_TIMEOUT].")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("pmids", nargs=-1)
@click.option("-f", "--from-file", metavar="FILE", help="Read PMIDs from FILE, one per line ('-' for stdin).")
@click.option("--query", metavar="TEXT",
              help="A PubMed search: fetch the records it finds, newest first (searches above "
                   "PubMed's 9,999 hits are split by PMID range). Stored in the searches table.")
@click.option("--query-file", metavar="FILE",
              help="Read the query from FILE ('-' for stdin): its whole text is one query, lines "
                   "joined by spaces (a saved search strategy).")
@click.option("--max", "max_records", type=click.IntRange(min=1), metavar="N",
              help="Fetch at most N records of the search (the newest).")
@click.option("--dry-run", is_flag=True,
              help="Only print how many records the search finds (and the slices it needs); "
                   "fetch and store nothing.")
@click.option("-d", "--db", "db_path", default=DEFAULT_DB, show_default=True, metavar="PATH",
              help="SQLite database to store the records in.")
@click.option("--source", type=click.Choice(FETCH_SOURCES), default="efetch", show_default=True,
              help="Fetch efetch XML (batched) or the PubMed abstract page.")
@click.option("--xml", "xml_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Offline: an efetch PubmedArticleSet file (any number of records). Repeatable.")
@click.option("--html", "html_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Offline: a saved PubMed abstract page. Repeatable.")
@click.option("--reprocess", is_flag=True, help="Re-extract every record stored in the database; no network.")
@click.option("--force", is_flag=True, help="Fetch PMIDs again even when already stored.")
@click.option("--batch-size", type=click.IntRange(1, 200), default=200, show_default=True,
              help="PMIDs per efetch request (NCBI allows 200 per POST).")
@click.option("--retries", type=click.IntRange(1, 20), default=6, show_default=True,
              help="Attempts per request before giving up (429, 5xx, timeouts are retried with backoff).")
@click.option("--connect-timeout", type=click.FloatRange(min=0, min_open=True), envvar="PUBMED_CONNECT_TIMEOUT",
              default=defaults.CONNECT_TIMEOUT, show_default=True, metavar="SECONDS",
              help="Seconds to open a connection [env PUBMED_CONNECT_TIMEOUT].")
@click.option("--read-timeout", type=click.FloatRange(min=0, min_open=True), envvar="PUBMED_READ_TIMEOUT",
              default=defaults.READ_TIMEOUT, show_default=True, metavar="SECONDS",
              help="Longest wait for the next bytes of an answer [env PUBMED_READ_TIMEOUT].")
@click.option("--deadline", type=click.FloatRange(min=0, min_open=True), envvar="PUBMED_DEADLINE",
              default=defaults.DEADLINE, show_default=True, metavar="SECONDS",
              help="Longest time for one whole request, body included; then it is retried "
                   "[env PUBMED_DEADLINE].")
@LOCK_TIMEOUT_OPTION
@WORKERS_OPTION
@INIT_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record per article on stdout, nothing else.")
@click.option("-q", "--quiet", is_flag=True, help="No summary and no progress bar.")
@click.option("--eutils-url", envvar="PUBMED_EUTILS_URL", metavar="URL",
              help="E-utilities base URL [env PUBMED_EUTILS_URL; default NCBI's].")
@click.option("--page-url", envvar="PUBMED_PAGE_URL", metavar="URL",
              help="PubMed page base URL [env PUBMED_PAGE_URL; default https://pubmed.ncbi.nlm.nih.gov].")
@click.option("--api-key", envvar="NCBI_API_KEY", metavar="KEY",
              help="NCBI API key: 10 requests/s instead of 3 [env NCBI_API_KEY].")
@click.option("--email", envvar="NCBI_EMAIL", metavar="ADDRESS",
              help="Contact e-mail sent to NCBI with every request [env NCBI_EMAIL].")
@click.option("--debug", is_flag=True,
              help="Show the traceback of an unexpected error (a bug) under its error line.")
def run(pmids: tuple[str, ...], from_file: str | None, query: str | None, query_file: str | None,
        max_records: int | None, dry_run: bool, db_path: str, source: str,
        xml_files: tuple[Path, ...], html_files: tuple[Path, ...], reprocess: bool, force: bool,
        batch_size: int, retries: int, connect_timeout: float, read_timeout: float, deadline: float,
        lock_timeout: float, workers: int | None, init: bool, as_json: bool, quiet: bool,
        eutils_url: str | None, page_url: str | None, api_key: str | None, email: str | None,
        debug: bool) -> None:
    """Fetch PMIDs, extract their findings and store them (the default command).

    Records already in the database are not fetched again (use --force);
    a re-run after a failure only does what is missing. A record that
    cannot be fetched, parsed, extracted or stored is named in one line
    (and in the failures table) and the run goes on. Records in NCBI's
    answer that were not asked for are dropped, with a warning. Exit
    status: 0 all stored, 1 some PMIDs failed or were not found (the
    others are stored and the failures named), 2 usage error, 130
    interrupted (Ctrl-C; what was stored stays, a re-run does the rest).

    \b
    Examples:
      extract 17638731
      extract 17638731 31789841 --db trials.db --json
      cat pmids.txt | extract - --quiet
      extract --source page 17638731
      extract --xml saved_efetch.xml --html saved_page.html
      NCBI_API_KEY=... NCBI_EMAIL=me@example.org extract --from-file pmids.txt
      extract --query 'efalizumab[tiab] AND lupus' --db trials.db
      extract --query-file strategy.txt --max 500 --quiet
      extract --query 'lupus AND 2020:2024[pdat]' --dry-run   # the count only

    A search (--query, --query-file) is stored in the searches table (query,
    date, count, slices) with the PMIDs it found in search_pmids; records
    already stored are not fetched again. Its hits are listed newest first
    and --max keeps the newest N.
    """
    wanted = collect_pmids(pmids, from_file)
    other_inputs = any((wanted, xml_files, html_files, reprocess))
    query = search_query(query, query_file, max_records, dry_run, other_inputs)
    if not other_inputs and query is None:
        raise click.UsageError("give at least one PMID (or --from-file, --query, --xml, --html, --reprocess)")
    from extractor import store
    from extractor.ncbi.fetch import Timeouts
    from extractor.run import pipeline
    from extractor.run.work import default_workers

    client = PubMedClient(eutils_url=eutils_url, page_url=page_url, api_key=api_key, email=email,
                          timeouts=Timeouts(connect_timeout, read_timeout, deadline),
                          max_attempts=retries,
                          on_retry=None if quiet else lambda event: _note(str(event)))
    if dry_run:
        with contextlib.closing(client):
            _dry_run(client, query, max_records, as_json)
        return
    workers = workers or default_workers()
    if reprocess and not os.path.exists(db_path):
        raise click.ClickException(f"no database at {db_path}: --reprocess re-extracts the records "
                                   "a database holds")
    db = _open_db(db_path, lock_timeout, init=init)
    result = pipeline.RunResult()
    stopped_by: ExtractorError | None = None
    try:
        try:
            if reprocess:
                with progress_bar(store.count_raw_records(db), "re-extracting", not quiet) as bar:
                    result.merge(pipeline.reprocess(db, on_progress=bar.update, workers=workers))
            if xml_files or html_files:
                with progress_bar(None, "reading", not quiet) as bar:
                    result.merge(pipeline.run_files(db, xml_files, html_files, workers=workers,
                                                    on_progress=bar.update))
            if wanted:
                _fetch(db, client, wanted, result, source=source, force=force, batch_size=batch_size,
                       quiet=quiet, ask_email=not (email or quiet or (eutils_url or "").strip()),
                       workers=workers)
            if query is not None:
                _search(db, client, query, max_records, result, source, force, batch_size, quiet,
                        workers)
        except ExtractorError as exc:
            stopped_by = exc
        _report(db, result, as_json, quiet, debug, order=wanted)
    except KeyboardInterrupt:
        click.echo(f"\nInterrupted: what was stored stays in {db_path}; run the same command again "
                   f"to do the rest.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except ExtractorError as exc:   # the report itself could not be read
        raise click.ClickException(str(exc)) from exc
    finally:
        client.close()
        db.close()
    if stopped_by is not None:
        raise click.ClickException(str(stopped_by)) from stopped_by
    if not result.ok:
        sys.exit(1)


def _fetch(db: store.Database, client: fetch.PubMedClient, wanted: list[str], result: pipeline.RunResult,
           source: str, force: bool, batch_size: int, quiet: bool, ask_email: bool,
           workers: int) -> None:
    from extractor.run import pipeline

    if ask_email:
        click.echo("note: NCBI asks tools to send a contact e-mail; set NCBI_EMAIL or --email", err=True)
    with progress_bar(len(wanted), "fetching", not quiet and len(wanted) > 1) as bar:
        result.merge(pipeline.run_pmids(db, client, wanted, source=source, force=force,
                                        batch_size=batch_size, on_progress=bar.update,
                                        workers=workers))


def _report(db: store.Database, result: pipeline.RunResult, as_json: bool, quiet: bool,
            debug: bool = False, order: Sequence[str] = ()) -> None:
    """Each stored (or already stored) record, in the order asked for (``order``; then the
    records of files and searches as they came), then warnings and one line per failure."""
    from extractor import store
    from extractor.ids import describe_pmids
    from extractor.summary import render_summary

    done = set(result.stored) | set(result.skipped)
    shown = list(dict.fromkeys([*(p for p in order if p in done), *result.stored,
                                *result.skipped])) if as_json or not quiet else []
    for pmid in shown:
        record = store.load_record(db, pmid)
        if record is None:
            continue
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        elif not quiet:
            click.echo(render_summary(record, color=sys.stdout.isatty()))
    if result.unrequested:
        click.echo(f"Warning: NCBI's answer held {len(result.unrequested)} records nobody asked for "
                   f"({describe_pmids(dict.fromkeys(result.unrequested))}); not stored", err=True)
    for pmid, first, again in result.reread:
        click.echo(f"Warning: PMID {pmid} was read from {first} and again from {again}; the "
                   "later reading is the one stored", err=True)
    if result.skipped and not quiet:
        click.echo(f"{len(result.skipped)} already stored, not fetched again (use --force to refetch)", err=True)
    if result.not_found:
        click.echo(f"Error: not found in PubMed: {', '.join(result.not_found)}", err=True)
    for failure in result.failures:
        if failure.not_found:
            continue  # listed above
        click.echo(f"Error: {failure.line()}", err=True)
        if debug and not failure.expected:
            click.echo("".join(traceback.format_exception(failure.error)).rstrip(), err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("-d", "--db", "db_path", default=DEFAULT_DB, show_default=True, metavar="PATH",
              type=click.Path(dir_okay=False), help="SQLite database to write (created if missing).")
@WORKERS_OPTION
@click.option("--force", is_flag=True, help="Read files again even when an earlier run finished them.")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Run one task per file on a Dask cluster: a scheduler address "
                   "(tcp://host:8786) or 'local' (a local cluster of --workers processes).")
@click.option("--shard-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="With --dask: where each task writes its file's database, merged then removed; "
                   "every worker must see it  [default: DB.shards next to the database]")
@LOCK_TIMEOUT_OPTION
@click.option("--lease-timeout", type=click.FloatRange(min=0), envvar="EXTRACT_LEASE_TIMEOUT",
              default=defaults.LEASE_TIMEOUT, show_default=True, metavar="SECONDS",
              help="Another baseline run writing the database is taken over once silent this "
                   "long (suspended, or its machine gone) [env EXTRACT_LEASE_TIMEOUT].")
@INIT_OPTION
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no line per file.")
def baseline(paths: tuple[Path, ...], db_path: str, workers: int | None, force: bool,
             dask_address: str | None, shard_dir: Path | None, lock_timeout: float,
             lease_timeout: float, init: bool, quiet: bool) -> None:
    """Read PubMed baseline and update files (pubmed25n0001.xml.gz ...) into the database.

    PATHS are files or directories of them (.xml.gz or .xml). Files are
    read in name order, as NLM numbers them, so an update file's revised
    record replaces the baseline's and its DeleteCitation removes the
    records it names (their findings and raw records too; the PMIDs are
    listed in deleted_pmids). Each file is streamed, in flat memory. Its
    progress is stored with its records (the files table): a run that is
    stopped, even killed, resumes where it stopped, and a finished file is
    skipped. One baseline run writes a database at a time: a second one is
    refused while the first is alive, and takes over once the first has been
    silent for --lease-timeout (the first, resumed, then stops storing). Exit
    status: 0 all read, 1 some records or files failed (named, the others
    stored) or another run holds the database, 2 usage error, 130
    interrupted.

    With --dask, each file is one task on a Dask cluster, read into a
    database of its own in --shard-dir (which the workers must see) and
    merged into --db in name order; the workers need this package.

    \b
    Examples:
      extract baseline pubmed25n0001.xml.gz --db pubmed.db
      extract baseline baseline/ updatefiles/ --db pubmed.db --workers 8
      extract baseline fixtures/baseline --db test.db       # small generated files
      extract baseline /shared/baseline --db /shared/pubmed.db --dask tcp://scheduler:8786
      extract baseline fixtures/baseline --db test.db --dask local --workers 2
    """
    from extractor.run.baseline import run_baseline
    from extractor.run.cluster import run_baseline_dask
    from extractor.run.work import default_workers

    workers = workers or default_workers()
    db = _open_db(db_path, lock_timeout, init=init)
    try:
        if dask_address:
            done = run_baseline_dask(db, list(paths), dask_address,
                                     shard_dir or Path(f"{db_path}.shards"), workers, force,
                                     lease_timeout=lease_timeout)
        else:
            with progress_bar(None, "reading", not quiet) as bar:
                done = run_baseline(db, list(paths), workers=workers, force=force,
                                    on_progress=bar.update, lease_timeout=lease_timeout,
                                    on_file=None if quiet else _file_done)
    except KeyboardInterrupt:
        click.echo(f"\nInterrupted: what was stored stays in {db_path}; run the same command again "
                   f"to go on from there.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except ExtractorError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        db.close()
    if not quiet and dask_address:   # a local run names each file as soon as it is done
        for report in done.files:
            _note(_describe_file(report))
    for failure in done.run.failures:
        click.echo(f"Error: {failure.line()}", err=True)
    if done.run.failures:
        sys.exit(1)


def _file_done(report: FileReport) -> None:
    _note(_describe_file(report))


def _describe_file(report: FileReport) -> str:
    """``pubmed25n0003.xml.gz: 66 stored, 8 deleted, 0 failed (resumed after 40)``."""
    if report.skipped:
        return f"{report.name}: done by an earlier run, skipped (--force reads it again)"
    line = f"{report.name}: {report.stored:,} stored, {report.deleted:,} deleted, {report.failed:,} failed"
    if report.resumed_at:
        line += f" (resumed after {report.resumed_at:,})"
    return line if report.complete else line + "; not read to its end"


def _r_lines() -> str:
    from extractor.export import R_LINES

    blocks = [f"{fmt}:\n" + "\n".join(f"  {line}" for line in R_LINES[fmt].splitlines())
              for fmt in EXPORT_FORMATS]
    return "\b\nReading the files in R:\n" + "\n".join(blocks)


@cli.command(epilog=_r_lines())
@click.option("-d", "--db", "db_path", default=DEFAULT_DB, show_default=True, metavar="PATH",
              type=click.Path(dir_okay=False), help="The database to read.")
@click.option("-f", "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="metafor",
              show_default=True, help="metafor / meta CSV (their column names), RevMan's data "
                                      "import CSV, or JSON Lines.")
@click.option("-r", "--rows", "kind", type=click.Choice(ROW_KINDS), default="contrasts",
              show_default=True, help="One row per contrast (outcome, intervention arm against "
                                      "comparator arm), or per arm and outcome.")
@click.option("-m", "--measure", type=click.Choice(POOL_MEASURES), default="OR", show_default=True,
              help="What yi is when only the arms' events are printed (log OR, log RR, RD).")
@click.option("-p", "--pmid", "pmids", multiple=True, metavar="PMID",
              help="Only this article (repeatable).")
@click.option("--search-id", type=click.IntRange(min=1), metavar="N",
              help="Only the articles a stored search found (searches.id).")
@click.option("--where", metavar="SQL", help="Only the articles matching this SQL condition on "
                                            "the articles table, e.g. \"year >= 2020\".")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              show_default=True, metavar="FILE", help="Where to write ('-': standard output).")
def export(db_path: str, fmt: str, kind: str, measure: str, pmids: tuple[str, ...],
           search_id: int | None, where: str | None, output: str) -> None:
    """Write the findings of stored articles as rows ready to pool.

    Contrast rows (one per result: an outcome, an intervention arm against
    a comparator arm) hold the events and totals of both arms (ai, n1i, ci,
    n2i), the reported measure, estimate and interval, yi and sei on the
    analysis scale (log for ratios; the standard error from the interval,
    as metafor's conv.wald does; else from the events), the P value, the
    direction, the evidence and the verdicts of the checks on those
    numbers. Arm rows hold each arm's size, studied drugs and events per
    outcome. The study label is the first author and the year.

    \b
    Examples:
      extract export -o contrasts.csv
      extract export --format meta --where "year >= 2015" -o contrasts.csv
      extract export --rows arms --format revman -o arms.csv
      extract export --format jsonl --pmid 17638731
    """
    from extractor import store
    from extractor.export.contrasts import arm_rows, contrast_rows
    from extractor.export.formats import write_rows

    if not os.path.exists(db_path):
        raise click.ClickException(f"no database at {db_path}: run `extract PMID ...` first")
    bad = [p for p in pmids if not is_pmid(p)]
    if bad:
        raise click.UsageError(f"invalid PMID {bad[0]!r}: a PMID is a positive whole number")
    db = _open_db(db_path, must_exist=True)
    try:
        chosen = store.select_pmids(db, pmids, search_id, where)
        records = store.iter_records(db, chosen)
        pooled = cast("PoolMeasure", measure)
        rows = (row for record in records
                for row in (contrast_rows(record, pooled) if kind == "contrasts"
                            else arm_rows(record)))
        with click.open_file(output, "w", encoding="utf-8") as out:
            written = write_rows(rows, cast("RowKind", kind), cast("ExportFormat", fmt), out)
    except ExtractorError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        db.close()
    _note(f"{written:,} {kind[:-1]} rows of {len(chosen):,} articles written to "
          f"{'standard output' if output == '-' else output}")


@cli.command()
@click.option("-d", "--db", "db_path", default=DEFAULT_DB, show_default=True, metavar="PATH",
              type=click.Path(dir_okay=False), help="The database to read.")
@click.option("-k", "--kind", "kinds", multiple=True, type=click.Choice(CHECK_KINDS),
              help="Only this kind of check (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per disagreement, nothing else.")
def checks(db_path: str, kinds: tuple[str, ...], as_json: bool) -> None:
    """Numbers that disagree: the consistency checks of every stored record.

    Prints how many checks of each kind were consistent, discrepant,
    decision errors (on the other side of P = 0.05 from what was printed)
    or not checkable, then every disagreement with its PMID, what was
    printed, what it implies and the sentence. The README gives each
    rule and tolerance. The same list is the Datasette query "numbers that
    disagree" (extract serve).

    \b
    Examples:
      extract checks
      extract checks --db trials.db --kind p_vs_interval --kind words_vs_p
      extract checks --json > disagreements.jsonl
    """
    from extractor import store

    db = _open_readonly(db_path)
    try:
        counts = store.check_counts(db)
        rows = store.disagreeing_checks(db, kinds)
    except ExtractorError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        db.close()
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    click.echo(f"{'check':<22}" + "".join(f"{v:>16}" for v in VERDICTS))
    for kind in [k for k in CHECK_KINDS if not kinds or k in kinds]:
        click.echo(f"{kind:<22}" + "".join(f"{counts.get((kind, v), 0):>16,}" for v in VERDICTS))
    for row in rows:
        click.echo(f"\n{row['pmid']}  {row['verdict'].replace('_', ' ')}, {row['kind']}: "
                   f"{row['reported']} ({row['recomputed']})\n  {row['sentence']}")


@cli.command()
@click.argument("gold_files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-s", "--split", type=click.Choice(SPLITS),
              help="Only documents of this split (default: all).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the figures as JSON on stdout instead of the table, nothing else.")
@click.option("--report", "json_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write the figures as JSON to FILE.")
@click.option("-e", "--errors", "n_errors", type=click.IntRange(min=0), default=0, metavar="N",
              help="Print N false positives and N false negatives per field, with their sentence.")
def evaluate(gold_files: tuple[Path, ...], split: str | None, as_json: bool, json_path: Path | None,
             n_errors: int) -> None:
    """Score the extractors against human-annotated gold JSONL files.

    Runs exactly the extraction code of `extract` on each document's title
    and abstract (no network) and prints, per corpus, precision, recall and
    F1 for every field the corpus annotates (accuracy and coverage for
    sample size). The matching rules are in the README.

    \b
    Examples:
      extract evaluate tests/data/gold_trials.jsonl       # a small file in the repository
      extract evaluate gold/*.jsonl --split test
      extract evaluate gold/ctro.jsonl --split dev --errors 5
      extract evaluate my_gold.jsonl --report report.json
      extract evaluate my_gold.jsonl --json | jq .corpora
    """
    from extractor.evaluate import score as ev
    from extractor.evaluate.gold import load_gold

    try:
        docs = load_gold(list(gold_files), split)
    except ExtractorError as exc:
        raise click.ClickException(str(exc)) from exc
    if not docs:
        raise click.ClickException(f"no documents{' of split ' + split if split else ''} in the given files")
    try:
        with progress_bar(len(docs), "evaluating", not as_json) as bar:
            report = ev.evaluate(docs, progress=bar.update)
    except ExtractorError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(ev.report_to_json(report, n_errors), indent=2))
    else:
        click.echo(ev.render_table(report))
        if n_errors:
            click.echo(ev.render_errors(report, n_errors))
    if json_path:
        json_path.write_text(json.dumps(ev.report_to_json(report, n_errors), indent=2) + "\n", encoding="utf-8")
        click.echo(f"report written to {json_path}", err=True)


def _open_readonly(path: str) -> store.Database:
    """This tool's database at ``path``, read only (``checks``, ``serve``): nothing in it
    changes; refused in one line when it is missing or not this tool's."""
    from extractor import store

    state = store.inspect_database(path)
    if state.kind == "missing":
        raise click.ClickException(f"no database at {path}: run `extract PMID ...` first")
    if state.kind != "ours":
        raise click.ClickException(f"{path} is not a database of this tool "
                                   f"({'not SQLite' if state.kind == 'not_sqlite' else state.kind})")
    try:
        return store.open_readonly(path)
    except ExtractorError as exc:
        raise click.ClickException(str(exc)) from exc


def _port_free(host: str, port: int) -> bool:
    """Whether Datasette can listen on ``host:port`` (bound as its server binds)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return True   # let Datasette say what is wrong with the host
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            return False
    return True


@cli.command()
@click.option("-d", "--db", "db_path", default=DEFAULT_DB, show_default=True, metavar="PATH",
              type=click.Path(dir_okay=False), help="The database to serve.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("-p", "--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0 picks a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a web browser.")
def serve(db_path: str, host: str, port: int, open_browser: bool) -> None:
    """Browse the database in Datasette, with descriptions, facets and stored queries.

    A thin wrapper around `datasette serve` with this tool's metadata.

    \b
    Examples:
      extract serve
      extract serve --db trials.db --port 8080
    """
    from extractor import store
    from extractor.serve import datasette_args

    _open_readonly(db_path).close()   # this tool's database; Datasette reads it, changing nothing
    if port and not _port_free(host, port):
        raise click.ClickException(f"port {port} on {host} is in use; choose another with --port "
                                   "(0 picks a free one)")
    try:
        args = datasette_args(db_path, host=host, port=port, open_browser=open_browser,
                              immutable=not store.is_writable(db_path))
    except OSError as exc:   # the metadata copy or the link in the temporary directory
        raise click.ClickException(f"cannot prepare Datasette for {db_path}: {exc}") from exc
    os.execvp(args[0], args)
