"""Dev only: score the P value extractor on the C-TrO gold train and dev splits.

Usage: python scripts/dev_pvalues.py [--gold PATH] [--split train] [--split dev] [--show N]

Prints precision, recall and F1 (a gold span is found when a predicted P value overlaps it; a
prediction that overlaps no gold span is a false positive), the share of matches whose operator
and value equal our own parse of the gold span text, then the misses, false positives and
wrong parses with their context. Never scores the test split.

C-TrO annotates only some P values (``PvalueDiff``, ``PValueChangeValue``): baseline and
result-value P values are left unannotated, so part of the "false positives" are real P values.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractor.extract.pvalues import extract_p_values, find_p_values  # noqa: E402
from extractor.models import Article, PValue, Section  # noqa: E402
from extractor.text import map_chars  # noqa: E402

GOLD = Path("/work/shared/gold/ctro.jsonl")


def build_article(record: dict) -> Article:
    """The scoring convention: gold title, one unlabelled section of map_chars(abstract)."""
    return Article(
        pmid=record["pmid"] or "1",
        title=record["title"],
        sections=[Section(text=map_chars(record["abstract"]))],
    )


def text_offset(title: str, p: PValue) -> int:
    """Offset of ``p.start`` in TEXT = title + " " + abstract."""
    if p.section_index == 0:
        return p.start
    return p.start + (len(title) + 1 if title else 0)


def gold_parse(text: str) -> tuple[str, float] | None:
    """Our own parse of a gold span: "P < 0.001", "= 0.02" (no P) or "0.05" (number only)."""
    candidate = map_chars(text).strip().lstrip("(")
    if not candidate[:1].lower() == "p":
        candidate = "P " + candidate if candidate[:1] in "<>=≤≥" else "P = " + candidate
    hits = find_p_values(candidate)
    return (hits[0].operator, hits[0].value) if hits else None


def context(text: str, start: int, end: int, width: int = 60) -> str:
    return f"{text[max(0, start - width):start]}[[{text[start:end]}]]{text[end:end + width]}"


def score(records: list[dict], show: int) -> None:
    gold_total = gold_found = predicted = predicted_right = parsed = parsed_right = 0
    misses: list[str] = []
    false_positives: list[str] = []
    wrong: list[str] = []
    for record in records:
        title = record["title"]
        text = f"{title} {record['abstract']}" if title else record["abstract"]
        gold = record["annotations"].get("p_values", [])
        preds = [
            (text_offset(title, p), text_offset(title, p) + len(p.text), p)
            for p in extract_p_values(build_article(record))
        ]
        gold_total += len(gold)
        predicted += len(preds)
        for span in gold:
            hits = [p for s, e, p in preds if s < span["end"] and span["start"] < e]
            if not hits:
                misses.append(f"{record['id']}: {context(text, span['start'], span['end'])}")
                continue
            gold_found += 1
            expected = gold_parse(span["text"])
            if expected is None:
                continue
            parsed += 1
            if any((p.operator, p.value) == expected for p in hits):
                parsed_right += 1
            else:
                wrong.append(
                    f"{record['id']}: gold {span['text']!r} -> {expected}, got "
                    f"{[(p.text, p.operator, p.value) for p in hits]}"
                )
        for s, e, p in preds:
            if any(s < span["end"] and span["start"] < e for span in gold):
                predicted_right += 1
            else:
                false_positives.append(f"{record['id']}: {context(text, s, e)}")
    precision = predicted_right / predicted if predicted else 0.0
    recall = gold_found / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(
        f"  gold {gold_total}, found {gold_found}; predicted {predicted}, right {predicted_right}\n"
        f"  P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  "
        f"operator+value right {parsed_right}/{parsed}"
    )
    for name, rows in (("misses", misses), ("false positives", false_positives), ("wrong parses", wrong)):
        print(f"  {name}: {len(rows)}")
        for row in rows[:show]:
            print("    " + row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--split", action="append", choices=["train", "dev"])
    parser.add_argument("--show", type=int, default=200)
    args = parser.parse_args()
    records = [json.loads(line) for line in args.gold.open(encoding="utf-8")]
    for split in args.split or ["train", "dev"]:
        print(f"{split}:")
        score([r for r in records if r["split"] == split], args.show)


if __name__ == "__main__":
    main()
