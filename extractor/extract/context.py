"""Where in an abstract a mention sits: the title and the study's own sections vs background."""

from __future__ import annotations

import re

from extractor.models import Article

# Section labels (or NLM categories) that report this study, not earlier work: "METHODS",
# "Observations" (the worked example), "PATIENTS AND METHODS", "Case report", "DESIGN".
STUDY_SECTION = re.compile(
    r"method|result|observation|finding|intervention|design|patient|participant|subject"
    r"|treatment|procedure|outcome|measure|setting|case|report|trial|material|experiment",
    re.IGNORECASE,
)


def in_title_or_study_section(article: Article, section_index: int) -> bool:
    """True for the title (index 0) and for sections labelled as this study's methods/results."""
    if section_index == 0:
        return True
    section = article.sections[section_index - 1]
    return any(name and STUDY_SECTION.search(name) for name in (section.label, section.category))
