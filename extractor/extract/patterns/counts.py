"""Named regexes for participant counts and response counts, built from ``numbers.NUMBER``.

The word lists (participant nouns, enrolment verbs, event nouns) are package data in
``data/count_words.json``; this module turns them into patterns. Every pattern is compiled with
``re.VERBOSE | re.IGNORECASE`` and exposes the count as the named group ``n`` (and, for the
"x of y" shapes, the group size as ``total`` and the printed percent as ``pct``).
"""

from __future__ import annotations

import re

from extractor.extract.patterns.common import words_pattern
from extractor.extract.patterns.numbers import NUMBER, NUMBER_DIGITS

_FLAGS = re.VERBOSE | re.IGNORECASE

PARTICIPANT_NOUN = words_pattern("participant_nouns")

# Words that may stand between a count and its noun: "157 breast cancer patients",
# "56 postmenopausal patients", "120 consecutive, eligible women", "30 type 2 diabetic patients"
# is refused (a digit inside), as is "12 of 13 patients" ("of" is not a modifier), and no
# clause runs between them ("3 nights when the children were given aromatherapy" counts nights).
MODIFIER = r"""
    (?:type\s+[12]\b                 # "110 insulin-naive type 2 diabetic patients"
      |(?!(?:of|out|per|in|at|from|to|than|for|vs|versus|by|on|with|were|was|had|have|who|and|or|
             as|is|are|be|been|into|served|the|a|an|when|where|which|that|whose|while|each|every|
             during|after|before|
             # units that are counted themselves: "40 US clinical centers enrolling participants"
             studies|trials|centers|centres|sites|hospitals|clinics|practices|schools|nights|
             sessions|visits)\b)
       [A-Za-z](?:[A-Za-z'/]|-\d*)*     # "HIV-1 infected patients", "COVID-19 patients"
       (?:\s*\([A-Za-z][^()\d]{0,30}\))?)  # "250 Orang Asli (aboriginal) schoolchildren"
"""

# A comma between two words of the noun phrase, the noun not right after it: "20 healthy, male
# subjects" ("male subjects" is a noun with its modifier), not "At all three post-intervention
# time points, women in the education group" nor "between the two schedules, but patients".
_LIST_COMMA = rf""",(?=\s+(?!and\b|but\b)(?:(?!{PARTICIPANT_NOUN})[A-Za-z]
                                           |{PARTICIPANT_NOUN}\s+{PARTICIPANT_NOUN}))"""

# A count followed by the people it counts: "Thirteen patients", "157 breast cancer patients",
# "A total of 141 patients", "120 women were randomized", "Seventy-nine overweight and obese
# premenopausal women", "Four hundred previously inactive but healthy postmenopausal women".
COUNT_THEN_NOUN = re.compile(
    rf"""
    (?P<n>{NUMBER})
    (?P<modifiers>(?:\s+(?:and|but)\b)?
      (?:\s+{MODIFIER}(?:{_LIST_COMMA})?(?:\s+(?:and|but)\b)?){{0,6}}?)
    \s+(?P<noun>{PARTICIPANT_NOUN}(?:\s+{PARTICIPANT_NOUN})*   # "Ninety adult women"
       (?:/{PARTICIPANT_NOUN})?)    # "One hundred and fifty-nine patients/caregivers"
    (?![-/]\w)                     # not "57,338 patient-years"
    """,
    _FLAGS,
)

# Two counts that share one noun, each with its own words: "Thirty pregnant and 10 nonpregnant
# women", "2812 bDMARD-naive and 705 bDMARD-IR patients were analysed": two groups of the sample,
# the first printed without its noun.
JOINED_COUNTS = re.compile(
    rf"""
    (?P<n>{NUMBER})(?:\s+{MODIFIER}){{0,3}}?\s*,?\s+(?:and|or)\s+   # "There were 19 and 24
    (?P<m>{NUMBER})(?:\s+{MODIFIER}){{0,3}}?\s+(?P<noun>{PARTICIPANT_NOUN})   # students who ..."
    """,
    _FLAGS,
)

