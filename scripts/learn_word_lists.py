"""Learn the word lists of ``extractor/data`` from the TRAIN splits of the gold corpora.

    python scripts/learn_word_lists.py --gold ../shared/gold            # rewrite the files
    python scripts/learn_word_lists.py --gold ../shared/gold --check    # compare only

Reads only documents of the ``train`` split (never dev or test: those are for reporting) of
``bc5cdr.jsonl`` and ``ncbi_disease.jsonl``, through ``extractor.evaluate.gold`` and with the
package's own vocabularies, matcher and text mapping. Each file it writes names in its header
the rule, the corpora and the split it was learned from:

- ``drug_stop_trees.txt``: two-level MeSH tree prefixes of drug records whose dictionary
  matches are rarely a marked chemical (learned first: the drug variants depend on it);
- ``drug_stop_variants.txt`` / ``disease_stop_variants.txt``: variants whose matches rarely
  overlap a marked chemical / disease;
- ``disease_mesh_corrections.tsv``: disease keys whose package MeSH ID disagrees with the IDs
  the BC5CDR annotators gave their matches (learned last, with the new stop lists);
- ``disease_left_nonmodifiers.txt``: words just before a disease name that are rarely part of
  the mention ("acute", "cocaine-induced");
- ``disease_left_modifiers.txt`` is a hand choice among the candidates this script prints
  (words that are part of the mention most of the time they stand before a name: it took
  "hereditary", "X-linked", "sporadic", and left anatomy such as "hepatic" or "lung"); --check
  fails when a word of the file is no candidate.

The hand-written files (``*_extra_variants.tsv``, ``*_cased_variants.tsv``,
``lexicon_stopwords.txt``, ``disease_mesh_corrections_manual.tsv``) are not touched.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from extractor.evaluate.gold import GoldDoc, read_gold
from extractor.extract.conditions import word_before
from extractor.nlp.matcher import Lexicon
from extractor.nlp.tokens import token_words
from extractor.nlp.vocabulary import (
    DRUG_FILE,
    DRUG_PACKAGE,
    disease_lexicon,
    disease_records,
    disease_variants,
    drug_variants,
    load_package_dictionary,
    read_word_list,
    vocabulary_variants,
)
from extractor.parse.text import map_chars

DATA = Path(__file__).resolve().parents[1] / "extractor" / "data"
SPLIT = "train"
SCRIPT = "scripts/learn_word_lists.py"
MIN_SEEN = 2            # a variant must match this often before it may be stopped
MAX_PRECISION = 0.3     # ... and overlap a marked mention less often than this
MIN_TREE_SEEN = 5       # the same for a MeSH tree prefix
MIN_CORRECTION_SEEN = 2
MIN_AGREEMENT = 0.8     # a MeSH correction needs this share of the gold IDs to agree
CHEMICAL_CORPORA = (("bc5cdr.jsonl", "chemicals"),)
DISEASE_CORPORA = (("bc5cdr.jsonl", "diseases"), ("ncbi_disease.jsonl", "diseases"))
MIN_NONMODIFIER_SEEN = 3     # a word must stand before a name inside a mention this often
MAX_NONMODIFIER_SHARE = 0.3  # ... and be part of that mention less often than this
MIN_MODIFIER_SHARE = 0.6     # a modifier candidate is part of the mention this often at least
COORDINATORS = frozenset({"and", "or"})  # "breast and ovarian cancer": composites, not words
# Always stopped, whatever the counts say: the control arm is no drug.
ALWAYS_STOPPED_DRUGS = ("placebo", "placebos", "vehicle")


@cache
def train_docs(gold: Path, corpus: str) -> tuple[GoldDoc, ...]:
    return tuple(doc for doc in read_gold(gold / corpus) if doc.split == SPLIT)


def texts_with_gold(gold: Path, corpora: tuple[tuple[str, str], ...]
                    ) -> Iterator[tuple[str, list[tuple[int, int]], dict[tuple[int, int], str]]]:
    """(mapped TEXT, gold spans, gold MeSH ID by span) of every TRAIN document."""
    for corpus, key in corpora:
        for doc in train_docs(gold, corpus):
            spans = doc.annotations.get(key, ())
            ids = {(s.start, s.end): s.identifier for s in spans if s.identifier}
            yield map_chars(doc.text), [(s.start, s.end) for s in spans], ids


def learn_drug_stop_trees(gold: Path) -> list[str]:
    """Two-level tree prefixes whose matches are exactly a marked chemical < 30% of the time."""
    pickled = load_package_dictionary(DRUG_PACKAGE, DRUG_FILE)
    records = pickled["drug_canonical_to_data"]
    lexicon = Lexicon(vocabulary_variants(pickled["drug_variant_to_canonical"], records),
                      read_word_list("lexicon_stopwords.txt"))
    seen: collections.Counter[str] = collections.Counter()
    hits: collections.Counter[str] = collections.Counter()
    for text, spans, _ in texts_with_gold(gold, CHEMICAL_CORPORA):
        marked = set(spans)
        for match in lexicon.find(text):
            trees = records.get(match.key, {}).get("mesh_tree", [])
            for prefix in {".".join(t.split(".")[:2]) for t in trees}:
                seen[prefix] += 1
                hits[prefix] += (match.start, match.end) in marked
    return sorted(p for p, n in seen.items()
                  if n >= MIN_TREE_SEEN and hits[p] / n < MAX_PRECISION)


def learn_stop_variants(gold: Path, variants: dict[str, str],
                        corpora: tuple[tuple[str, str], ...]) -> list[str]:
    """Variants matched >= 2 times whose matches overlap a marked mention < 30% of the time.

    Overlap, not equality: "carcinoma" inside a gold "hepatocellular carcinoma" is a disease
    with the wrong edges, not a false alarm.
    """
    lexicon = Lexicon(variants, read_word_list("lexicon_stopwords.txt"))
    seen: collections.Counter[tuple[str, ...]] = collections.Counter()
    hits: collections.Counter[tuple[str, ...]] = collections.Counter()
    for text, spans, _ in texts_with_gold(gold, corpora):
        for match in lexicon.find(text):
            tokens = token_words(match.text)
            seen[tokens] += 1
            hits[tokens] += any(match.start < e and s < match.end for s, e in spans)
    return sorted(" ".join(tokens) for tokens, n in seen.items()
                  if n >= MIN_SEEN and hits[tokens] / n < MAX_PRECISION)


def learn_mesh_corrections(gold: Path) -> list[str]:
    """``key<TAB>MeSH UI`` where the BC5CDR annotators' IDs of a disease key's matches agree
    (>= 2 matches, >= 80% one ID) on another UI than the package's."""
    records = disease_records()
    votes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for text, _, ids in texts_with_gold(gold, (("bc5cdr.jsonl", "diseases"),)):
        for match in disease_lexicon().find(text):
            mesh = ids.get((match.start, match.end))
            if mesh and "|" not in mesh and mesh.startswith("D"):
                votes[match.key][mesh] += 1
    lines = []
    for key, counter in sorted(votes.items()):
        mesh, n = counter.most_common(1)[0]
        total = sum(counter.values())
        if (total >= MIN_CORRECTION_SEEN and n / total >= MIN_AGREEMENT
                and records.get(key, {}).get("mesh_id") != mesh):
            lines.append(f"{key}\t{mesh}")
    return lines


