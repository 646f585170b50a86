"""Train the role models of ``extractor/data/`` from the TRAIN splits of the gold corpora.

    python scripts/train_roles.py --gold ../shared/gold            # writes both models
    python scripts/train_roles.py --gold ../shared/gold --only drug

Needs numpy and scikit-learn (``pip install -e '.[train]'``); the package itself reads the
models with plain Python (``extractor.extract.roles.RoleModel``).

- Drugs (``drug_role_model.json``): one instance per drug found in the text of an Evidence
  Inference TRAIN article; positive when the drug vocabulary finds it in the article's
  ``interventions_text`` or ``comparators_text`` (what the physicians wrote down as compared).
  Every article is read twice, in its labelled sections and flattened into one paragraph
  ("Background: ... Methods: ..."), so that the model knows both ways abstracts come. A code
  name the vocabulary lacks ("LCI699", "GLPG0259") is positive when those strings hold it (the
  vocabulary cannot find it there, which taught the model that codes are never studied).
  ``ratio`` (``--ratio``) is written with the model: another drug of the article is studied
  only at that share of the likeliest drug's chance.
- Conditions (``condition_role_model.json``): one instance per condition found in the text of a
  PICO or C-TrO TRAIN abstract that annotates at least one condition, positive when
  ``extract evaluate`` would count it right as the population's condition (a mention overlaps
  a gold condition span, or its MeSH ID is that of a name inside one); and of the Evidence
  Inference TRAIN abstracts of ``tests/data/condition_labels.jsonl`` (labelled by hand at
  document level as ``REVIEWER_GUIDELINES.md`` asks, read twice like the drugs' articles),
  positive when one of its names matches a label as ``extract evaluate`` matches a reviewer's,
  left out when it matches only an optional label. The chances with which the article's
  likeliest condition (``minimum``) and any other (``threshold``) become its population's
  (``conditions.population_keys``) are those that maximise the cross-validated document F1 on
  those hand-labelled abstracts.

Documents of ``--exclude`` (default ``GOLD/reviewer.jsonl``, whose abstracts come from Evidence
Inference TRAIN and dev) are left out of training, matched by PMID and by ``source_id``
("evidence_inference:PMC4236431"), so that the figures measured there stay held out.

L2-regularised logistic regression; the regularisation is chosen by 5-fold cross-validation on
TRAIN (grouped by article), and the thresholds from the cross-validated probabilities: for
drugs the highest one that keeps recall at ``--recall``, for conditions as said above.
Features seen in fewer than ``--min-count`` instances are left out. Never reads dev or test.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_predict

from extractor.evaluate.gold import GoldDoc, GoldSpan, read_gold
from extractor.evaluate.reviewer import match_names, name_tokens, name_variants, names_match
from extractor.evaluate.score import (
    TREATMENT_STRINGS,
    build_article,
    drug_identity,
    gold_condition_ids,
    gold_drugs,
    overlaps,
    section_starts,
)
from extractor.extract.conditions import (
    condition_display,
    condition_features,
    condition_mentions,
    population_keys,
    ruled_out,
)
from extractor.extract.drugs import drug_display, drug_features, drug_mentions
from extractor.extract.mentions import SectionMatch
from extractor.extract.roles import RoleModel
from extractor.nlp.analysis import analyse

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "extractor" / "data"
CONDITION_LABELS = ROOT / "tests" / "data" / "condition_labels.jsonl"
SPLIT = "train"
Instance = tuple[dict[str, float], int, str]   # features, label, document id


@dataclass(frozen=True)
class Excluded:
    """Documents never trained on: their ids (and the ``source_id`` they were drawn from) and
    PMIDs."""

    ids: frozenset[str] = frozenset()
    pmids: frozenset[str] = frozenset()

    def holds(self, doc: GoldDoc) -> bool:
        return doc.id in self.ids or (doc.pmid is not None and doc.pmid in self.pmids)


def read_excluded(path: Path | None) -> Excluded:
    """The documents of a gold file such as reviewer.jsonl, by id, ``source_id`` and PMID."""
    if path is None or not path.exists():
        return Excluded()
    ids: set[str] = set()
    pmids: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        ids.update(str(record[key]) for key in ("id", "source_id") if record.get(key))
        if record.get("pmid"):
            pmids.add(str(record["pmid"]))
    return Excluded(frozenset(ids), frozenset(pmids))


def drug_instances(gold: Path, excluded: Excluded = Excluded()) -> Iterator[Instance]:
    for doc in read_gold(gold / "evidence_inference.jsonl"):
        if doc.split != SPLIT or excluded.holds(doc):
            continue
        strings = [s for key in TREATMENT_STRINGS for s in doc.strings.get(key, ())]
        wanted = gold_drugs(strings)
        # each abstract twice: in its labelled sections, and flattened into one paragraph with
        # the labels printed inline ("Background: ... Methods: ..."), as PubMed's unstructured
        # AbstractText and reviewer-style files give it (both copies in one fold)
        for version in (doc, replace(doc, sections=())) if doc.sections else (doc,):
            analysed = analyse(build_article(version))
            groups = drug_mentions(analysed)
            for key, group in groups.items():
                features = drug_features(analysed.sections, key, groups)
                name, identifier = drug_display(key, group[0].text)
                label = int(drug_identity(name, identifier) in wanted or (
                    "code_name" in features and _named_in(group, strings)))
                yield features, label, doc.id


def _named_in(group: Iterable[SectionMatch], strings: Sequence[str]) -> bool:
    """True when one of the strings holds a mention's words ("LCI699" in "LCI699 1 mg bid")."""
    tokens = [name_tokens(string) for string in strings]
    return any(_inside(name_tokens(m.text), words) for m in group for words in tokens)