# "(N = 120)", "n=45", "N: 78", "(n 40)" is not taken (no sign). "n = 1,297".
N_EQUALS = re.compile(
    rf"""
    (?<![\w.])[nN]\s*(?:=|:)\s*
    (?P<n>{NUMBER})
    (?!\s*(?:%|[.,]\d))
    """,
    re.VERBOSE,
)

# Two left contexts of an "n =", one narrow, one wide:
# - WHOLE_GROUP_BEFORE_N: "Women (N = 62) living with ...", "Patients (n = 449) were randomly
#   assigned": an n = right after a word for people names the whole group (a total), even when
#   arm sizes follow in the same sentence. "control (n = 63)" names an arm, so this list is
#   narrower than PARTICIPANT_NOUN (sample sizes);
# - PEOPLE_BEFORE_N: "patients (n = 108) received", "Conventional-schedule regimen patients
#   (n=108)": an n = after any participant noun gives a group's size, never an outcome count
#   (response counts).
WHOLE_GROUP_BEFORE_N = re.compile(
    r"\b(?:patients|participants|subjects|women|men|adults|individuals|people|persons|volunteers|"
    r"survivors|children|adolescents)\s*[(\[,]\s*$",
    re.IGNORECASE,
)
PEOPLE_BEFORE_N = re.compile(rf"(?:{PARTICIPANT_NOUN})\s*[(\[,]?\s*$", re.IGNORECASE)

# A count followed by a verb of enrolment, with no noun it knows: "Seventy-two were included",
# "1031 were randomly assigned", "A total of 322 BCS were randomized".
COUNT_THEN_VERB = re.compile(
    rf"""
    (?P<n>{NUMBER})
    (?:
        (?:\s+(?-i:[A-Z]{{2,}}s?))?          # "A total of 322 BCS were randomized" (capitals only)
        (?:\s+[a-z][\w-]*\s*\([^()]{{1,40}}\))?  # "44 migrainous (from 4-15 years of age) were"
        \s+(?:were|was|had\s+been|have\s+been)\s+(?:equally\s+|subsequently\s+)?
      | \s+(?=(?:randomi[sz]ed|enrolled)\s*(?:[:;,)]|of\s+whom\b))  # "253 randomized: 125 to
                                    # receive ...", "66 patients were screened and 19 enrolled of whom"
    )
    (?:randomi[sz]ed|randomly|enrolled|enroled|included|recruited|allocated|assigned|
       accrued|entered|registered|studied|analy[sz]ed|evaluated|treated)\b
    """,
    _FLAGS,
)

# Two arms allocated side by side, the second count printed without its noun: "A total of 266
# patients were randomly assigned to GT and 263 to paclitaxel", "816 patients were randomly
# assigned to MRI and 807 to no MRI", "94 were assigned to the decision board and 107 to usual
# practice", "One hundred and fifteen patients were assigned to the ALND arm and 110 to the SLNB
# arm". Neither count is the trial's total: their sum is.
ALLOCATED_PAIR = re.compile(
    rf"""
    (?P<n>{NUMBER})(?:\s+[\w-]+){{0,4}}?\s+(?:were|was)\s+(?:randomly\s+)?
    (?:assigned|allocated|randomi[sz]ed)\s+to\s+(?:receive\s+)?[^,;.()]{{1,80}}?
    (?:,\s*(?:and\s+)?|\s+and\s+|;\s*)
    (?P<m>{NUMBER})(?:\s+(?:patients|women|participants|subjects|men|children))?
    \s+(?:were\s+)?(?:(?:randomly\s+)?(?:assigned|allocated|randomi[sz]ed)\s+)?to\b
    """,
    _FLAGS,
)

