"""Effect estimates and consistency checks over whole corpora, next to Georgescu & Wren's rates.

    python scripts/effects_report.py ../shared/pubmed_xml ../shared/gold/*.jsonl
    python scripts/effects_report.py ../shared/gold/evidence_inference.jsonl --decision-errors

Reads efetch XML files (or directories of them) and gold JSONL files (every split: this counts,
it tunes nothing), extracts each record as `extract` does, and prints how many effect estimates
(per measure) and checks (per kind and verdict) were found, and the share discrepant of each
kind next to the rates Georgescu & Wren (Bioinformatics 2018) found in MEDLINE abstracts: 2.7 %
of percent-count pairs, 5.6-7.5 % of ratio-interval-P sets. ``--decision-errors`` also prints
every decision error with its sentence, to be read.
"""

from __future__ import annotations

import argparse
import multiprocessing
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from extractor.errors import ExtractorError
from extractor.evaluate.gold import load_gold
from extractor.extract import extract_findings
from extractor.models import Article, Findings, Section
from extractor.parse.pubmed_xml import parse_efetch_xml
from extractor.parse.text import map_chars

# Georgescu & Wren 2018 (doi:10.1093/bioinformatics/btx811): share of discrepant values found.
PUBLISHED = {
    "percent_vs_count": "2.7 % (percent-count pairs)",
    "p_vs_interval": "5.6-7.5 % (ratio, CI and P sets)",
}
VERDICTS = ("consistent", "discrepant", "decision_error", "not_checkable")


def articles(paths: list[Path]) -> Iterator[tuple[str, Article]]:
    """(source, article) of every record: XML files and directories, gold JSONL files."""
    for path in paths:
        files = sorted(path.rglob("*.xml")) if path.is_dir() else [path]
        for file in files:
            if file.suffix == ".jsonl":
                for doc in load_gold([file], None):
                    yield doc.id, Article(pmid="1", title=map_chars(doc.title),
                                          sections=[Section(text=map_chars(doc.abstract))])
                continue
            try:
                for article in parse_efetch_xml(file.read_bytes()):
                    if article.kind != "deleted":
                        yield f"{file.name}:{article.pmid}", article
            except ExtractorError:
                continue   # not an efetch set (PMC XML among the samples)


def findings(item: tuple[str, Article]) -> tuple[str, Findings]:
    source, article = item
    return source, extract_findings(article)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--decision-errors", action="store_true",
                        help="print every decision error with its sentence")
    args = parser.parse_args()
    measures: Counter[str] = Counter()
    checks: Counter[tuple[str, str]] = Counter()
    errors: list[str] = []
    records = 0
    with multiprocessing.Pool() as pool:
        for source, found in pool.imap(findings, articles(args.paths), chunksize=16):
            records += 1
            measures.update(e.measure for e in found.effect_estimates)
            checks.update((c.kind, c.verdict) for c in found.checks)
            errors.extend(f"{source} | {c.kind} | {c.reported} | {c.recomputed} | {c.sentence}"
                          for c in found.checks if c.verdict == "decision_error")
    print(f"records {records:,}; effect estimates {sum(measures.values()):,}: "
          + ", ".join(f"{m} {n:,}" for m, n in measures.most_common()))
    print(f"\n{'check':<22}" + "".join(f"{v:>16}" for v in VERDICTS)
          + f"{'not consistent':>16}  Georgescu & Wren")
    for kind in sorted({kind for kind, _ in checks}):
        row = [checks[(kind, v)] for v in VERDICTS]
        checkable = row[0] + row[1] + row[2]
        share = f"{(row[1] + row[2]) / checkable:.1%}" if checkable else "-"
        print(f"{kind:<22}" + "".join(f"{n:>16,}" for n in row) + f"{share:>16}  "
              + PUBLISHED.get(kind, ""))
    if args.decision_errors:
        print(f"\ndecision errors ({len(errors)}):")
        print("\n".join(errors))


if __name__ == "__main__":
    main()
