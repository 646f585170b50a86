"""The work on one raw record: parse it and extract its findings. Pure, no database.

``do_item`` runs in this process or in worker processes (``run_items`` with ``workers`` > 1):
the raw bytes go to a worker, the validated ``ArticleRecord`` (or the error and its stage)
comes back, and only the caller's process writes to the database. Results always come back
in input order, so ``--json`` output and a file's progress do not depend on the workers.

Memory stays flat whatever the input's size: at most ``workers × IN_FLIGHT`` chunks of
``CHUNK`` records are handed out at a time, and the input is read only as fast as results
are taken.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import pickle
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice

from extractor.errors import ExtractorError, ParseError
from extractor.extract import build_record
from extractor.kinds import PAGE_SOURCES, Stage
from extractor.models import Article, ArticleRecord
from extractor.parse.pubmed_xml import parse_article_xml

CHUNK = 8          # records per task sent to a worker: amortises the hand-over
IN_FLIGHT = 4      # chunks per worker handed out ahead of the results taken
SMALL = 32         # items done in this process before workers are started


class WorkerDied(ExtractorError):
    """A worker process ended without an answer (killed, or out of memory)."""


@dataclass(frozen=True)
class Item:
    """One raw record to work on, as fetched or read: its PMID, bytes and source."""

    pmid: str
    raw: bytes
    source: str


@dataclass(frozen=True)
class Done:
    """What became of an ``Item``: its record, a deletion, or the error and its stage.

    ``parsed`` is True once the bytes parsed as the record (so they are worth keeping).
    """

    item: Item
    record: ArticleRecord | None = None
    deleted: bool = False
    parsed: bool = False
    stage: Stage | None = None
    error: Exception | None = None


def parse_item(item: Item) -> Article:
    """The ``Article`` of an item's bytes, by the parser of its source."""
    if item.source in PAGE_SOURCES:
        from extractor.parse.pubmed_page import parse_page_html  # BeautifulSoup: only for pages

        return parse_page_html(item.raw, pmid=item.pmid)
    return parse_article_xml(item.raw)


def do_item(item: Item) -> Done:
    """Parse and extract one record; every error is caught and returned with its stage."""
    try:
        article = parse_item(item)
    except Exception as error:  # noqa: BLE001 - the record boundary: every error is returned
        if isinstance(error, ParseError):
            error = ParseError(f"could not parse record: {error}")
        return Done(item, stage="parse", error=_portable(error))
    if article.kind == "deleted":
        return Done(item, deleted=True, parsed=True)
    try:
        record = build_record(article)
    except Exception as error:  # noqa: BLE001 - the record boundary
        return Done(item, parsed=True, stage="extract", error=_portable(error))
    return Done(item, record=record, parsed=True)


def do_items(items: list[Item]) -> list[Done]:
    """``do_item`` of a chunk: the task a worker process runs."""
    return [do_item(item) for item in items]


def _portable(error: Exception) -> Exception:
    """``error``, or a RuntimeError saying the same when it cannot cross to another process."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 - any pickling problem
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def default_workers() -> int:
    """The machine's cores available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Workers:
    """Up to ``count`` worker processes for ``map``, started when an input first needs them
    and kept until ``close`` (or the end of a ``with`` block), so a run of many files or
    batches starts them (and they load the vocabularies) once."""

    def __init__(self, count: int = 1) -> None:
        self.count = count
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map(self, items: Iterable[Item]) -> Iterator[Done]:
        """``do_item`` of every item, in input order.

        Until workers are running, the first ``SMALL`` items are done in this process, each as
        soon as it comes: a small input never pays for starting workers (each loads the
        vocabularies), and a slow source (fetching) never holds records back. A worker that
        dies (killed, out of memory) ends the run with ``WorkerDied``; what was already taken
        from this iterator is unaffected. Workers ignore Ctrl-C: the caller decides. They end
        with the process that started them, even when it is killed (``kill -9``).
        """
        iterator = iter(items)
        if self.count <= 1:
            yield from map(do_item, iterator)
            return
        if self._pool is None:
            yield from map(do_item, islice(iterator, SMALL))
        pending: deque[Future[list[Done]]] = deque()
        try:
            for chunk in _chunks(iterator, CHUNK):
                pending.append(self._executor().submit(do_items, chunk))
                if len(pending) >= self.count * IN_FLIGHT:
                    yield from _result(pending.popleft())
            while pending:
                yield from _result(pending.popleft())
        finally:
            for future in pending:
                future.cancel()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.count, mp_context=_context(),
                                             initializer=_start_worker)
        return self._pool


def _start_worker() -> None:
    """What a worker does first: ignore Ctrl-C, and end when the run that started it ends."""
    _ignore_interrupts()
    _exit_with_parent()


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C reaches the whole process group; only the caller acts on it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _exit_with_parent() -> None:
    """In a worker: end this process as soon as the run that started it is gone, even killed
    by ``kill -9`` or out of memory, when none of its own clean-up runs.

    Otherwise the worker waits for ever for its next task: it holds the other end of the task
    queue itself, so the queue never reaches its end. And the forkserver and the resource
    tracker live as long as any process started through them.

    The parent's sentinel, in a forkserver (or spawn) child, is the read end of the pipe
    through which the run sent this process its pickled start; the run keeps the write end
    open until it has joined this worker, and neither the forkserver (this process's parent in
    the process tree, so ``PR_SET_PDEATHSIG`` would watch the wrong process) nor the other
    workers hold it. So the pipe reaches its end exactly when the run is gone (or done with
    this worker). A thread waits for that.
    """
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_when_gone, args=(parent,), name="exit-with-parent",
                         daemon=True).start()


def _exit_when_gone(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)   # at once: a clean exit would flush queues no one reads any more


def run_items(items: Iterable[Item], workers: int = 1) -> Iterator[Done]:
    """``Workers(workers).map(items)``, the workers stopped at the end: when it is used up, or
    closed (``store_all`` closes it when it stops early). One left unclosed stops its workers
    only when the garbage collector gets to it, in whatever thread it runs then."""
    with Workers(workers) as pool:
        yield from pool.map(items)


def _context() -> multiprocessing.context.BaseContext:
    """Workers fork from a clean server process that has imported this module once: no
    threads of the caller (fetching, deadlines) are copied, and start-up is a fork."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _result(future: Future[list[Done]]) -> list[Done]:
    try:
        return future.result()
    except BrokenProcessPool as error:
        raise WorkerDied("a worker process died without an answer (killed, or out of memory); "
                         "what was stored stays, run the same command again to do the rest") from error


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
