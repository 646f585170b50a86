"""Dev only: score drug and condition mentions against BC5CDR and NCBI disease (train, dev).

Usage:
    python scripts/dev_mentions.py [--gold DIR] [--splits train,dev] [--top 30] [--ner]
    python scripts/dev_mentions.py --learn-stop-lists   # rewrite data/*_stop_variants.txt

Scoring: each gold document becomes Article(pmid="1", title=title,
sections=[Section(text=map_chars(abstract))]); every Mention of every text-source Drug or
Condition is a predicted span, mapped into TEXT = title + " " + abstract. Strict: the span
equals a gold span; lenient: it overlaps one.

``--learn-stop-lists`` reads the TRAIN splits only: a lexicon variant matched at least
``MIN_SEEN`` times whose matches overlap gold spans less than ``MAX_PRECISION`` of the time goes
to the stop list (chemicals vs BC5CDR train; diseases vs BC5CDR and NCBI train together).
Never run it on dev or test.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractor import lexicon as lex  # noqa: E402
from extractor.models import Article, Section  # noqa: E402
from extractor.text import map_chars  # noqa: E402

GOLD = Path("/work/shared/gold")
MIN_SEEN = 2
MAX_PRECISION = 0.3
Span = tuple[int, int]


def _load_extractors() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """extract_drugs, extract_conditions; loaded from file if the package __init__ cannot import."""
    import importlib
    import importlib.util

    found = []
    for name, func in (("drugs", "extract_drugs"), ("conditions", "extract_conditions")):
        try:
            module = importlib.import_module(f"extractor.extract.{name}")
        except ImportError:
            path = Path(__file__).resolve().parents[1] / "extractor" / "extract" / f"{name}.py"
            spec = importlib.util.spec_from_file_location(f"extractor.extract.{name}", path)
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        found.append(getattr(module, func))
    return found[0], found[1]


def read_gold(path: Path, splits: set[str]) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            if record["split"] in splits:
                yield record


def article_of(record: dict[str, Any]) -> Article:
    return Article(
        pmid="1", title=record["title"], sections=[Section(text=map_chars(record["abstract"]))]
    )


def predicted_spans(record: dict[str, Any], items: list[Any]) -> list[tuple[int, int, str]]:
    """(start, end, text) in TEXT of every text mention."""
    shift = len(record["title"]) + 1 if record["title"] else 0
    spans = []
    for item in items:
        if item.source != "text":
            continue
        for mention in item.mentions:
            offset = 0 if mention.section_index == 0 else shift
            spans.append((mention.start + offset, mention.end + offset, mention.text))
    return spans


class Score:
    def __init__(self) -> None:
        self.tp = self.pred = self.gold = 0
        self.lenient_tp_pred = self.lenient_tp_gold = 0
        self.fp: collections.Counter[str] = collections.Counter()
        self.fn: collections.Counter[str] = collections.Counter()

    def add(self, predicted: list[tuple[int, int, str]], gold: list[dict[str, Any]]) -> None:
        gold_spans = {(g["start"], g["end"]): g["text"] for g in gold}
        pred_spans = {(s, e): t for s, e, t in predicted}
        self.pred += len(pred_spans)
        self.gold += len(gold_spans)
        self.tp += len(set(pred_spans) & set(gold_spans))
        for (s, e), text in pred_spans.items():
            if any(s < ge and gs < e for gs, ge in gold_spans):
                self.lenient_tp_pred += 1
            if (s, e) not in gold_spans:
                self.fp[text.lower()] += 1
        for (s, e), text in gold_spans.items():
            if any(s < pe and ps < e for ps, pe in pred_spans):
                self.lenient_tp_gold += 1
            if (s, e) not in pred_spans:
                self.fn[text.lower()] += 1

    def line(self) -> str:
        def prf(tp_p: int, tp_g: int) -> str:
            p = tp_p / self.pred if self.pred else 0.0
            r = tp_g / self.gold if self.gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            return f"P {p:.3f} R {r:.3f} F1 {f:.3f}"

        return (f"strict {prf(self.tp, self.tp)} | lenient {prf(self.lenient_tp_pred, self.lenient_tp_gold)}"
                f" | pred {self.pred} gold {self.gold}")


def evaluate(args: argparse.Namespace) -> None:
    extract_drugs, extract_conditions = _load_extractors()
    finder = None
    if args.ner:
        from extractor.ner import find_entities
        finder = find_entities
    tasks = [
        ("bc5cdr chemicals", "bc5cdr.jsonl", "chemicals", extract_drugs),
        ("bc5cdr diseases", "bc5cdr.jsonl", "diseases", extract_conditions),
        ("ncbi diseases", "ncbi_disease.jsonl", "diseases", extract_conditions),
    ]
    for split in args.splits.split(","):
        if split == "test":
            raise SystemExit("test splits are not for tuning")
        for label, filename, key, extract in tasks:
            score = Score()
            started = time.time()
            for record in read_gold(args.gold / filename, {split}):
                items = extract(article_of(record), finder=finder) if finder else extract(article_of(record))
                score.add(predicted_spans(record, items), record["annotations"][key])
            print(f"{split:5} {label:17} {score.line()}  ({time.time() - started:.1f}s)")
            if args.top:
                print("   FP:", ", ".join(f"{t}×{n}" for t, n in score.fp.most_common(args.top)))
                print("   FN:", ", ".join(f"{t}×{n}" for t, n in score.fn.most_common(args.top)))


def learn_stop_lists(args: argparse.Namespace) -> None:
    """Variants that the TRAIN annotations almost never mark -> data/*_stop_variants.txt."""
    data = Path(__file__).resolve().parents[1] / "extractor" / "data"
    base_stop = lex.read_word_list("lexicon_stopwords.txt")
    drug_data = lex._load_pickle(lex._DRUG_PACKAGE, lex._DRUG_FILE)
    disease_data = lex._load_pickle(lex._DISEASE_PACKAGE, lex._DISEASE_FILE)
    jobs = [
        ("drug_stop_variants.txt",
         lex.vocabulary_variants(drug_data["drug_variant_to_canonical"], drug_data["drug_canonical_to_data"]),
         lex.read_synonyms("drug_extra_variants.tsv"), [("bc5cdr.jsonl", "chemicals")],
         ["placebo", "placebos", "vehicle"]),
        ("disease_stop_variants.txt",
         lex.vocabulary_variants(disease_data["disease_variant_to_canonical"],
                                 disease_data["disease_canonical_to_data"]),
         lex.read_synonyms("disease_extra_variants.tsv"),
         [("bc5cdr.jsonl", "diseases"), ("ncbi_disease.jsonl", "diseases")], []),
    ]
    stop_trees = {kind: learn_stop_trees(args, data, base_stop, kind) for kind in TREE_JOBS}
    all_records = {"drug": drug_data["drug_canonical_to_data"],
                   "disease": disease_data["disease_canonical_to_data"]}
    for filename, variants, extra, corpora, always in jobs:
        kind = filename.split("_")[0]
        if kind == "drug":
            merged = {v: k for v, k in variants.items()
                      if not lex._all_trees_stopped(all_records[kind].get(k, {}), stop_trees[kind])}
        else:
            merged = {v: k for v, k in variants.items()
                      if lex._is_condition_record(all_records[kind].get(k, {}))}
        merged.update(extra)
        lexicon = lex.Lexicon(merged, base_stop)
        seen: collections.Counter[tuple[str, ...]] = collections.Counter()
        hits: collections.Counter[tuple[str, ...]] = collections.Counter()
        for corpus, key in corpora:
            for record in read_gold(args.gold / corpus, {"train"}):
                text = (record["title"] + " " + record["abstract"]) if record["title"] else record["abstract"]
                text = map_chars(text)
                gold = [(g["start"], g["end"]) for g in record["annotations"][key]]
                for match in lexicon.find(text):
                    tokens = lex.variant_tokens(match.text)
                    seen[tokens] += 1
                    # overlap, not equality: "carcinoma" inside a gold "hepatocellular
                    # carcinoma" is a disease with the wrong edges, not a false alarm
                    hits[tokens] += any(match.start < e and s < match.end for s, e in gold)
        stop = sorted(
            " ".join(tokens) for tokens, n in seen.items()
            if n >= MIN_SEEN and hits[tokens] / n < MAX_PRECISION
        )
        header = (
            "# Variants matched >= %d times in the TRAIN split(s) %s and overlapping a marked\n"
            "# mention there < %d%% of the time. Generated by scripts/dev_mentions.py --learn-stop-lists; tokens joined by\n"
            "# spaces (matching ignores spacing).\n" % (MIN_SEEN, ", ".join(c for c, _ in corpora),
                                                    int(MAX_PRECISION * 100))
        )
        body = "\n".join([*always, *stop]) + "\n"
        (data / filename).write_text(header + body, encoding="utf-8")
        print(f"{filename}: {len(stop)} learned variants")


TREE_JOBS = {
    # kind: (package, file, variants key, records key, corpora, prefixes that may be stopped)
    "drug": (lex._DRUG_PACKAGE, lex._DRUG_FILE, "drug_variant_to_canonical",
             "drug_canonical_to_data", [("bc5cdr.jsonl", "chemicals")], ("",)),
}


def learn_stop_trees(
    args: argparse.Namespace, data: Path, base_stop: list[str], kind: str
) -> tuple[str, ...]:
    """Two-level MeSH tree prefixes of records whose TRAIN matches are rarely marked."""
    package, filename, variants_key, records_key, corpora, allowed = TREE_JOBS[kind]
    pickled = lex._load_pickle(package, filename)
    records = pickled[records_key]
    lexicon = lex.Lexicon(lex.vocabulary_variants(pickled[variants_key], records), base_stop)
    seen: collections.Counter[str] = collections.Counter()
    hits: collections.Counter[str] = collections.Counter()
    for corpus, key in corpora:
        for record in read_gold(args.gold / corpus, {"train"}):
            text = map_chars(
                (record["title"] + " " + record["abstract"]) if record["title"] else record["abstract"]
            )
            gold = {(g["start"], g["end"]) for g in record["annotations"][key]}
            for match in lexicon.find(text):
                trees = records.get(match.key, {}).get("mesh_tree", [])
                for prefix in {".".join(t.split(".")[:2]) for t in trees}:
                    seen[prefix] += 1
                    hits[prefix] += (match.start, match.end) in gold
    stop = sorted(p for p, n in seen.items()
                  if n >= 5 and hits[p] / n < MAX_PRECISION and p.startswith(allowed))
    header = ("# MeSH tree prefixes (two levels) of %s-vocabulary records matched >= 5 times in\n"
              "# %s TRAIN and marked there < %d%% of the time. A record whose every tree\n"
              "# number is under these is left out. Generated by scripts/dev_mentions.py.\n"
              % (kind, ", ".join(c for c, _ in corpora), int(MAX_PRECISION * 100)))
    (data / f"{kind}_stop_trees.txt").write_text(header + "\n".join(stop) + "\n", encoding="utf-8")
    print(f"{kind}_stop_trees.txt: {stop}")
    return tuple(p.lower() for p in stop)


def learn_mesh_corrections(args: argparse.Namespace) -> None:
    """Disease key -> MeSH UI where BC5CDR TRAIN gold IDs disagree with the vocabulary's ID.

    The vocabulary's ``mesh_id`` is wrong for about half the descriptors matched in train
    (it gives D014655 for Hypertension, D006973). Only keys seen >= 2 times whose gold ID is
    one and the same at least 80% of the time are written.
    """
    data = Path(__file__).resolve().parents[1] / "extractor" / "data"
    lexicon = lex.disease_lexicon()
    records = lex.disease_records()
    votes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for record in read_gold(args.gold / "bc5cdr.jsonl", {"train"}):
        text = map_chars((record["title"] + " " + record["abstract"]) if record["title"] else record["abstract"])
        gold = {(g["start"], g["end"]): g["mesh"] for g in record["annotations"]["diseases"]}
        for match in lexicon.find(text):
            mesh = gold.get((match.start, match.end))
            if mesh and "|" not in mesh and mesh.startswith("D"):
                votes[match.key][mesh] += 1
    lines = []
    for key, counter in sorted(votes.items()):
        mesh, n = counter.most_common(1)[0]
        total = sum(counter.values())
        if total >= 2 and n / total >= 0.8 and records.get(key, {}).get("mesh_id") != mesh:
            lines.append(f"{key}\t{mesh}")
    header = ("# disease key<TAB>MeSH UI: corrections of the vocabulary's mesh_id, learned from the\n"
              "# IDs of BC5CDR TRAIN disease mentions (>= 2 mentions, >= 80% agreement).\n"
              "# Generated by scripts/dev_mentions.py --learn-stop-lists.\n")
    (data / "disease_mesh_corrections.tsv").write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"disease_mesh_corrections.tsv: {len(lines)} keys")


def mesh_agreement(args: argparse.Namespace, split: str) -> str:
    """Share of strict-correct disease mentions whose identifier equals the gold MeSH ID."""
    _, extract_conditions = _load_extractors()
    same = total = 0
    for record in read_gold(args.gold / "bc5cdr.jsonl", {split}):
        gold = {(g["start"], g["end"]): g["mesh"] for g in record["annotations"]["diseases"]}
        shift = len(record["title"]) + 1 if record["title"] else 0
        for condition in extract_conditions(article_of(record)):
            for m in condition.mentions:
                offset = 0 if m.section_index == 0 else shift
                mesh = gold.get((m.start + offset, m.end + offset))
                if mesh:
                    total += 1
                    same += m.identifier == mesh
    return f"{split} bc5cdr disease MeSH ID agreement on correct spans: {same}/{total}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--splits", default="train,dev")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--ner", action="store_true", help="merge extractor.ner spans")
    parser.add_argument("--learn-stop-lists", action="store_true")
    args = parser.parse_args()
    if args.learn_stop_lists:
        learn_stop_lists(args)
        learn_mesh_corrections(args)
    else:
        evaluate(args)
        for split in args.splits.split(","):
            print(mesh_agreement(args, split))


if __name__ == "__main__":
    main()
