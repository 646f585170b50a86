"""Benchmark: how close does the real client get to NCBI's rate limit, without a 429?

    python ../shared/tools/make_baseline.py --source ../shared/pubmed_xml --out /tmp/bl \
        --files 1 --per-file 3000 --drop-references
    python scripts/bench_fetch.py --fake-ncbi ../shared/tools/fake_ncbi.py --records /tmp/bl
    python scripts/bench_fetch.py --fake-ncbi ../shared/tools/fake_ncbi.py \
        --records ../shared/gold --runs 3

Starts fake_ncbi.py with its rate limit on (``--rate``, default 3 requests/s, NCBI's limit
without an API key) and a request log, reads the PMIDs it serves (``GET /ids``: efetch XML and
gold JSONL alike), and fetches them with the project's client as it ships: ``PubMedClient``
with its default limiter, ``fetch_efetch_batches`` in batches of 200, one request at a time.

A sliding one-second window lets the first ``rate`` requests go at once, which would flatter a
short run. So the first ``rate`` requests are a warm-up, not timed; the clock runs from the end
of the warm-up to the last answer. A client that used every slot the server allows would fetch
exactly ``rate × batch size`` records per second over the timed part (the bound, 600 records/s
at 3 requests/s).

Printed per run: records timed, seconds, records/s, the bound, the share of the bound reached,
and the 429s (counted in the server's log and, as a check, in the client's retry events).
Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from extractor.ncbi.fetch import MAX_BATCH_SIZE, PubMedClient, RetryEvent

# Each record of an efetch answer: <PubmedArticle> (or <PubmedBookArticle>) ... </...>
_RECORD_START = re.compile(rb"<Pubmed(?:Book)?Article[\s>]")


def serve(fake_ncbi: Path, records: list[str], rate: int, log: Path) -> tuple[subprocess.Popen[str], str]:
    """A fake_ncbi.py server rate limited at ``rate`` requests/s, logging to ``log``; its URL."""
    server = subprocess.Popen(
        [sys.executable, str(fake_ncbi), "--port", "0", "--rate", str(rate), "--log", str(log),
         "--records", *records],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert server.stdout is not None
    line = server.stdout.readline()          # "listening on http://127.0.0.1:PORT" once loaded
    if not line.startswith("listening on "):
        server.kill()
        raise SystemExit(f"fake_ncbi.py did not start (exit code {server.wait()})")
    return server, line.split()[-1]


def served_pmids(base: str) -> list[str]:
    """The PMIDs the server holds (newest first)."""
    with urllib.request.urlopen(f"{base}/ids", timeout=60) as answer:
        return list(json.load(answer)["pmids"])


def statuses_in_log(log: Path) -> list[int]:
    """The status of every E-utilities request in a fake_ncbi.py log, in order.

    A line: ``time ip method path status bytes=... ms=... [ids=...] [note=...]``
    """
    statuses = []
    for line in log.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) > 4 and fields[3].startswith("/entrez/eutils/") and fields[4].isdigit():
            statuses.append(int(fields[4]))
    return statuses


def fetch_timed(base: str, pmids: list[str], warm_up: int) -> tuple[int, float, int]:
    """Fetch ``pmids`` with the default client; (records after the warm-up, their seconds,
    429s the client retried). The first ``warm_up`` requests are not timed."""
    retried: list[RetryEvent] = []
    records = requests = 0
    started = time.perf_counter()
    with PubMedClient(eutils_url=f"{base}/entrez/eutils", email="bench@example.org",
                      on_retry=retried.append) as client:
        for batch in client.fetch_efetch_batches(pmids, batch_size=MAX_BATCH_SIZE):
            requests += 1
            if requests == warm_up:
                started = time.perf_counter()
            elif requests > warm_up:
                records += len(_RECORD_START.findall(batch.xml_or_raise()))
    seconds = time.perf_counter() - started
    return records, seconds, sum(1 for event in retried if event.status == 429)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fake-ncbi", type=Path, required=True, help="path of fake_ncbi.py")
    parser.add_argument("--records", nargs="+", required=True,
                        help="efetch XML / gold JSONL files or directories for the server")
    parser.add_argument("--rate", type=int, default=3, help="the server's requests/s (default 3)")
    parser.add_argument("--pmids", type=int, default=3000,
                        help="PMIDs to fetch, warm-up included (default 3000: 15 requests)")
    parser.add_argument("--runs", type=int, default=1, help="repeat the fetch (default 1)")
    args = parser.parse_args()
    if args.rate < 1:
        parser.error("--rate must be at least 1 (0 would turn the server's limit off)")

    bound = args.rate * MAX_BATCH_SIZE
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "ncbi.log"
        server, base = serve(args.fake_ncbi, args.records, args.rate, log)
        try:
            pmids = served_pmids(base)[:args.pmids]
            print(f"server: {base}, {args.rate} requests/s; fetching {len(pmids)} PMIDs in "
                  f"batches of {MAX_BATCH_SIZE}, first {args.rate} requests not timed")
            print(f"{'run':>3} {'records':>8} {'seconds':>8} {'records/s':>10} {'bound':>6} "
                  f"{'of bound':>9} {'429 (server)':>13} {'429 (client)':>13}")
            for run in range(1, args.runs + 1):
                before = len(statuses_in_log(log))
                records, seconds, client_429 = fetch_timed(base, pmids, warm_up=args.rate)
                time.sleep(0.2)                          # let the server finish its log lines
                server_429 = statuses_in_log(log)[before:].count(429)
                per_second = records / seconds if seconds > 0 else float("nan")
                print(f"{run:>3} {records:>8} {seconds:>8.2f} {per_second:>10.1f} {bound:>6} "
                      f"{per_second / bound:>9.1%} {server_429:>13} {client_429:>13}")
                time.sleep(1.1)                          # an empty window between runs
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
