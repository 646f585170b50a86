"""What every extractor returns: its findings and its doubts (values seen but not trusted)."""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

from extractor.kinds import DoubtField
from extractor.models import Doubt
from extractor.nlp.analysis import AnalysedArticle

T = TypeVar("T")


class Extraction(NamedTuple, Generic[T]):
    """``findings``: the extractor's findings, in text order; ``doubts``: what it rejected or
    distrusts, for a reviewer to check (each names its field)."""

    findings: list[T]
    doubts: list[Doubt]


_UNREAD_SHOWN = 40


def unread_doubts(analysed: AnalysedArticle, field: DoubtField) -> list[Doubt]:
    """One doubt per section read only in part (``analysis.READ_LIMIT``): its text is the start
    of what was not read, so a reviewer sees where reading stopped and that ``field`` may miss
    values printed after it."""
    doubts = []
    texts = analysed.article.texts()
    for section in analysed.sections:
        if not section.unread:
            continue
        whole = texts[section.index][1]
        start = len(section.text)
        start += len(whole[start:start + _UNREAD_SHOWN]) - len(
            whole[start:start + _UNREAD_SHOWN].lstrip())
        shown = whole[start:start + _UNREAD_SHOWN]
        doubts.append(Doubt(
            field=field, code="text_unread", value=len(section.text), bound=len(whole),
            text=shown, section=section.label, section_index=section.index,
            start=start, end=start + len(shown),
            reason=f"text too long: only the first {len(section.text):,} of its "
                   f"{len(whole):,} characters were read",
        ))
    return doubts
