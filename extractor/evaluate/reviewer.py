"""Score findings against document-level labels, the way a systematic reviewer extracts a trial
(``reviewer.jsonl``; the guidelines are ``shared/gold/REVIEWER_GUIDELINES.md``).

The rules are those of ``shared/tools/score_reviewer.py``, so that ``extract evaluate`` and
that script give the same figures on the same predictions (``tests/test_reviewer.py`` pins
them to each other):

- **drugs**, **conditions**: the record's drugs of role ``studied`` (conditions of role
  ``population``), each an entity of names: its name and the texts of its mentions, with the
  natural order of an inverted heading ("Lupus Erythematosus, Discoid" -> "discoid lupus
  erythematosus"). A name matches a label when their lower-cased alphanumeric tokens are equal
  or one runs contiguously inside the other. Entities with the same names count once; an
  entity that matches only an item one annotator gave (``<field>_optional``) is not counted.
  Each label takes the first unused entity that matches it (labels in order).
- **responses**: (responders, total) pairs as multisets (a count without its group has total
  null, and matches nothing); **P values**: (operator, value to 6 significant digits);
  **effect estimates**: (value, lower, upper) to 6 decimals, on documents whose labels list
  effect estimates. A prediction that matches only an optional item is not counted.
- **sample size**: accuracy over the documents with a labelled size that got an answer (an
  answer is right when it is the size or one of ``sample_size_alternatives``), coverage = those
  answered / those with a labelled size; an answer where no size is labelled is counted apart.
- Precision = tp / predicted (1 when nothing is predicted and nothing labelled, else 0 when
  nothing is predicted), recall = tp / labelled (1 when nothing is labelled), F1 their
  harmonic mean (0 when both are 0).

Each error is also given a *kind* (``ReviewerError.kind``: "no group size printed", "found,
not as studied", ...) so that ``--errors`` lists them grouped, with counts, for error analysis.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
# The roles that make a record's drug or condition count as studied.
STUDIED_ROLES = frozenset({"studied", "intervention", "comparator", "experimental", "control",
                           "population"})
NAME_FIELDS = ("drugs", "conditions")
VALUE_FIELDS = ("responses", "p_values", "effect_estimates")
OPERATORS = {"=": "=", "==": "=", "<": "<", ">": ">", "<=": "<=", "≤": "<=", ">=": ">=",
             "≥": ">=", "lt": "<", "gt": ">", "le": "<=", "ge": ">=", "eq": "="}
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


# --- names ------------------------------------------------------------------------------------


def name_tokens(name: str) -> list[str]:
    return _NON_ALNUM.sub(" ", name.lower()).split()


def _runs_inside(tokens: list[str], part: list[str]) -> bool:
    n = len(part)
    return bool(n) and any(tokens[i:i + n] == part for i in range(len(tokens) - n + 1))


def names_match(predicted: str, label: str) -> bool:
    """Equal tokens, or one name's tokens contiguous inside the other's."""
    p, g = name_tokens(predicted), name_tokens(label)
    return bool(p and g) and (p == g or _runs_inside(p, g) or _runs_inside(g, p))


def name_variants(name: str) -> set[str]:
    """A name lower-cased, and for an inverted heading with one comma its natural order."""
    name = name.lower().strip()
    found = {name}
    if name.count(",") == 1:
        head, tail = (part.strip() for part in name.split(","))
        found.add(f"{tail} {head}")
    return found


def studied_entities(items: Iterable[Json]) -> list[set[str]]:
    """The names of each studied drug (or population condition) of a record."""
    entities = []
    for item in items:
        flag = item.get("studied")
        role = str(item.get("role") or "").lower()
        if role:
            flag = role in STUDIED_ROLES
        if flag is None or flag:
            names = {item.get("name") or item.get("text") or ""}
            names |= {m.get("text", "") for m in item.get("mentions") or []}
            entities.append(names)
    return entities


@dataclass(frozen=True)
class NameMatch:
    """The outcome of matching entities to labels: counts and what stayed unmatched."""

    tp: int
    predicted: int
    gold: int
    false: tuple[frozenset[str], ...]   # entities counted and matched to no label
    missed: tuple[str, ...]             # labels no entity matched


def match_names(entities: Sequence[set[str]], labels: Sequence[str],
                optional: Sequence[str] = ()) -> NameMatch:
    """Greedy one-to-one matching of entities to labels (see the module docstring)."""
    kept: list[frozenset[str]] = []
    for names in entities:
        variants = frozenset().union(*(name_variants(n) for n in names if n and n.strip()))
        if variants and variants not in kept:
            kept.append(variants)
    gold = list(dict.fromkeys(g.lower().strip() for g in labels if g and g.strip()))

    def hit(variants: frozenset[str], label: str) -> bool:
        return any(names_match(name, label) for name in variants)

    kept = [v for v in kept if any(hit(v, g) for g in gold) or not any(hit(v, o) for o in optional)]
    used: set[int] = set()
    missed = []
    for label in gold:
        index = next((i for i, v in enumerate(kept) if i not in used and hit(v, label)), None)
        if index is None:
            missed.append(label)
        else:
            used.add(index)
    return NameMatch(len(used), len(kept), len(gold),
                     tuple(v for i, v in enumerate(kept) if i not in used), tuple(missed))


# --- values -----------------------------------------------------------------------------------

Key = tuple[Any, ...]


def response_key(item: Mapping[str, Any]) -> Key:
    return (item.get("responders"), item.get("total"))


def p_key(operator: object, value: object) -> Key | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return (OPERATORS.get(str(operator).strip().lower(), str(operator)), float(f"{number:.6g}"))


def effect_key(item: Mapping[str, Any]) -> Key | None:
    """(value, lower, upper) to 6 decimals, from a record's or a label's estimate."""
    def pick(*names: str) -> Any:
        return next((item[n] for n in names if item.get(n) is not None), None)

    try:
        return tuple(round(float(x), 6) for x in (pick("value", "estimate", "point"),
                                                  pick("ci_low", "lower", "ci_lower", "low"),
                                                  pick("ci_high", "upper", "ci_upper", "high")))
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class ValueMatch:
    tp: int
    predicted: int
    gold: int
    false: Counter[Key]
    missed: Counter[Key]


def match_values(predicted: Iterable[Key], labels: Iterable[Key],
                 optional: Iterable[Key] = ()) -> ValueMatch:
    """Multiset matching; predictions matching only an optional item are not counted."""
    pred, gold, opt = Counter(predicted), Counter(labels), Counter(optional)
    if opt:
        pred = pred - (opt - gold)
    both = pred & gold
    return ValueMatch(sum(both.values()), sum(pred.values()), sum(gold.values()),
                      pred - both, gold - both)


# --- scores -----------------------------------------------------------------------------------


@dataclass
class Counts:
    """tp / predicted / labelled of one field, summed over documents."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, tp: int, predicted: int, gold: int) -> None:
        self.tp += tp
        self.predicted += predicted
        self.gold += gold

    @property
    def precision(self) -> float:
        if self.predicted:
            return self.tp / self.predicted
        return 1.0 if self.gold == 0 else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class SizeCounts:
    gold: int = 0
    answered: int = 0
    right: int = 0
    answered_on_null: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.answered if self.answered else 0.0

    @property
    def coverage(self) -> float:
        return self.answered / self.gold if self.gold else 0.0


