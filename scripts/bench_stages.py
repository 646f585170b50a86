"""Benchmark: where the time of one record goes, stage by stage (`benchmark.py --stages`).

    python scripts/bench_stages.py                     # the fixture records, the tests' NCBI stub
    python scripts/bench_stages.py --records DIR       # every efetch XML file under DIR
    python scripts/bench_stages.py --fake-ncbi PATH/fake_ncbi.py --records DIR_OR_FILE ...

Starts a local NCBI stand-in with rate limiting off (the tests' stub, tests/ncbi_stub.py, which
ships with the repository; or, with --fake-ncbi, a fake_ncbi.py server, which also serves gold
JSONL files), then in one process:

1. fetches every PMID it serves with the real client, batches of 200, and nothing else (the
   baseline); then runs the whole pipeline (fetch, parse, extract, store) into a temporary
   database, twice (the second run, ``--force``, has the vocabularies and models loaded);
2. on the fetched records, times each stage of one record on its own: parse, analyse (sentences,
   tokens, abbreviations, dictionary matches, the tagger), the extractors, the record's
   validation, and the store, and prints each stage's share;
3. under the profiler, counts the calls of the sentence splitter per record and the share of
   each extractor and of the tagger (profiled times are slower than real ones; the shares are
   what to read).

Prints figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from extractor import __version__, store
from extractor.extract import build_record, run_extractors
from extractor.models import Article, ArticleRecord
from extractor.ncbi.fetch import PubMedClient
from extractor.ncbi.ratelimit import RateLimiter
from extractor.nlp.analysis import analyse
from extractor.parse.pubmed_xml import parse_article_xml, parse_efetch_records
from extractor.run import pipeline

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_RECORDS = ROOT / "fixtures" / "pubmed_xml"
sys.path.insert(0, str(ROOT / "tests"))
from ncbi_stub import NCBIStub  # noqa: E402 - the tests' stand-in, found through the path above

# Functions whose profiled cumulative time is reported, by (module file, name).
PROFILED = {
    ("sentences.py", "split_sentences"): "sentence splitter",
    ("ner.py", "find_entities"): "  of which the tagger",
    ("drugs.py", "extract_drugs"): "drugs",
    ("conditions.py", "extract_conditions"): "conditions",
    ("sample_size.py", "extract_sample_sizes"): "sample sizes",
    ("responses.py", "extract_response_counts"): "response counts",
    ("pvalues.py", "extract_p_values"): "P values",
}


def serve(fake_ncbi: Path, records: list[str], folder: Path) -> tuple[subprocess.Popen[str], str]:
    port_file = folder / "port"
    server = subprocess.Popen(
        [sys.executable, str(fake_ncbi), "--port", "0", "--port-file", str(port_file),
         "--rate", "0", "--records", *records],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert server.stdout is not None
    port = int(server.stdout.readline().rsplit(":", 1)[1])
    return server, f"http://127.0.0.1:{port}"


def served_pmids(base: str) -> list[str]:
    """The PMIDs a fake_ncbi.py server serves."""
    with urllib.request.urlopen(f"{base}/ids") as answer:
        return list(json.load(answer)["pmids"])


def end_to_end(base: str, pmids: list[str], folder: Path) -> tuple[list[bytes], dict[str, float]]:
    """The fetched efetch answers, and the seconds of the baseline and of the two full runs."""
    client = PubMedClient(eutils_url=f"{base}/entrez/eutils", limiter=RateLimiter(10_000))
    started = time.perf_counter()
    answers = [batch.xml_or_raise() for batch in client.fetch_efetch_batches(pmids)]
    seconds = {"fetch": time.perf_counter() - started}
    db = store.open_db(folder / "bench.db")
    started = time.perf_counter()
    result = pipeline.run_pmids(db, client, pmids)
    seconds["cold"] = time.perf_counter() - started
    started = time.perf_counter()
    pipeline.run_pmids(db, client, pmids, force=True)
    seconds["warm"] = time.perf_counter() - started
    seconds["records"] = len(pmids)
    seconds["stored"] = len(result.stored)
    return answers, seconds


def stage_times(records: list[bytes], folder: Path) -> dict[str, float]:
    """Seconds spent in each stage over all records (vocabularies and models loaded)."""
    db = store.open_db(folder / "stages.db")
    spent: dict[str, float] = defaultdict(float)
    for raw in records:
        clock = time.perf_counter()
        article = parse_article_xml(raw)
        clock = _lap(spent, "parse", clock)
        analysed = analyse(article)
        clock = _lap(spent, "analyse", clock)
        findings = run_extractors(analysed)
        clock = _lap(spent, "extract", clock)
        record = ArticleRecord(pmid=article.pmid, title=article.title, article=article,
                               extractor_version=__version__, **dict(findings))
        clock = _lap(spent, "validate", clock)
        store.save_record(db, record, raw=raw, source="efetch")
        _lap(spent, "store", clock)
    return spent


def _lap(spent: dict[str, float], stage: str, clock: float) -> float:
    now = time.perf_counter()
    spent[stage] += now - clock
    return now


def profiled(articles: list[Article]) -> tuple[dict[str, int], dict[str, float], float]:
    """Calls and cumulative seconds of the ``PROFILED`` functions over ``build_record`` of
    every article, and the total profiled seconds."""
    profiler = cProfile.Profile()
    profiler.enable()
    for article in articles:
        build_record(article)
    profiler.disable()
    stats = pstats.Stats(profiler)
    calls: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for (path, _, name), (_, ncalls, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        label = PROFILED.get((Path(path).name, name))
        if label is not None:
            calls[label] = calls.get(label, 0) + ncalls
            seconds[label] = seconds.get(label, 0.0) + cumulative
    return calls, seconds, stats.total_tt  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fake-ncbi", type=Path, metavar="PATH",
                        help="serve the records with this fake_ncbi.py instead of the tests' stub")
    parser.add_argument("--records", nargs="+", default=[str(FIXTURE_RECORDS)], metavar="PATH",
                        help="efetch XML directories (the stub takes one; fake_ncbi.py also takes "
                             "files and gold JSONL) [default: fixtures/pubmed_xml]")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.fake_ncbi is None:
            if len(args.records) != 1 or not Path(args.records[0]).is_dir():
                parser.error("without --fake-ncbi, --records takes one directory of efetch XML files")
            stub = NCBIStub(records_dir=Path(args.records[0])).start()
            try:
                answers, seconds = end_to_end(stub.base_url, sorted(stub.records, key=int), folder)
            finally:
                stub.stop()
        else:
            server, base = serve(args.fake_ncbi, args.records, folder)
            try:
                answers, seconds = end_to_end(base, served_pmids(base), folder)
            finally:
                server.terminate()
                server.wait(timeout=10)
        seconds["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        records = [xml for answer in answers for _, xml in parse_efetch_records(answer)]
        articles = [a for a in (parse_article_xml(xml) for xml in records) if a.kind != "deleted"]
        spent = stage_times(records, folder)
        calls, profiled_s, total_s = profiled(articles)
    n = int(seconds["records"])
    fetch_s, cold_s, warm_s = seconds["fetch"], seconds["cold"], seconds["warm"]
    print(f"records served            {n}  (stored {int(seconds['stored'])})")
    print(f"fetch only (baseline)     {fetch_s:6.2f} s  {n / fetch_s:8.1f} records/s")
    print(f"fetch+parse+extract+store {cold_s:6.2f} s  {n / cold_s:8.1f} records/s (cold)")
    print(f"same, second run (warm)   {warm_s:6.2f} s  {n / warm_s:8.1f} records/s")
    print(f"ratio warm run / baseline {warm_s / fetch_s:6.1f} x")
    print(f"one-off loading           {cold_s - warm_s:6.2f} s (vocabularies, NER models)")
    print(f"per record, warm          {1000 * (warm_s - fetch_s) / n:6.1f} ms beyond fetching")
    print(f"peak RSS                  {seconds['rss_mb']:6.0f} MB (after the end-to-end runs)")
    total = sum(spent.values())
    print(f"\nstages, {len(records)} records one at a time ({1000 * total / len(records):.1f} ms "
          "per record):")
    for stage, stage_s in spent.items():
        print(f"  {stage:<10} {1000 * stage_s / len(records):6.2f} ms  {stage_s / total:6.1%}")
    sections = sum(len(a.texts()) for a in articles)
    print(f"\nunder the profiler, {len(articles)} articles, {sections / len(articles):.2f} "
          "sections (title included) per article:")
    print(f"  sentence splits per record   {calls.get('sentence splitter', 0) / len(articles):6.2f}")
    for label in PROFILED.values():
        if label in profiled_s and label != "sentence splitter":
            print(f"  {label:<28} {profiled_s[label] / total_s:6.1%} of the profiled time")


if __name__ == "__main__":
    main()
