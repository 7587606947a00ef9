"""Red-flag detection: symptoms that must get "see a doctor" before anything else.

The article advises seeing a doctor for weakness, numbness or fever without a clear trigger, and
for persistent or severe pain; trauma such as whiplash or a fall is a cause it names for urgent
care. Detection is deliberately simple and generous: a missed red flag costs far more than an
extra caution. Questions *about* symptoms ("what are the warning signs?") are not red flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LIMB = r"(?:arms?|hands?|fingers?|shoulders? and arms?|wrists?)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "arm or hand weakness",
        re.compile(
            r"\b(?:weak(?:ness)?|(?:can'?t|cannot|can not|unable to) (?:grip|lift|hold|raise|move)"
            r"|(?:los(?:ing|t)|lose) (?:my )?(?:grip|strength))\b"
            rf".*\b{_LIMB}\b"
            rf"|\b{_LIMB}\b.*\b(?:weak(?:ness)?|giving way|no strength)\b"
            r"|\b(?:my )?grip (?:is|feels|has) (?:gone |got |become )?weak"
        ),
    ),
    (
        "numbness or tingling in the arms or hands",
        re.compile(
            r"\bnumb(?:ness)?\b|\bpins and needles\b"
            rf"|\b(?:tingl\w*)\b.*\b{_LIMB}\b|\b{_LIMB}\b.*\b(?:tingl\w*)\b"
        ),
    ),
    ("fever", re.compile(r"\bfever(?:ish)?\b|\b(?:high )?temperature\b|\bchills\b")),
    (
        "a recent accident, fall or injury",
        re.compile(
            r"\b(?:i|i've|ive|i have|just|was|got|been)\b.*\b(?:fell|fall(?:en)?|crash(?:ed)?|"
            r"accident|hit|injured|whiplash|tackled|knocked)\b"
            r"|\b(?:car|bike|sports?|skiing|football) (?:accident|crash|injury)\b"
            r"|\b(?:after|since) (?:a|my|the|that) (?:\w+ )?(?:fall|accident|crash|injury)\b"
        ),
    ),
    (
        "severe or worsening pain",
        re.compile(
            r"\b(?:severe|excruciating|unbearable|agony|agonizing|worst|intense|extreme|terrible)\b"
            r"|\b(?:getting|got|growing) (?:much )?worse\b|\bworsening\b|\bworse and worse\b"
            r"|\b(?:won'?t|doesn'?t|isn'?t) "
            r"(?:go(?:ing)? away|stop(?:ping)?|improv\w*|get(?:ting)? better)\b"
        ),
    ),
)

# Asking what the warning signs are is a question, not a report of a symptom.
_ABOUT_SYMPTOMS = re.compile(
    r"^(?:what|which|when|are there|tell me)\b.*\b(?:warning|danger|alarming|serious|red flag|"
    r"symptoms|signs|worry)\b"
)
_NEGATED = re.compile(r"\b(?:no|without|never|don'?t have|haven'?t had)\s+$")


@dataclass(frozen=True)
class RedFlag:
    """What was mentioned, in words the caution can repeat back."""

    reasons: tuple[str, ...]
    # Where each symptom was said in the text (start, end): the rest is the question, if any.
    spans: tuple[tuple[int, int], ...] = ()

    def question_in(self, text: str) -> str:
        """``text`` without the words that reported the symptoms."""
        kept, last = [], 0
        for start, end in sorted(self.spans):
            kept.append(text[last:start])
            last = max(last, end)
        kept.append(text[last:])
        return " ".join(" ".join(kept).split())


def detect_red_flags(text: str) -> RedFlag | None:
    """Return the red flags mentioned in ``text``, or None."""
    lowered = text.lower().replace("’", "'")
    if _ABOUT_SYMPTOMS.search(lowered) and not re.search(r"\b(?:i|my|me)\b", lowered):
        return None
    reasons = []
    spans = []
    for reason, pattern in _PATTERNS:
        match = pattern.search(lowered)
        if match is None:
            continue
        # Only a negation right before the symptom cancels it ("no numbness", not "not only
        # sore but numb").
        before = lowered[max(0, match.start() - 12) : match.start()]
        if _NEGATED.search(before) and not re.search(r"\bbut\b", before):
            continue
        reasons.append(reason)
        spans.append(match.span())
    return RedFlag(tuple(reasons), tuple(spans)) if reasons else None
