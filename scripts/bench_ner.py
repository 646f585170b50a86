"""Benchmark: the CRF tagger's time per record and its start-up (issue 10, "Cheaper extraction").

    python scripts/bench_ner.py                               # fixtures/pubmed_xml, best of 5
    python scripts/bench_ner.py --baseline OLD/extractor/nlp/ner.py --repeat 10

Every record in fixtures/pubmed_xml is parsed and each section (title, then abstract sections)
tokenised as ``analysis.analyse`` does; then ``ner.find_entities`` is timed over all of them,
with the lexicon and models loaded beforehand, and ``ner.featurize`` over the same lines (the
share of the time spent building features). ``--baseline`` loads another copy of ``ner.py``
(an older version, say from ``git show HEAD:extractor/nlp/ner.py``) as a second module, times it on
the same sections and checks that both find the same spans. Last, the start-up: a new Python
process that imports the tagger and tags one sentence, with the disk cache warmed first.

Prints figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from extractor.nlp import ner
from extractor.nlp.tokens import Tokens, tokenize
from extractor.parse.pubmed_xml import parse_efetch_xml

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_RECORDS = ROOT / "fixtures" / "pubmed_xml"
STARTUP = ("from extractor.nlp.ner import find_entities; "
           "find_entities('Cisplatin-induced nephrotoxicity in rats.')")

Section = tuple[str, Tokens]
Span = tuple[int, int, str]


def load_records(folder: Path) -> list[list[Section]]:
    """The sections of every record in ``folder``, each with its tokens."""
    records = []
    for path in sorted(folder.glob("*.xml")):
        for article in parse_efetch_xml(path.read_bytes()):
            records.append([(text, tokenize(text)) for _, text in article.texts() if text])
    return records


def load_module(path: Path) -> ModuleType:
    """``path`` imported as a module of its own (it imports the installed ``extractor``)."""
    spec = importlib.util.spec_from_file_location("ner_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """The shortest of ``repeat`` timed runs of ``run``, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def tag_all(module: ModuleType, records: Sequence[list[Section]]) -> list[list[list[Span]]]:
    """The spans of every section of every record."""
    return [[module.find_entities(text, tokens) for text, tokens in record] for record in records]


def featurize_all(module: ModuleType, records: Sequence[list[Section]]) -> None:
    """``featurize`` over each line piece, as ``find_entities_with`` cuts them."""
    for record in records:
        for text, tokens in record:
            spans = list(tokens.spans)
            for first, last in module._pieces(text, spans) if spans else ():
                offset = spans[first][0]
                module.featurize(text[offset:spans[last - 1][1]],
                                 [(s - offset, e - offset) for s, e in spans[first:last]])


def startup_seconds(repeat: int) -> float:
    """The best wall time of a new process importing the tagger and tagging one sentence."""
    command = [sys.executable, "-c", STARTUP]
    subprocess.run(command, check=True, cwd=ROOT)   # warms the disk cache
    return best_of(repeat, lambda: subprocess.run(command, check=True, cwd=ROOT))


def report(name: str, module: ModuleType, records: Sequence[list[Section]], repeat: int) -> None:
    n = len(records)
    tagging = best_of(repeat, lambda: tag_all(module, records))
    features = best_of(repeat, lambda: featurize_all(module, records))
    print(f"{name:<9} find_entities {1000 * tagging / n:7.2f} ms/record"
          f"   of which featurize {1000 * features / n:6.2f} ms/record")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, default=FIXTURE_RECORDS,
                        help="folder of efetch XML files")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs; the best is shown")
    parser.add_argument("--baseline", type=Path, help="another ner.py to time and compare")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up timing")
    args = parser.parse_args(argv)

    records = load_records(args.records)
    sections = sum(len(record) for record in records)
    print(f"{len(records)} records, {sections} sections")
    modules = {"current": ner}
    if args.baseline:
        modules["baseline"] = load_module(args.baseline)
    found = {name: tag_all(module, records) for name, module in modules.items()}   # warm-up
    if args.baseline:
        same = found["current"] == found["baseline"]
        print(f"same spans as the baseline: {'yes' if same else 'NO'}")
    for name, module in modules.items():
        report(name, module, records, args.repeat)
    if not args.no_startup:
        print(f"start-up (import, first tagging call, warm disk cache): "
              f"{startup_seconds(args.repeat):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