def left_words(gold: Path) -> list[tuple[str, bool, bool, bool]]:
    """(word, inside, part, part_any) for each dictionary disease name with a word before it.

    ``inside``: a gold mention holds the whole name; ``part``: one of those starts at or before
    the word; ``part_any``: a gold mention overlapping the name starts at or before the word.
    """
    found = []
    for text, spans, _ in texts_with_gold(gold, DISEASE_CORPORA):
        for match in disease_lexicon().find(text):
            before = word_before(text, match.start)
            if before is None:
                continue
            at = before.start("word")
            overlapping = [(s, e) for s, e in spans if s < match.end and match.start < e]
            holding = [(s, e) for s, e in overlapping if s <= match.start and match.end <= e]
            found.append((before.group("word").lower(), bool(holding),
                          any(s <= at for s, _ in holding), any(s <= at for s, _ in overlapping)))
    return found


def learn_left_nonmodifiers(gold: Path) -> list[str]:
    """Words that stood >= 3 times before a name inside a gold mention and were part of that
    mention < 30% of the time; "and", "or" left out."""
    total: collections.Counter[str] = collections.Counter()
    part: collections.Counter[str] = collections.Counter()
    for word, inside, is_part, _ in left_words(gold):
        if inside:
            total[word] += 1
            part[word] += is_part
    return sorted(w for w, n in total.items() if n >= MIN_NONMODIFIER_SEEN
                  and part[w] / n < MAX_NONMODIFIER_SHARE and w not in COORDINATORS)


def left_modifier_candidates(gold: Path) -> dict[str, tuple[int, int]]:
    """word -> (times before a dictionary name, times part of a gold mention over it), for
    the words part of the mention >= 60% of the time."""
    total: collections.Counter[str] = collections.Counter()
    part: collections.Counter[str] = collections.Counter()
    for word, _, _, part_any in left_words(gold):
        total[word] += 1
        part[word] += part_any
    return {w: (n, part[w]) for w, n in sorted(total.items())
            if part[w] / n >= MIN_MODIFIER_SHARE}


def header(lines: list[str]) -> str:
    return "".join(f"# {line}\n" for line in lines)


def corpora(pairs: tuple[tuple[str, str], ...]) -> str:
    """ "bc5cdr.jsonl diseases, ncbi_disease.jsonl diseases": what a list was learned from."""
    return ", ".join(f"{corpus} {key}" for corpus, key in pairs)


