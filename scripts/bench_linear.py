"""Benchmark: is extraction linear in the length of the abstract? (issue 9)

    python scripts/bench_linear.py                    # 10 kB and 100 kB, every case
    python scripts/bench_linear.py --sizes 10000 100000 1000000 --cap 60
    python scripts/bench_linear.py --sizes 10000 100000 1000000 --read-limit 2000000
    python scripts/bench_linear.py --case "x of y of" --profile 100000

Each case is an abstract (one "Results" section) made of one piece repeated up to the size:
the adversarial shapes of issue 9 ("((((", runs of drug names, "12 of 13 of", "n = 12,", ...),
linear-looking ones (P values, digit runs) and, as the reference, plain abstract text. Every
(case, size) runs ``build_record`` (analysis with the tagger, every extractor, the record's
validation) in a forked child with a time cap, so one runaway case cannot stall the script; a
capped run prints ``>cap`` and the larger sizes of that case are skipped. An article is read
up to ``analysis.READ_LIMIT`` characters (200,000; the rest is a doubt), so past that size the
time stops growing; ``--read-limit`` raises the limit to time the extraction of the whole text.

Printed per case: seconds per size, the ratio time(10x)/time(x) (linear: about 10, quadratic:
about 100), and time / time of the plain text of the same size (the reference). Figures only,
no pass/fail: speed goals live here, never in the tests.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import multiprocessing
import pstats
import time
from multiprocessing.connection import Connection

from extractor.extract import build_record
from extractor.models import Article, Section
from extractor.nlp import analysis

# Plain abstract text, the reference every case is compared with.
PLAIN = (
    "Thirteen patients received efalizumab, with treatment responses varying from good to "
    "excellent in 12 of 13 patients (P = .002). A total of 141 patients were randomized to "
    "metformin (n = 70) or placebo (n = 71). Nausea occurred in 9 patients (12.9%) in the "
    "metformin group. The hazard ratio was 0.72 (95% CI 0.55-0.94). "
)

# The inputs of issue 9, each one piece repeated up to the size.
CASES: dict[str, str] = {
    "plain text": PLAIN,
    "((((": "((((",
    "drug names": "aspirin metformin insulin cisplatin tamoxifen ",
    "x of y of": "12 of 13 of ",
    "n = 12,": "n = 12, ",
    "x (pct) of": "12 (45%) of ",
    "1.1.1.": "1.1.1.",
    "x/y (pct)": "12/13 (92%) ",
    "CI strings": "(95% CI 1.2-3.4), ",
    "P values": "P = .002, ",
    "digit runs": "1234567890",
    "words no stops": "patients received ",
    "headings": "RESULTS: ",
    "capitals": "ABC DEF ",
    "initials": "J. R. Smith. ",
    "number words": "twenty-one ",
    "grouped digits": "123 456 ",
}


def article_of(piece: str, size: int) -> Article:
    """An article whose one Results section is ``piece`` repeated to ``size`` characters."""
    text = (piece * (size // len(piece) + 1))[:size].strip() or piece.strip()
    return Article(pmid="1", title="A trial", sections=[Section(label="Results", text=text)])


def _timed(article: Article, pipe: Connection) -> None:
    start = time.perf_counter()
    build_record(article)
    pipe.send(time.perf_counter() - start)


def time_case(piece: str, size: int, cap: float) -> float | None:
    """Seconds ``build_record`` takes on ``piece`` repeated to ``size``; None past ``cap``."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_timed, args=(article_of(piece, size), sender))
    child.start()
    result = receiver.recv() if receiver.poll(cap) else None
    if result is None:
        child.kill()
    child.join()
    return result


def _format(seconds: float | None, cap: float) -> str:
    return f">{cap:.0f}" if seconds is None else f"{seconds:.3f}"


def run(cases: dict[str, str], sizes: list[int], cap: float) -> None:
    """Print the table: seconds per size, growth per step and the ratio to plain text."""
    reference: dict[int, float] = {}
    header = "".join(f"{size:>11,}" for size in sizes)
    print(f"{'case':<16}{header}   growth x10      vs plain text (largest size run)")
    for name, piece in cases.items():
        times: list[float | None] = []
        for size in sizes:
            seconds = time_case(piece, size, cap) if not times or times[-1] is not None else None
            times.append(seconds)
            if seconds is None:
                break
        times += [None] * (len(sizes) - len(times))
        if name == "plain text":
            reference = {s: t for s, t in zip(sizes, times, strict=True) if t is not None}
        growth = [f"{b / a:5.1f}" if a and b else "    -" for a, b in itertools.pairwise(times)]
        last = max((i for i, t in enumerate(times) if t is not None), default=None)
        versus = "-"
        if last is not None and sizes[last] in reference:
            versus = f"{(times[last] or 0) / reference[sizes[last]]:.1f}x at {sizes[last]:,}"
        cells = "".join(f"{_format(t, cap):>11}" for t in times)
        print(f"{name:<16}{cells}   {' '.join(growth):<15} {versus}", flush=True)


def profile(piece: str, size: int, top: int) -> None:
    """cProfile one case at one size and print the functions with most cumulative time."""
    article = article_of(piece, size)
    profiler = cProfile.Profile()
    profiler.enable()
    build_record(article)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--cap", type=float, default=30.0, help="seconds per run before it is "
                        "stopped (larger sizes of that case are skipped)")
    parser.add_argument("--case", action="append", choices=sorted(CASES),
                        help="run only these cases (repeatable)")
    parser.add_argument("--profile", type=int, metavar="SIZE",
                        help="profile the --case at SIZE instead of timing")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--read-limit", type=int, default=analysis.READ_LIMIT,
                        help="characters of an article read (default %(default)s; raise it to "
                        "time the extraction itself on 1 MB)")
    args = parser.parse_args()
    analysis.READ_LIMIT = args.read_limit
    # Load the vocabularies and models once, before the children are forked.
    build_record(article_of(PLAIN, 2000))
    if args.profile:
        for name in args.case or ["plain text"]:
            print(f"== {name} at {args.profile:,} characters")
            profile(CASES[name], args.profile, args.top)
        return
    chosen = {name: CASES[name] for name in CASES if not args.case or name in args.case}
    if args.case and "plain text" not in chosen:
        chosen = {"plain text": PLAIN, **chosen}
    run(chosen, args.sizes, args.cap)


if __name__ == "__main__":
    main()