@dataclass(frozen=True)
class ReviewerError:
    """One error: a false finding or a miss of ``field``, of ``kind``; ``value`` says what
    (a name, "12/13", "P = 0.03", ...); ``evidence`` is the prediction's (text, section_index,
    start, end) when there is one, or a labelled text to look for."""

    field: str
    false: bool
    kind: str
    doc_id: str
    value: str
    evidence: tuple[str, int | None, int | None, int | None] = ("", None, None, None)


@dataclass
class ReviewerScore:
    """The figures of one set of labelled documents, and every error."""

    documents: int = 0
    fields: dict[str, Counts] = field(default_factory=lambda: {
        name: Counts() for name in (*NAME_FIELDS, "responses", "p_values")})
    sample_size: SizeCounts = field(default_factory=SizeCounts)
    errors: list[ReviewerError] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        out = {name: round(c.f1, 3) for name, c in self.fields.items()}
        out["sample_size_accuracy"] = round(self.sample_size.accuracy, 3)
        out["sample_size_coverage"] = round(self.sample_size.coverage, 3)
        return out


def score_record(score: ReviewerScore, doc_id: str, labels: Mapping[str, Any],
                 record: Mapping[str, Any]) -> None:
    """Add one document: ``labels`` as in reviewer.jsonl, ``record`` as ``extract --json``
    prints it (the findings' keys are enough)."""
    score.documents += 1
    errors = score.errors
    for name in NAME_FIELDS:
        items = record.get(name) or []
        found = match_names(studied_entities(items), labels.get(name, []),
                            labels.get(f"{name}_optional", []))
        score.fields[name].add(found.tp, found.predicted, found.gold)
        errors.extend(_name_errors(name, doc_id, found, items))
    counts = record.get("response_counts") or []
    found_values = match_values([response_key(c) for c in counts],
                                [response_key(r) for r in labels.get("responses", [])],
                                [response_key(r) for r in labels.get("responses_optional", [])])
    score.fields["responses"].add(found_values.tp, found_values.predicted, found_values.gold)
    errors.extend(_response_errors(doc_id, found_values, counts))
    p_values = record.get("p_values") or []
    found_values = match_values(
        [k for p in p_values if (k := p_key(p.get("operator"), p.get("value"))) is not None],
        [k for p in labels.get("p_values", []) if (k := p_key(p["operator"], p["value"]))],
        [k for p in labels.get("p_values_optional", []) if (k := p_key(p["operator"], p["value"]))])
    score.fields["p_values"].add(found_values.tp, found_values.predicted, found_values.gold)
    errors.extend(_value_errors("p_values", doc_id, found_values, p_values,
                                labels.get("p_values", []),
                                lambda p: p_key(p.get("operator"), p.get("value")), _p_text))
    if "effect_estimates" in labels:
        estimates = record.get("effect_estimates") or []
        found_values = match_values(
            [k for e in estimates if (k := effect_key(e)) is not None],
            [k for e in labels["effect_estimates"] if (k := effect_key(e)) is not None],
            [k for e in labels.get("effect_estimates_optional", []) if (k := effect_key(e))])
        score.fields.setdefault("effect_estimates", Counts()).add(
            found_values.tp, found_values.predicted, found_values.gold)
        errors.extend(_value_errors("effect_estimates", doc_id, found_values, estimates,
                                    labels["effect_estimates"], effect_key, _effect_text))
    _score_size(score, doc_id, labels, record)