def learned_files(gold: Path) -> dict[str, str]:
    """File name -> the text to write, in the order the lists depend on each other."""
    stop_trees = learn_drug_stop_trees(gold)
    files = {"drug_stop_trees.txt": header([
        f"MeSH tree prefixes (two levels) of drug-vocabulary records matched >= {MIN_TREE_SEEN}",
        f"times in the {SPLIT.upper()} split of {corpora(CHEMICAL_CORPORA)} and exactly a marked",
        f"chemical there < {MAX_PRECISION:.0%} of the time. A record whose every tree number is",
        f"under these is left out. Generated by {SCRIPT}.",
    ]) + "".join(f"{p}\n" for p in stop_trees)}
    for name, variants, corpora_used, always in (
        ("drug_stop_variants.txt", drug_variants(tuple(p.lower() for p in stop_trees)),
         CHEMICAL_CORPORA, ALWAYS_STOPPED_DRUGS),
        ("disease_stop_variants.txt", disease_variants(), DISEASE_CORPORA, ()),
    ):
        stop = learn_stop_variants(gold, variants, corpora_used)
        files[name] = header([
            f"Variants matched >= {MIN_SEEN} times in the {SPLIT.upper()} split of "
            f"{corpora(corpora_used)}",
            f"and overlapping a marked mention there < {MAX_PRECISION:.0%} of the time"
            + (f", after {', '.join(always)} (always stopped)." if always else "."),
            f"Tokens joined by spaces (matching ignores spacing). Generated by {SCRIPT}.",
        ]) + "".join(f"{w}\n" for w in [*always, *stop])
    return files


def nonmodifiers_file(gold: Path) -> str:
    return header([
        'Words that, just before a disease name, are rarely part of the mention ("acute",',
        '"severe", "cocaine-induced"): a tagger span that reaches one word further left than the',
        "dictionary name over one of these is cut back to the name. Learned from the "
        f"{SPLIT.upper()} split",
        f"of {', '.join(c for c, _ in DISEASE_CORPORA)}: the word stood before a name inside a "
        f"gold mention >= {MIN_NONMODIFIER_SEEN} times",
        f"and was part of that mention < {MAX_NONMODIFIER_SHARE:.0%} of the time (coordinators "
        '"and", "or" left out: composites).',
        f"Generated by {SCRIPT}.",
    ]) + "".join(f"{w}\n" for w in learn_left_nonmodifiers(gold))


def check_modifiers(gold: Path) -> bool:
    """Print the modifier candidates; True when every word of the hand-made file is one."""
    candidates = left_modifier_candidates(gold)
    chosen = set(read_word_list("disease_left_modifiers.txt"))
    print(f"disease_left_modifiers.txt: {len(chosen)} words chosen by hand among "
          f"{len(candidates)} candidates (part of the mention / times before a name):")
    for word, (n, part) in sorted(candidates.items(), key=lambda item: -item[1][0]):
        if n >= 4 or word in chosen:
            print(f"  {'*' if word in chosen else ' '} {word:<24} {part}/{n}")
    missing = sorted(chosen - set(candidates))
    if missing:
        print(f"  no candidates: {', '.join(missing)}")
    return not missing


def corrections_file(gold: Path) -> str:
    return header([
        "disease key<TAB>MeSH UI: corrections of the vocabulary's mesh_id, learned from the IDs of",
        f"bc5cdr.jsonl diseases in the {SPLIT.upper()} split (>= {MIN_CORRECTION_SEEN} matches, "
        f">= {MIN_AGREEMENT:.0%} agreement).",
        f"Generated by {SCRIPT} (after the stop lists: it matches with them).",
    ]) + "".join(f"{line}\n" for line in learn_mesh_corrections(gold))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, required=True,
                        help="folder holding bc5cdr.jsonl and ncbi_disease.jsonl")
    parser.add_argument("--check", action="store_true",
                        help="print the differences from the files in extractor/data, write nothing")
    args = parser.parse_args()
    files = learned_files(args.gold)
    if not args.check:
        for name, text in files.items():
            (DATA / name).write_text(text, encoding="utf-8")
        disease_lexicon.cache_clear()  # the corrections match with the new stop lists
    files["disease_mesh_corrections.tsv"] = corrections_file(args.gold)
    files["disease_left_nonmodifiers.txt"] = nonmodifiers_file(args.gold)
    differs = not check_modifiers(args.gold)
    for name, text in files.items():
        path = DATA / name
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        words = [line for line in text.splitlines() if line and not line.startswith("#")]
        if args.check:
            diff = [line for line in difflib.unified_diff(
                old.splitlines(), text.splitlines(), f"extractor/data/{name}", "learned", n=0,
                lineterm="") if not line.startswith(("@@", "-#", "+#"))]
            differs |= len(diff) > 2
            print(f"{name}: {len(words)} entries" + ("" if len(diff) <= 2 else ", differs:"))
            print("\n".join(diff[2:]))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({len(words)} entries)")
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
