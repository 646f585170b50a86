"""Train the chemical and disease CRF models shipped in extractor/data/.

Usage (from the repository root):

    python scripts/train_ner.py --gold ../shared/gold --out extractor/data/ner_model --final

Trains on the gold TRAIN splits, prints strict and lenient dev P/R/F1 per corpus and entity
type, then (with ``--final``) retrains on train + dev with the same settings and writes
``<out>.chemical.crfsuite`` and ``<out>.disease.crfsuite``. Without ``--final`` the train-only
models are written. Test-split records are skipped (never featurised, trained on or scored).
L-BFGS training is deterministic (word dropout, off by default, uses a fixed seed), so the same
data and settings give the same models. The lexicon snapshot ``<out>.lexicon.txt.xz`` is
rebuilt from the installed dictionary packages first, and the features use it.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pycrfsuite

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractor.evaluate.gold import read_gold
from extractor.nlp import ner
from extractor.nlp.tokens import tokenize
from extractor.parse.text import map_chars

# corpus -> gold keys annotated there, as our labels
CORPUS_LABELS = {
    "bc5cdr": {"chemicals": "chemical", "diseases": "disease"},
    "ncbi_disease": {"diseases": "disease"},
}


@dataclass
class Doc:
    corpus: str
    split: str
    text: str
    gold: dict[str, list[tuple[int, int]]]
    tokens: list[tuple[int, int]] = field(default_factory=list)
    features: list[dict[str, float | str]] = field(default_factory=list)


def load_docs(gold_dir: Path, splits: Sequence[str]) -> list[Doc]:
    docs = []
    for corpus, keys in CORPUS_LABELS.items():
        for doc in read_gold(gold_dir / f"{corpus}.jsonl"):
            if doc.split not in splits:
                continue
            # as find_entities sees it: look-alikes mapped one for one, offsets unchanged
            gold = {label: [(s.start, s.end) for s in doc.annotations[key]]
                    for key, label in keys.items()}
            docs.append(Doc(corpus, doc.split, map_chars(doc.text), gold))
    return docs


def bio_tags(tokens: Sequence[tuple[int, int]], spans: Iterable[tuple[int, int]],
             label: str) -> list[str]:
    tags = ["O"] * len(tokens)
    starts = {s: i for i, (s, _) in enumerate(tokens)}
    ends = {e: i for i, (_, e) in enumerate(tokens)}
    for start, end in sorted(spans):
        # spans not on token boundaries (2 in NCBI train) are cut to the tokens they cover
        first = starts.get(start)
        if first is None:
            first = next((i for i, (s, e) in enumerate(tokens) if e > start), None)
        last = ends.get(end)
        if last is None:
            last = max((i for i, (s, e) in enumerate(tokens) if s < end), default=None)
        if first is None or last is None or last < first:
            continue
        if any(t != "O" for t in tags[first:last + 1]):  # overlapping gold span: keep first
            continue
        tags[first] = f"B-{label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{label}"
    return tags


# Features that name the word itself. Word dropout hides them on some training tokens so the
# model also learns to use shape, affixes and dictionary membership, which is all it has for a
# word never seen in training ("efalizumab": no "-mab" antibody occurs in BC5CDR train/dev).
IDENTITY_FEATURES = ("w", "chunk", "-1|0", "0|+1", "p4", "s5")


def word_dropout(features: Sequence[dict], rate: float, rng: random.Random) -> list[dict]:
    if rate <= 0:
        return list(features)
    out = []
    for feats in features:
        if rng.random() < rate:
            feats = {k: v for k, v in feats.items() if k not in IDENTITY_FEATURES}
        out.append(feats)
    return out


def train_model(docs: Sequence[Doc], label: str, corpora: Sequence[str], params: dict,
                path: Path, dropout: float = 0.0, seed: int = 13) -> None:
    rng = random.Random(seed)
    trainer = pycrfsuite.Trainer(verbose=False)
    for doc in docs:
        if doc.corpus in corpora and label in doc.gold:
            trainer.append(word_dropout(doc.features, dropout, rng),
                           bio_tags(doc.tokens, doc.gold[label], label))
    trainer.set_params(params)
    trainer.train(str(path))


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(docs: Sequence[Doc], taggers: dict[str, pycrfsuite.Tagger],
             propagate: bool = True) -> dict:
    """Strict (same offsets) and lenient (overlap) counts per (corpus, label)."""
    counts: dict[tuple[str, str], list[int]] = {}
    for doc in docs:
        predicted = ner.entities_from_features(
            doc.text, doc.tokens, doc.features, taggers, propagate
        )
        for label, gold_spans in doc.gold.items():
            gold = set(gold_spans)
            pred = {(s, e) for s, e, lab in predicted if lab == label}
            c = counts.setdefault((doc.corpus, label), [0] * 5)
            c[0] += len(pred & gold)
            c[1] += len(pred)
            c[2] += len(gold)
            c[3] += sum(any(s < ge and gs < e for gs, ge in gold) for s, e in pred)
            c[4] += sum(any(s < ge and gs < e for s, e in pred) for gs, ge in gold)
    return counts


def report(counts: dict) -> None:
    print(f"{'corpus':<14}{'type':<10}{'strict P':>9}{'R':>7}{'F1':>7}"
          f"{'lenient P':>11}{'R':>7}{'F1':>7}{'gold':>7}")
    for (corpus, label), (tp, n_pred, n_gold, lp, lr) in sorted(counts.items()):
        p, r, f = prf(tp, n_pred, n_gold)
        lp_ = lp / n_pred if n_pred else 0.0
        lr_ = lr / n_gold if n_gold else 0.0
        lf = 2 * lp_ * lr_ / (lp_ + lr_) if lp_ + lr_ else 0.0
        print(f"{corpus:<14}{label:<10}{p:>9.3f}{r:>7.3f}{f:>7.3f}"
              f"{lp_:>11.3f}{lr_:>7.3f}{lf:>7.3f}{n_gold:>7}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True, help="folder with the gold JSONL")
    parser.add_argument("--out", type=Path, required=True,
                        help="output prefix, e.g. extractor/data/ner_model")
    parser.add_argument("--final", action="store_true",
                        help="after the dev evaluation, retrain on train + dev and write that")
    parser.add_argument("--c1", type=float, default=0.2, help="L1 penalty")
    parser.add_argument("--c2", type=float, default=0.01, help="L2 penalty")
    parser.add_argument("--iterations", type=int, default=150, help="L-BFGS iterations")
    parser.add_argument("--min-freq", type=float, default=1.0, help="feature.minfreq")
    parser.add_argument("--chemical-corpora", default="bc5cdr")
    parser.add_argument("--disease-corpora", default="bc5cdr,ncbi_disease")
    parser.add_argument("--word-dropout", type=float, default=0.0,
                        help="share of training tokens whose identity features are hidden")
    parser.add_argument("--skip-dev", action="store_true", help="no train-only model/dev scores")
    args = parser.parse_args(argv)

    params = {
        "c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
        "feature.minfreq": args.min_freq, "feature.possible_transitions": True,
    }
    corpora = {
        "chemical": args.chemical_corpora.split(","),
        "disease": args.disease_corpora.split(","),
    }
    started = time.time()
    lexicons = ner.build_lexicon_sets()
    lexicon_path = Path(f"{args.out}.lexicon.txt.xz")
    lexicon_path.parent.mkdir(parents=True, exist_ok=True)
    ner.write_lexicon_snapshot(lexicons, str(lexicon_path))
    print(f"wrote {lexicon_path}: " + ", ".join(f"{k} {len(v)}" for k, v in lexicons.items()))
    docs = load_docs(args.gold, ("train", "dev"))
    for doc in docs:
        doc.tokens = list(tokenize(doc.text).spans)
        doc.features = ner.featurize(doc.text, doc.tokens, lexicons)
    print(f"featurised {len(docs)} documents in {time.time() - started:.0f}s", flush=True)
    train = [d for d in docs if d.split == "train"]
    dev = [d for d in docs if d.split == "dev"]

    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_dev:
            taggers = {}
            for label in ner.LABELS:
                path = Path(tmp) / f"{label}.crfsuite"
                train_model(train, label, corpora[label], params, path, args.word_dropout)
                taggers[label] = pycrfsuite.Tagger()
                taggers[label].open(str(path))
                print(f"trained {label} on train in {time.time() - started:.0f}s", flush=True)
            print(f"dev scores (models trained on train; params {params}, corpora {corpora}, "
                  f"word dropout {args.word_dropout})")
            print("without mention propagation:")
            report(evaluate(dev, taggers, propagate=False))
            print("with mention propagation (as shipped):")
            report(evaluate(dev, taggers))
            if not args.final:
                for label in ner.LABELS:
                    target = Path(f"{args.out}.{label}.crfsuite")
                    target.write_bytes((Path(tmp) / f"{label}.crfsuite").read_bytes())
                    print(f"wrote {target}")
        if args.final:
            for label in ner.LABELS:
                target = Path(f"{args.out}.{label}.crfsuite")
                target.parent.mkdir(parents=True, exist_ok=True)
                train_model(train + dev, label, corpora[label], params, target,
                            args.word_dropout)
                print(f"trained {label} on train+dev, wrote {target} "
                      f"({target.stat().st_size / 1e6:.1f} MB) at {time.time() - started:.0f}s",
                      flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