def _score_size(score: ReviewerScore, doc_id: str, labels: Mapping[str, Any],
                record: Mapping[str, Any]) -> None:
    gold, predicted = labels.get("sample_size"), record.get("sample_size")
    if isinstance(predicted, dict):
        predicted = predicted.get("value")
    sizes = score.sample_size
    if gold is None:
        if predicted is not None:
            sizes.answered_on_null += 1
            score.errors.append(ReviewerError("sample_size", True, "a size where none is labelled",
                                              doc_id, str(predicted), _chosen(record)))
        return
    sizes.gold += 1
    if predicted is None:
        score.errors.append(ReviewerError("sample_size", False, "no answer", doc_id, str(gold)))
        return
    sizes.answered += 1
    if predicted == gold or predicted in (labels.get("sample_size_alternatives") or []):
        sizes.right += 1
        return
    kind = "larger than the label" if predicted > gold else "smaller than the label"
    score.errors.append(ReviewerError("sample_size", True, kind, doc_id,
                                      f"{predicted} (labelled {gold})", _chosen(record)))


# --- error kinds ------------------------------------------------------------------------------


def _evidence(item: Mapping[str, Any]) -> tuple[str, int | None, int | None, int | None]:
    return (str(item.get("text") or ""), item.get("section_index"), item.get("start"),
            item.get("end"))