def _inside(part: list[str], words: list[str]) -> bool:
    return bool(part) and any(words[i:i + len(part)] == part for i in range(len(words)))


def condition_instances(gold: Path, excluded: Excluded = Excluded()) -> Iterator[Instance]:
    for corpus in ("pico_breast_cancer.jsonl", "ctro.jsonl"):
        for doc in read_gold(gold / corpus):
            spans = doc.annotations.get("conditions")
            if doc.split != SPLIT or not spans or excluded.holds(doc):
                continue
            yield from _condition_instances(doc, spans)


def _condition_instances(doc: GoldDoc, spans: tuple[GoldSpan, ...]) -> Iterator[Instance]:
    ids = gold_condition_ids(spans)
    starts = section_starts(doc)
    analysed = analyse(build_article(doc))
    groups = condition_mentions(analysed)
    for key, group in groups.items():
        _, mesh_id = condition_display(key, group[0].text)
        in_text = [(starts[m.section_index] + m.start, starts[m.section_index] + m.end)
                   for m in group]
        right = mesh_id in ids or any(overlaps(g.start, g.end, s, e) for g in spans
                                      for s, e in in_text)
        yield condition_features(analysed.sections, key, groups), int(right), doc.id


@dataclass
class LabelledVersion:
    """One reading of a hand-labelled abstract: its labels and its conditions (key, names,
    ruled out before the model, features, index of its instance or None when it matches only
    an optional label and is not trained on)."""

    labels: list[str]
    optional: list[str]
    candidates: list[tuple[str, set[str], bool, dict[str, float], int | None]] = field(
        default_factory=list)


def labelled_condition_instances(gold: Path, excluded: Excluded, labels_path: Path,
                                 instances: list[Instance]) -> list[LabelledVersion]:
    """Append the instances of the hand-labelled Evidence Inference TRAIN abstracts to
    ``instances`` and return each reading of each abstract, for choosing the thresholds."""
    labels = {}
    for line in labels_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            labels[record["id"]] = record
    versions = []
    for doc in read_gold(gold / "evidence_inference.jsonl"):
        record = labels.get(doc.id)
        if record is None or doc.split != SPLIT or excluded.holds(doc):
            continue
        for version in (doc, replace(doc, sections=())) if doc.sections else (doc,):
            read = LabelledVersion(record["conditions"], record["conditions_optional"])
            analysed = analyse(build_article(version))
            groups = condition_mentions(analysed)
            for key, group in groups.items():
                features = condition_features(analysed.sections, key, groups)
                name, _ = condition_display(key, group[0].text)
                names = {name, *(m.text for m in group)}
                label = _name_label(names, read.labels, read.optional)
                index = None
                if label is not None:
                    index = len(instances)
                    instances.append((features, label, doc.id))
                read.candidates.append((key, names, ruled_out(analysed.sections, key, group,
                                                              features), features, index))
            versions.append(read)
    return versions


def _name_label(names: set[str], labels: Sequence[str], optional: Sequence[str]) -> int | None:
    """1 when a name matches a label, None when it matches only an optional one, else 0."""
    variants = set().union(*(name_variants(n) for n in names if n.strip()))
    if any(names_match(v, label) for v in variants for label in labels):
        return 1
    if any(names_match(v, label) for v in variants for label in optional):
        return None
    return 0


def choose_population_thresholds(versions: list[LabelledVersion], probabilities: np.ndarray,
                                 model_weights: dict[str, float]) -> tuple[float, float, float]:
    """(minimum, threshold, document F1) maximising the document F1 of
    ``conditions.population_keys`` over the hand-labelled readings, with cross-validated
    chances (a candidate left out of training, matching only an optional label, takes the
    final model's ``model_weights``)."""
    best = (0.0, 0.5, -1.0)
    for minimum in (0.0, 0.1, 0.2, 0.3):
        for threshold in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            model = RoleModel(weights=model_weights, threshold=threshold, minimum=minimum)
            tp = predicted = labelled = 0
            for read in versions:
                chance = {key: 0.0 if ruled else float(probabilities[index]) if index is not None
                          else model.probability(features)
                          for key, _, ruled, features, index in read.candidates}
                chosen = population_keys(chance, model, names={
                    key: names for key, names, _, _, _ in read.candidates})
                found = match_names([names for key, names, _, _, _ in read.candidates
                                     if key in chosen], read.labels, read.optional)
                tp, predicted, labelled = (tp + found.tp, predicted + found.predicted,
                                           labelled + found.gold)
            p = tp / predicted if predicted else 0.0
            r = tp / labelled if labelled else 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            if f1 > best[2] + 1e-9:
                best = (minimum, threshold, f1)
    return best


