"""Dev-only: score sample size and response counts on the gold TRAIN and DEV splits.

Usage: python scripts/dev_counts.py [--errors N] [--split train|dev] [--corpus pico|ctro]

Never reads the test split. Gold documents become Article(pmid="1", title=..., sections=[one
Section with map_chars(abstract)]); section_index 0 offsets index the title, section_index 1
offsets + len(title) + 1 (title non-empty) index the gold TEXT.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# extractor/extract/__init__.py imports every extractor; load only the two scored here, so the
# script runs while sibling extractors are being written.
if "extractor.extract" not in sys.modules:
    import types

    _package = types.ModuleType("extractor.extract")
    _package.__path__ = [str(ROOT / "extractor" / "extract")]
    sys.modules["extractor.extract"] = _package

from extractor.extract.sample_size import extract_sample_sizes  # noqa: E402
from extractor.models import Article, Evidence, Section  # noqa: E402
from extractor.text import map_chars  # noqa: E402

GOLD = Path("/work/shared/gold")
CORPORA = {"pico": "pico_breast_cancer.jsonl", "ctro": "ctro.jsonl"}
SPLITS = ("train", "dev")


def load(corpus: str, split: str) -> list[dict]:
    if split not in SPLITS:
        raise SystemExit("only train and dev may be read")
    with open(GOLD / CORPORA[corpus], encoding="utf-8") as handle:
        docs = [json.loads(line) for line in handle]
    return [doc for doc in docs if doc["split"] == split]


def to_article(doc: dict) -> Article:
    return Article(pmid="1", title=map_chars(doc["title"]),
                   sections=[Section(text=map_chars(doc["abstract"]))])


def text_offsets(doc: dict, item: Evidence) -> tuple[int, int]:
    if item.section_index == 0:
        return item.start, item.end
    shift = len(doc["title"]) + 1 if doc["title"] else 0
    return item.start + shift, item.end + shift


def gold_text(doc: dict) -> str:
    return f"{doc['title']} {doc['abstract']}" if doc["title"] else doc["abstract"]


def score_sample_size(docs: list[dict], show: int) -> None:
    with_gold = [d for d in docs if any(s["value"] for s in d["annotations"].get("sample_size", []))]
    correct = answered = 0
    errors = []
    for doc in with_gold:
        gold = {s["value"] for s in doc["annotations"]["sample_size"] if s["value"]}
        found = extract_sample_sizes(to_article(doc))
        chosen = next((s for s in found if s.chosen), None)
        if chosen is not None:
            answered += 1
        if chosen is not None and chosen.value in gold:
            correct += 1
        else:
            errors.append((doc, gold, chosen, found))
    n = len(with_gold)
    print(f"  sample_size: docs with gold {n}, accuracy {correct / n:.3f}, coverage {answered / n:.3f}")
    for doc, gold, chosen, found in errors[:show]:
        text = gold_text(doc)
        spans = [(s["text"], s["value"]) for s in doc["annotations"]["sample_size"]]
        print(f"    - {doc['id']} gold {sorted(gold)} {spans} chose "
              f"{None if chosen is None else (chosen.value, chosen.role, chosen.score, chosen.text)}")
        for s in found:
            a, b = text_offsets(doc, s)
            print(f"        cand {s.value} {s.role} {s.score} ...{text[max(0, a - 60):b + 40]!r}")
        for s in doc["annotations"]["sample_size"][:2]:
            print(f"        gold {s['value']} ...{text[max(0, s['start'] - 60):s['end'] + 40]!r}")


def score_responders(docs: list[dict], show: int) -> None:
    from extractor.extract.responses import extract_response_counts

    gold_total = found_gold = predicted = predicted_ok = 0
    misses, false_pos = [], []
    for doc in docs:
        gold = [s for s in doc["annotations"].get("responders", []) if s["value"] is not None]
        counts = extract_response_counts(to_article(doc))
        spans = [(c, *text_offsets(doc, c)) for c in counts]
        text = gold_text(doc)
        for g in gold:
            gold_total += 1
            if any(c.responders == g["value"] and a < g["end"] and g["start"] < b for c, a, b in spans):
                found_gold += 1
            else:
                misses.append(f"{doc['id']} {g['value']}: ...{text[max(0, g['start'] - 70):g['start']]}"
                              f"[{g['text']}]{text[g['end']:g['end'] + 50]}")
        for c, a, b in spans:
            predicted += 1
            if any(c.responders == g["value"] and a < g["end"] and g["start"] < b for g in gold):
                predicted_ok += 1
            else:
                false_pos.append(f"{doc['id']} {c.responders}/{c.total} ({c.percent}): ..."
                                 f"{text[max(0, a - 60):a]}[{text[a:b]}]{text[b:b + 40]}")
    recall = found_gold / gold_total if gold_total else float("nan")
    precision = predicted_ok / predicted if predicted else float("nan")
    print(f"  responders: gold {gold_total}, recall {recall:.3f}; predicted {predicted}, "
          f"precision {precision:.3f}")
    for line in misses[:show]:
        print("    miss", line.replace("\n", " "))
    for line in false_pos[:show]:
        print("    fp  ", line.replace("\n", " "))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", type=int, default=0)
    parser.add_argument("--split", choices=SPLITS)
    parser.add_argument("--corpus", choices=sorted(CORPORA))
    parser.add_argument("--only", choices=["sample_size", "responders"])
    args = parser.parse_args()
    for corpus in [args.corpus] if args.corpus else sorted(CORPORA):
        for split in [args.split] if args.split else SPLITS:
            docs = load(corpus, split)
            print(f"{corpus} {split} ({len(docs)} docs)")
            if args.only in (None, "sample_size"):
                score_sample_size(docs, args.errors)
            if args.only in (None, "responders"):
                score_responders(docs, args.errors)


if __name__ == "__main__":
    main()