# Two arms given their treatments side by side, with the same verb: "1161 patients received
# tranexamic acid and 1164 received placebo", "Twenty-four dogs received carboplatin and 26
# received mitoxantrone", "Fifty patients were treated with docetaxel ..., and 51 patients were
# treated with ...", "103 patients received trastuzumab plus anastrozole; 104 received ...".
_GIVEN = r"(?:received|were\s+(?:given|treated\s+with|injected\s+with))"
# Literal words of _GIVEN, for a cheap test before GIVEN_PAIR (which starts with a number).
GIVEN_VERBS = ("received", "given", "treated with", "injected with")
GIVEN_PAIR = re.compile(
    rf"""
    (?P<n>{NUMBER})(?:\s+[\w-]+){{0,4}}?\s+{_GIVEN}\s+[^;.()]{{1,80}}?
    (?:,\s*(?:and\s+|while\s+)?|\s+and\s+|\s+while\s+|;\s*)
    (?P<m>{NUMBER})(?:(?:\s+{MODIFIER}){{0,2}}?\s+{PARTICIPANT_NOUN})?
    \s+{_GIVEN}\b
    """,
    _FLAGS,
)

# Units and nouns that make a number something other than a count of people: doses "40 mg",
# durations "12 weeks", "5 years", percentages "45%", scores "3 points", "2 cycles".
NOT_PEOPLE_AFTER = re.compile(
    r"""
    ^\s*(?:
        %|percent|per\s*cent|[µμu]g|mcg|mg|g\b|kg|ng|ml|mL|l\b|dl|mm|cm|m\b|km|iu|u\b|units?|
        mmol|µmol|mol|meq|gy|cgy|mci|mbq|hz|kcal|cal|bpm|°|
        h\b|hrs?|hours?|min\w*|s\b|sec\w*|days?|d\b|weeks?|wks?|w\b|months?|mo\b|years?|yrs?|y\b|
        cycles?|doses?|times|fold|x\b|sessions?|visits?|points?|fractions?|courses?
    )
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Left context that makes the number an age, a P value, a date, a version, a grade...:
# "aged 65", "P = 0.03", "in 2005", "grade 3", "phase 2", "stage 4", "day 28".
NOT_PEOPLE_BEFORE = re.compile(
    r"""
    (?:
        \b(?:aged?|ages|age\s+of|ages\s+of|p|ci|grade|grades|phase|stage|stages|cycle|day|days|week|weeks|month|
           months|year|years|version|level|score|scale|step|visit|dose|type|class|trial|study|
           status|                               # "80 ASA physical status 1 and 2 women"
           table|figure|fig|hr|rr|ratio|index|g|gy|mg|ml|kg|n\.?s)
        \s*[=:<>≤≥]?\s*
      | \b(?:group|arm|cohort)\s+                 # "group 2", not "in the experimental group: 10"
      | [=<>≤≥±×/^]\s*
      # "18-70", "ages of 26 and 81", not "SB3 and", "group 1 and 40"
      | (?<![A-Za-z\d])(?<!group\s)(?<!arm\s)\d+\s*(?:-|to|–|and)\s*
      | (?<!grade\s)(?<!stage\s)
        \b(?:one|\d+)\s+in\s+     # "one in seven individuals", "1 in 10 women", not "grade 2 in 5"
      | \b(?:january|february|march|april|may|june|july|august|september|october|november|
           december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+(?:\d{1,2},?\s+)?
    )$
    """,
    re.VERBOSE | re.IGNORECASE,
)

# "59 patients in the gefitinib group and 56 in the placebo group": a count followed by the one
# group it belongs to. "randomly assigned to screening and control groups" (plural, or a list)
# describes a total, and "(n = 65 each)" a size shared by every arm.
ARM_CONTEXT_AFTER = re.compile(
    r"""
    ^(?:
        (?:\s+[A-Za-z-]+){0,4}?\s+(?:were\s+|was\s+)?(?:in|on|receiving|received|given)\s+
        (?:the\s+)?(?:(?!and\b|or\b)[\w/+-]+\s+){0,4}?(?:group|arm|cohort)\b
        (?!s|\s+(?:and|or)\s+(?:(?:a|an|the)\s+)?[\w/+-]+\s+(?:group|arm|cohort))
      | \s*\)?\s*(?:each|per\s+(?:group|arm))\b     # "(n = 65 each)"
        # "Seventy-five HIV-1 infected patients failing first-line ART comprised the TDF+PI/r
        # group", "... made up the control"
      | (?:(?!(?<![\w-])\d)[^.;]){0,80}?   # no other count between ("72 women ..., of whom 37
        \s(?:comprised|made\s+up|formed|constituted)\s+the\s+   # formed the intervention group")
        (?:[\w/+-]+\s+){0,3}?(?:group|arm|control)\b
    )
    """,
    re.VERBOSE | re.IGNORECASE,
)
# "The control group consisting of 47 patients received standard radiation therapy, and the
# respiratory-gated group consisting of 33 patients ...", "One group consisted of 21 patients
# ..., the other group consisted of 21": a count after the group it fills ("The study group
# consisted of 41 males" and "The research group consisted of 27 patients" are the sample).
ARM_CONTEXT_BEFORE = re.compile(
    r"\b(?!(?:study|research|whole|entire|total|sample)\b)[\w/+-]+\s+(?:group|arm)\s+"
    r"(?:consisted\s+of|consisting\s+of|comprising|comprised\s+of|composed\s+of)\s*$",
    re.IGNORECASE,
)

# A subset of a group: "12 of 13", "12 (92%) of 13", "18 patients (44%)", "12/13".
SUBSET_AFTER = re.compile(
    rf"""
    ^(?:(?:\s+{MODIFIER}){{0,4}}?\s+{PARTICIPANT_NOUN})?\s*
    (?:
        [(\[]\s*\d+(?:\.\d+)?\s*%\s*[)\]]              # "18 patients (44%)", not "(40% of the"
      | ,\s*\d+(?:\.\d+)?\s*%                           # "(9, 9.1%)"
      | (?:[(\[]\s*\d+(?:\.\d+)?\s*%\s*[)\]]\s*)?(?:of|out\s+of)\s+(?:the\s+|these\s+|all\s+)?
        (?:{NUMBER})                                     # "12 (92%) of 13"
      | /\s*\d                                           # "12/13"
    )
    """,
    _FLAGS,
)

# ---------------------------------------------------------------------------------------------
# Response counts. Each pattern names the responders ``n``, and ``total`` and/or ``pct`` when
# printed. ``ZERO`` lets "none of the 18 patients" count 0 responders.

EVENT_NOUN = words_pattern("event_nouns")
_THING = rf"(?:{PARTICIPANT_NOUN}|{EVENT_NOUN})"

ZERO = r"\b(?:none|no\s+one|nobody)\b"
ZERO_WORD = r"\b(?:none|no\s+one|nobody|no)\b"
# "no" itself is a count only when it is placed in one group (GROUP_COUNT): "No patient in the
# experimental arm developed OM", "no axillary recurrence was observed in the SLNB arm". Alone,
# "No serious adverse events were reported" / "There were no deaths" is not marked as a count.
_NO_THING = rf"""\bno(?=(?:\s+(?!(?:of|in|with|and|or)\b)[A-Za-z][\w/-]*){{0,3}}?\s+{_THING})"""
_PCT = r"(?P<pct>\d{1,3}(?:\.\d+)?)\s*(?:%|per\s*cent\b|percent\b)"   # "52 (78 per cent) of 67"
_COUNT_OR_ZERO = rf"(?:{NUMBER}|{ZERO})"

# "12 of 13 patients", "12 out of 13", "12 (92%) of 13", "1 of the 18 patients",
# "none of the 18 patients", "Thirty-nine of the 221 women", "31 of 322 eligible women".
X_OF_Y = re.compile(
    rf"""
    (?P<n>{_COUNT_OR_ZERO})
    \s*(?:[(\[]\s*{_PCT}\s*[)\]]\s*)?
    (?:of|out\s+of)\s+(?:the\s+|these\s+|those\s+|all\s+|a\s+total\s+of\s+)?
    (?P<total>{NUMBER})
    (?!\s*(?:%|[.,]\d|/))
    """,
    _FLAGS,
)

# The group first, then the responders: "19 enrolled of whom 14 received at least 3 doses",
# "120 patients were randomised, of whom 102 completed the study" (GROUP_OF_WHOM); "Of the 129
# AN1792-treated patients, 25 were classified ... as antibody responders", "Of the 8 complete
# responses, 7 (87.5%) were seen in ..." (OF_GROUP_THEN_COUNT). ``total`` is the group, ``n``
# the responders.
GROUP_OF_WHOM = re.compile(
    rf"""
    (?P<total>{NUMBER})(?:\s+[\w-]+){{0,4}}?,?\s+(?:of|among)\s+(?:whom|them|these)\s*,?\s+
    (?P<n>{_COUNT_OR_ZERO})(?!\s*(?:%|[.,]\d|/))
    """,
    _FLAGS,
)
OF_GROUP_THEN_COUNT = re.compile(
    rf"""
    \b(?-i:Of|of|Among|among)\s+(?:the\s+|these\s+|those\s+|all\s+)?(?:total\s+of\s+)?
    (?P<total>{NUMBER})                  # "Of the total of 48 patients who participated, 40 ..."
    \s+[^,;.()]{{1,80}}?,\s+
    (?P<n>{_COUNT_OR_ZERO})(?!\s*(?:%|[.,]\d|/))
    """,
    _FLAGS,
)
# A cheap test before GROUP_OF_WHOM, which starts with a number and is tried at every one.
OF_WHOM_WORDS = ("whom", "them", "these")

# "12/13", "(57/156; 36%)", "pCR rates were 6.8 % (3/45)". Dates "12/13/2005" are refused by
# the look-arounds (no third part, no leading part), decimals by the digit guards.
X_SLASH_Y = re.compile(
    r"""
    (?<![\w./-])(?<!/\s)
    (?P<n>\d{1,6})\s*/\s*(?P<total>\d{1,6})
    (?![\w.+]|\s*/\s*\d|\s*[-–]\s*\d|,\d)     # not "8/18+" (cytokeratin), not "1/2-3"
    """,
    re.VERBOSE,
)

# "17 (9.1%)", "six (15.8 %) patients", "9 patients (20.9%)", "ten [3%]", "(9, 9.1%)",
# "1 (0.5%) patient on T2345", "47 women (68.1%) in group A".
X_PCT = re.compile(
    rf"""
    (?P<n>{_COUNT_OR_ZERO})
    (?P<noun>(?:\s+{MODIFIER}){{0,3}}?\s+{PARTICIPANT_NOUN}|\s+(?:events?|episodes?|deaths?)
       |\s+(?-i:CR|PR|SD|PD|pCR|ORR)s?)?      # "there were 3 PR (13%) and 13 (54%) dogs with SD"
    \s*(?:[(\[]\s*{_PCT}\s*[)\],;]|,\s*(?P<pct2>\d{{1,3}}(?:\.\d+)?)\s*%\s*[)\];,])
    """,
    _FLAGS,
)

# "1.5% (n = 46) in the placebo group", "69.0% [n = 69]", "(n=57, 1.8%)".
PCT_N_EQUALS = re.compile(
    rf"""
    (?:{_PCT}\s*[(\[]\s*n\s*=\s*(?P<n>{NUMBER})\s*[)\]]
      |[(\[]\s*n\s*=\s*(?P<n2>{NUMBER})\s*[,;]\s*(?P<pct2>\d{{1,3}}(?:\.\d+)?)\s*%
       (?!\s*/))                     # not "(N = 2740; 88.5%/88.8%, respectively)": one n, two rates
    """,
    _FLAGS,
)

# What follows the group size of "x of y" when y is not a group of people: "1 of 3 arms",
# "2 of 4 weeks", "3 of 5 cycles", "2 of the 3 trials".
NOT_GROUP_AFTER = re.compile(
    rf"""
    ^\s*(?:[(\[]\s*\d{{1,3}}(?:\.\d+)?\s*%\s*[)\]]\s*)?     # "9/12 (75%) significant contrasts"
    (?:[A-Za-z-]+\s+)??
    # units that are no participants: "17 of 19 samples", "one of the three vaccine strains",
    # "nine of the 23 ILI outbreaks", "110/202 comparisons" (a reviewer counts people, and
    # their eyes or teeth, not specimens, microbes, events of a community or analyses)
    (?:samples?|specimens?|strains?|isolates?|outbreaks?|comparisons?|contrasts?|analyses|
       arms?|groups?|weeks?|months?|days?|years?|hours?|cycles?|doses?|courses?|items?|studies|
       study|trials?|centers?|centres?|sites?|hospitals?|countries|criteria|domains?|questions?|
       points?|visits?|sessions?|times|occasions|scales?|subscales?|measures?|outcomes?|
       endpoints?|end\s+points?|categories|factors?|genes?|variables?|parameters?|
       mg|g|ml|mm|cm|kg|mmhg|%|score|grade)\b
    (?!\s+(?:[\w-]+\s+)?{PARTICIPANT_NOUN})     # "57 of 63 PB group patients" is a count
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Left context that makes "3/4" or "x of y" notation, not a count: "grade 3/4", "phase 2/3",
# "GCS 3/15", "ECOG 0/1", "T1/T2", "HER2 2+/3+", "BI-RADS 4/5", "ratio 2/1", "NYHA class 3/4".
NOT_COUNT_BEFORE = re.compile(
    r"""
    \b(?:grades?|phases?|stages?|score|scores|gcs|ecog|who|nyha|class|classes|ratio|types?|
       level|levels|cycles?|days?|weeks?|months?|years?|bi-?rads|gleason|apgar|vas|nrs|
       figure|fig|table|version|lines?|tier|dose|doses|mg|p|ci|hr|or|rr|ages?|aged|
       scale|dilution|titer|titre)\s*[:=]?\s*$
    | (?:[≥≤<>]|\bthan|\bscores?\s+of|\bscored?)\s*$    # "≥ 3 of 10 for worst pain", "higher than 6 of 7"
    """,
    re.VERBOSE | re.IGNORECASE,
)

# What follows "x/y" when it is a unit or a score, not a count: "120/80 mmHg", "5/10 mg",
# "25/50 µg", "3/4 toxicity" is kept (grade words are caught on the left).
NOT_COUNT_AFTER = re.compile(
    r"^\s*(?:mm\s*hg|mmhg|mg|[µμu]g|mcg|g\b|ml|iu|units?|mmol|cm|mm|kg|%|hours?|h\b|days?|weeks?|"
    r"months?|years?|points?|score|scale)",
    re.IGNORECASE,
)

# Verbs that make a bare "x patients" an outcome count: "two patients developed a haematoma",
# "10 patients developed contralateral breast cancer", "[Two] patients died".
BARE_COUNT = re.compile(
    rf"""
    (?P<n>{NUMBER})
    (?P<noun>(?:\s+{MODIFIER}){{0,2}}?\s+{PARTICIPANT_NOUN})
    \s+(?:(?:had|have)\s+(?:partial|complete|stable|progressive|grade|disease|local|
                          distant|serious|severe|[\w-]+\s+(?:responses?|events?|recurrences?))|
        developed|experienced|died|relapsed|recurred|achieved|responded|suffered|required|
        showed|presented|discontinued|withdrew)\b
    """,
    _FLAGS,
)

# Counts compared between groups: "(21 vs. 8; p = 0.01)", "(147 vs 200, odds ratio 0.72",
# "(2 vs 0 patients, respectively)", "67 events with anastrozole vs 110 with tamoxifen" is left
# to GROUP_COUNT.
VS_PAIR = re.compile(
    rf"""
    (?P<n>{NUMBER})(?:\s+{_THING})?
    \s*(?:vs\.?|versus|v\.?(?=\s))\s*         # "(eight v one)", "(three v 12 events"
    (?P<m>{NUMBER})
    (?!\s*(?:%|[.,]\d|/|\w*\s*(?:mg|ml|kg|years?|months?|weeks?|days?)\b))
    """,
    _FLAGS,
)

# Two arms each named before its count, in brackets: "(tamoxifen 34, placebo 36, relative risk
# 1.06)", "(CT-P6: 10; trastuzumab: 7)". Names that are statistics are refused ("(median 34,
# range 20", "(IQR 4, 7)").
_ARM_NAME = r"""(?!(?:median|mean|range|iqr|age|aged|n|p|hr|or|rr|ci|sd|se|total|overall|all|
    vs|versus|and|or|of|in|at|to|with|from|year|years|month|months|week|weeks|day|days|grade|
    stage|score|cycle|cycles|dose|group|arm|cohort)\b)[A-Za-z][\w/+-]*"""
_ARM_NAME_AFTER = r"""(?!(?:vs|versus|v|and|or|of|in|at|to|with|from|years?|months?|weeks?|days?|
    hours?|mg|ml|kg|cm|mm|g|points?|cycles?|doses?)\b)[A-Za-z][\w/+-]*"""
NAMED_PAIR = re.compile(
    rf"""
    [(\[]\s*{_ARM_NAME}\s*:?\s+(?P<n>{NUMBER})
    \s*[,;]\s*{_ARM_NAME}\s*:?\s+(?P<m>{NUMBER})
    (?=\s*[,;)\]])
    """,
    _FLAGS,
)

# Two counts each followed by its arm, compared in brackets: "(two anastrozole vs three
# placebo)". The arm is one word that is not a unit ("(5 years vs 10 years)" is refused).
ARM_AFTER_VS_PAIR = re.compile(
    rf"""
    [(\[]\s*(?P<n>{NUMBER})\s+{_ARM_NAME_AFTER}
    \s+(?:vs\.?|versus|v\.?)\s+
    (?P<m>{NUMBER})\s+{_ARM_NAME_AFTER}\s*[)\],;]
    """,
    _FLAGS,
)

# A count placed in one group: "10 in the experimental group versus 28 in the control group",
# "27 patients in the ALND arm", "93 deaths occurring in the exemestane group",
# "Thirty-six patients in the latanoprost group".
GROUP_COUNT = re.compile(
    rf"""
    (?P<n>{_COUNT_OR_ZERO}|{_NO_THING})
    (?P<noun>(?:\s+{MODIFIER}){{0,3}}?\s+{_THING}
       |(?:\s+{MODIFIER}){{1,3}}?(?=\s+in\s+the\b))?  # "two false negative results in the"
    (?:\s+(?:were|was))?(?:\s+(?:occurring|occurred|reported|observed|seen|found|detected))?
    \s+(?:in|on|with|among|receiving|from|treated\s+with|taking)\s+
    (?:the\s+|each\s+)?(?:(?!and\b|or\b|vs\b|versus\b)[\w/+.%()-]+\s+){{0,4}}?
    (?:group|arm|cohort)\b(?:\s+(?:[IVX]{1,3}|[A-D1-4])\b)?    # "three in group II"
    """,
    _FLAGS,
)

# A count of people or events in an outcome sentence: "was observed in eight patients",
# "observed in 7 cases", "93 deaths", "five other fractures", "(n = 9) than with latanoprost".
THING_COUNT = re.compile(
    rf"""
    (?P<n>{_COUNT_OR_ZERO})
    (?P<noun>(?:\s+{MODIFIER}){{0,2}}?\s+{_THING})
    """,
    _FLAGS,
)

# "8.6% (14) of patients", "24.1% [39] in the linagliptin group": a percent, then its count.
PCT_THEN_COUNT = re.compile(
    rf"{_PCT}\s*[(\[]\s*(?P<n>{NUMBER})\s*[)\]]",
    _FLAGS,
)

OUTCOME_SENTENCE = words_pattern("outcome_sentence_words")

# Two counts set against each other, each with its treatment: "14 neoplastic events with
# tamoxifen and 28 with placebo", "28 VTEs on placebo and 44 on tamoxifen therapy",
# "33 for anastrozole vs 36 for tamoxifen", "53 on tamoxifen and 86 on placebo".
COMPARED_PAIR = re.compile(
    rf"""
    (?P<n>{_COUNT_OR_ZERO})(?:\s+{MODIFIER}){{0,2}}?(?:\s+{_THING})?  # "12 serious adverse events"
    \s+(?:with|on|for|in|after|receiving)\s+[\w/+.-]+(?:\s+[\w/+.-]+){{0,2}}?\s*,?\s*
    (?:vs\.?|versus|and|compared\s+with|but)\s+
    (?P<m>{_COUNT_OR_ZERO})(?:\s+{_THING})?
    \s+(?:with|on|for|in|after|receiving)\b
    """,
    _FLAGS,
)

# A count whose bracket splits it into parts that add up to it: "2144 (1063 ovarian ablation,
# 1081 no ovarian ablation)", "351 women (176 given exemestane, 175 given placebo)",
# "125 patients (63 TE and 62 TEL patients)". ``inner`` is the bracket's text.
COUNT_THEN_PARTS = re.compile(
    rf"""
    (?P<n>{NUMBER})
    (?:(?:\s+{MODIFIER}){{0,4}}?\s+{PARTICIPANT_NOUN})?
    \s*\((?P<inner>[^()]{{3,200}})\)
    """,
    _FLAGS,
)
# The parts inside that bracket: whole numbers that are not percents or decimals.
PART = re.compile(rf"(?P<n>{NUMBER_DIGITS})(?!\s*%)", re.VERBOSE)

# "in 22 and 30 patients, respectively", "(360 and 705 events, respectively)": two counts that
# share their noun.
AND_PAIR = re.compile(
    rf"""
    (?P<n>{_COUNT_OR_ZERO})\s*(?:and|or|,)\s*(?P<m>{_COUNT_OR_ZERO})
    (?:\s+{MODIFIER}){{0,3}}?\s+{_THING}
    (?=\s*,?\s*respectively
       # "Three and eight disease-free survival events were observed in the trastuzumab and
       # observation groups", "RCB 0-I was observed in four and eight patients in LETPAL and ..."
      |\s+(?:were\s+|was\s+)?(?:observed|occurred|reported|seen|found|noted|recorded)\b
      |\s+in\s+(?:the\s+)?[\w/+.-]+(?:\s+[\w/+.-]+){{0,3}}?\s+(?:and|or|vs\.?|versus)\b)
    """,
    _FLAGS,
)

# "136 women (74 placebo, 62 tamoxifen) developed breast cancer", "399 recurrences or
# contralateral breast cancers (CLBCs) (164 letrozole and 235 placebo) occurred", "Of the 28
# on-study deaths (17 gemcitabine, 11 epirubicin)": a count split by arm in a bracket.
COUNT_SPLIT_BY_ARM = re.compile(
    rf"""
    (?P<n>{NUMBER})
    (?P<between>(?:[^\d()]
       |\([^\d()]{{1,20}}\)                        # "399 recurrences or ... (CLBCs) (164 ...)"
       |\(\s*\d{{1,3}}(?:\.\d+)?\s*%\s*\)          # "18 (49%) participants (10 PSTP and 8 EDU)"
    ){{0,60}}?)
    \((?=[^()]*\d)(?!\s*\d{{1,3}}(?:\.\d+)?\s*%\s*\))   # parts, not "(CLBCs)" nor "(49%)"
    (?P<inner>[^()]{{3,120}})\)
    """,
    _FLAGS,
)

# A count followed directly by what happened to it, the people left implicit: "1 achieved
# complete remission (CR), 9 achieved partial remission (PR), 11 had stable disease",
# "Among women on HRT, 11 had local recurrence".
COUNT_THEN_OUTCOME_VERB = re.compile(
    rf"""
    (?P<n>{_COUNT_OR_ZERO})
    \s+(?:had|achieved|developed|experienced|died|relapsed|recurred|responded|showed|suffered|
         required|remained|reported|underwent\s+(?:re-?operation|surgery\s+for))\b
    """,
    _FLAGS,
)

# Response categories counted one by one: "1 CR, 5 PR, 19 SD, and 9 PD in control group",
# "(one CR, 11 PR; 95% CI ...)", "two pCRs". The abbreviations are matched case-sensitively.
COUNT_THEN_RESPONSE_CATEGORY = re.compile(
    rf"""
    (?<![+±]\s)(?<![+±])            # not "the mean + 2 SD (8.7 ng/ml)"
    (?P<n>{_COUNT_OR_ZERO})
    \s+(?-i:(?:CR|PR|SD|PD|pCR|ORR|CBR|OR|MR|NC)s?)\b
    """,
    _FLAGS,
)