def train(instances: list[Instance], min_count: int, recall: float | None
          ) -> tuple[dict[str, object], np.ndarray]:
    counts = Counter(name for features, _, _ in instances for name in features)
    kept = [{k: v for k, v in features.items() if counts[k] >= min_count}
            for features, _, _ in instances]
    labels = np.array([label for _, label, _ in instances])
    groups = [doc for _, _, doc in instances]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(kept)
    best: tuple[float, float, np.ndarray] | None = None
    for c in (0.03, 0.1, 0.3, 1.0, 3.0):
        model = LogisticRegression(C=c, max_iter=2000, fit_intercept=False)
        probabilities = cross_val_predict(model, x, labels, groups=groups, cv=GroupKFold(5),
                                          method="predict_proba")[:, 1]
        loss = -np.mean(labels * np.log(probabilities + 1e-9)
                        + (1 - labels) * np.log(1 - probabilities + 1e-9))
        print(f"  C={c}: cross-validated log loss {loss:.4f}")
        if best is None or loss < best[0]:
            best = (loss, c, probabilities)
    assert best is not None
    _, c, probabilities = best
    threshold = choose_threshold(probabilities, labels, recall)
    model = LogisticRegression(C=c, max_iter=2000, fit_intercept=False).fit(x, labels)
    weights = {name: round(float(w), 5) for name, w in
               zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True) if abs(w) > 1e-4}
    predicted = probabilities >= threshold
    tp = int((predicted & (labels == 1)).sum())
    print(f"  chose C={c}, threshold {threshold:.3f}: cross-validated precision "
          f"{tp / max(1, predicted.sum()):.3f}, recall {tp / max(1, labels.sum()):.3f} "
          f"({len(instances)} instances, {labels.sum()} positive, {len(weights)} weights)")
    return ({"threshold": round(threshold, 4), "C": c, "instances": len(instances),
             "positives": int(labels.sum()), "weights": dict(sorted(weights.items()))},
            probabilities)


def choose_threshold(probabilities: np.ndarray, labels: np.ndarray, recall: float | None) -> float:
    """The highest threshold keeping ``recall``; without one, the threshold of the best F1."""
    best_f1, best_threshold = -1.0, 0.5
    for threshold in np.unique(probabilities)[::-1]:
        predicted = probabilities >= threshold
        tp = (predicted & (labels == 1)).sum()
        r = tp / labels.sum()
        if recall is not None:
            if r >= recall:
                return float(threshold)
            continue
        p = tp / predicted.sum()
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best_f1:
            best_f1, best_threshold = f1, float(threshold)
    return best_threshold


def write(name: str, model: dict[str, object], about: str) -> None:
    path = DATA / f"{name}.json"
    data = {"about": about, "written_by": "scripts/train_roles.py", "split": SPLIT, **model}
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--exclude", type=Path, default=None,
                        help="gold file whose documents are never trained on "
                             "(default: GOLD/reviewer.jsonl)")
    parser.add_argument("--only", choices=["drug", "condition"])
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--recall", type=float, default=0.93,
                        help="cross-validated recall the drug threshold keeps")
    parser.add_argument("--ratio", type=float, default=0.3,
                        help="share of the likeliest drug's chance another drug needs")
    parser.add_argument("--labels", type=Path, default=CONDITION_LABELS,
                        help="hand-labelled conditions of Evidence Inference TRAIN abstracts")
    args = parser.parse_args()
    excluded = read_excluded(args.exclude or args.gold / "reviewer.jsonl")
    print(f"never trained on: {len(excluded.pmids)} documents of "
          f"{args.exclude or args.gold / 'reviewer.jsonl'}")
    if args.only in (None, "drug"):
        print("drugs (evidence_inference.jsonl, TRAIN):")
        model, _ = train(list(drug_instances(args.gold, excluded)), args.min_count, args.recall)
        model["ratio"] = args.ratio
        write("drug_role_model", model, "studied drug: given in an arm the trial compares")
    if args.only in (None, "condition"):
        print(f"conditions (pico_breast_cancer.jsonl, ctro.jsonl, TRAIN; {args.labels.name}):")
        instances = list(condition_instances(args.gold, excluded))
        versions = labelled_condition_instances(args.gold, excluded, args.labels, instances)
        model, probabilities = train(instances, args.min_count, None)
        weights = model["weights"]
        assert isinstance(weights, dict)
        minimum, threshold, f1 = choose_population_thresholds(versions, probabilities, weights)
        print(f"  population: minimum {minimum}, threshold {threshold}: cross-validated "
              f"document F1 {f1:.3f} on {len(versions)} readings of hand-labelled abstracts")
        model.update(minimum=minimum, threshold=threshold)
        write("condition_role_model", model, "population condition: the participants' condition")
    return 0


if __name__ == "__main__":
    sys.exit(main())
