"""Benchmark: end-to-end throughput against the local NCBI stand-in, with a fetch-only baseline.

    python scripts/benchmark.py --fake-ncbi ../shared/tools/fake_ncbi.py \
        --records ../shared/pubmed_xml ../shared/seed

Starts fake_ncbi.py (rate limiting off), then in one process: (1) fetches every PMID it serves
with the real client, batches of 200, and nothing else (the baseline); (2) runs the whole
pipeline (fetch, parse, extract, store) into a temporary database. Prints records/s of both,
their ratio, the cost of extraction per record and the peak RSS. Prints figures only; no
pass/fail. A second full run (--force) separates the one-off loading of vocabularies and
models from the per-record cost.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from extractor import pipeline, store
from extractor.fetch import PubMedClient
from extractor.ratelimit import RateLimiter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fake-ncbi", type=Path, required=True)
    parser.add_argument("--records", nargs="+", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        server = subprocess.Popen(
            [sys.executable, str(args.fake_ncbi), "--port", "0", "--port-file", str(port_file),
             "--rate", "0", "--records", *args.records],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            port = int(server.stdout.readline().rsplit(":", 1)[1])
            base = f"http://127.0.0.1:{port}"
            with urllib.request.urlopen(f"{base}/ids") as answer:
                pmids = json.load(answer)["pmids"]
            limiter = RateLimiter(10_000)
            client = PubMedClient(eutils_url=f"{base}/entrez/eutils", limiter=limiter)

            started = time.perf_counter()
            fetched = sum(len(b.xml or b"") for b in client.fetch_efetch_batches(pmids))
            fetch_s = time.perf_counter() - started

            db = store.open_db(Path(tmp) / "bench.db")
            started = time.perf_counter()
            result = pipeline.run_pmids(db, client, pmids)
            full_s = time.perf_counter() - started
            started = time.perf_counter()  # again, with vocabularies and models loaded
            pipeline.run_pmids(db, client, pmids, force=True)
            warm_s = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
    n = len(pmids)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"records served            {n}")
    print(f"fetch only (baseline)     {fetch_s:6.2f} s  {n / fetch_s:8.1f} records/s  ({fetched / 1e6:.1f} MB)")
    print(f"fetch+parse+extract+store {full_s:6.2f} s  {n / full_s:8.1f} records/s  "
          f"stored {len(result.stored)}, failed {len(result.failed)}, not found {len(result.not_found)}")
    print(f"same, second run (warm)   {warm_s:6.2f} s  {n / warm_s:8.1f} records/s")
    print(f"ratio warm run / baseline {warm_s / fetch_s:6.1f} x")
    print(f"one-off loading           {full_s - warm_s:6.2f} s (vocabularies, NER models)")
    print(f"extraction+store cost     {1000 * (warm_s - fetch_s) / n:6.1f} ms per record (warm)")
    print(f"peak RSS                  {peak_mb:6.0f} MB")


if __name__ == "__main__":
    main()