def _chosen(record: Mapping[str, Any]) -> tuple[str, int | None, int | None, int | None]:
    chosen = next((s for s in record.get("sample_sizes") or [] if s.get("chosen")), None)
    return _evidence(chosen) if chosen else ("", None, None, None)


def _name_errors(name: str, doc_id: str, found: NameMatch,
                 items: Sequence[Json]) -> Iterator[ReviewerError]:
    role_word = "studied" if name == "drugs" else "the population's"
    for entity in found.false:
        item = next((i for i in items if (i.get("name") or "").lower() in entity), {})
        mention = (item.get("mentions") or [{}])[0]
        kind = ("listed from the indexing, not the text" if item.get("source") not in (None, "text")
                else f"not {role_word} per the labels")
        yield ReviewerError(name, True, kind, doc_id, str(item.get("name") or sorted(entity)[0]),
                            _evidence(mention))
    for label in found.missed:
        other = next((i for i in items if i.get("role") not in STUDIED_ROLES
                      and any(names_match(n, label) for n in
                              {i.get("name") or "", *(m.get("text", "") for m in i.get("mentions") or [])})),
                     None)
        kind = f"found, role {other.get('role')}" if other else "not found"
        mention = (other.get("mentions") or [{}])[0] if other else {}
        yield ReviewerError(name, False, kind, doc_id, label, _evidence(mention))


def _response_errors(doc_id: str, found: ValueMatch,
                     counts: Sequence[Json]) -> Iterator[ReviewerError]:
    missed_responders = Counter(r for r, _ in found.missed.elements())
    false_responders = Counter(r for r, _ in found.false.elements())
    for (responders, total), n in found.false.items():
        item = next((c for c in counts if response_key(c) == (responders, total)), {})
        if total is None:
            kind = "no group size printed"
        elif missed_responders[responders]:
            kind = "another group size than the label's"
        else:
            kind = f"not a labelled count ({item.get('total_source', '?')} total)"
        for _ in range(n):
            yield ReviewerError("responses", True, kind, doc_id, f"{responders}/{total}",
                                _evidence(item))
    for (responders, total), n in found.missed.items():
        kind = ("found with another group size" if false_responders[responders]
                else "not found")
        for _ in range(n):
            yield ReviewerError("responses", False, kind, doc_id, f"{responders}/{total}")


def _p_text(key: Key) -> str:
    return f"P {key[0]} {key[1]:g}"


def _effect_text(key: Key) -> str:
    return f"{key[0]:g} ({key[1]:g} to {key[2]:g})"


def _near(a: Key, b: Key) -> bool:
    """One part differs: a P value's operator, or one of an estimate's three numbers."""
    same = sum(x == y for x, y in zip(a, b, strict=True))
    return same == len(a) - 1 and (len(a) != 2 or a[1] == b[1])


def _value_errors(name: str, doc_id: str, found: ValueMatch, predicted: Sequence[Json],
                  labels: Sequence[Json], key_of: Callable[[Json], Key | None],
                  show: Callable[[Key], str]) -> Iterator[ReviewerError]:
    for key, n in found.false.items():
        item = next((p for p in predicted if key_of(p) == key), {})
        near = any(_near(key, k) for k in found.missed)
        kind = "near a labelled one (one part differs)" if near else "not labelled"
        for _ in range(n):
            yield ReviewerError(name, True, kind, doc_id, show(key), _evidence(item))
    for key, n in found.missed.items():
        label = next((p for p in labels if key_of(p) == key), {})
        near = any(_near(key, k) for k in found.false)
        kind = "found with one part differing" if near else "not found"
        for _ in range(n):
            yield ReviewerError(name, False, kind, doc_id, show(key),
                                (str(label.get("text") or ""), None, None, None))
