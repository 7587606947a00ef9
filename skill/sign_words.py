"""What warning-sign patterns are made of: the signs, the pattern type, the text they run on,
and words several signs share (limbs, "can't", "feel", how very, how many).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Sign(StrEnum):
    """The warning signs, in the order a caution names them."""

    WEAKNESS = "weakness"
    NUMBNESS = "numbness"
    FEVER = "fever"
    INJURY = "injury"
    SEVERE_PAIN = "severe_pain"


@dataclass(frozen=True)
class Pattern:
    sign: Sign
    regex: re.Pattern[str]
    loose: bool = False  # one word alone: trusted only as spelled


_APOSTROPHES = re.compile(r"['’‘`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower case words separated by single spaces, apostrophes dropped."""
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).strip()


def any_of(words: str) -> str:
    """A group matching any of the space-separated words or ``_``-joined phrases."""
    options = sorted((w.replace("_", " ") for w in words.split()), key=len, reverse=True)
    return "(?:" + "|".join(options) + ")"


def gap(most: int) -> str:
    """Up to ``most`` words in between."""
    return rf"(?:\w+ ){{0,{most}}}"


# -- shared vocabulary ----------------------------------------------------------------------

LIMB = any_of(
    "arm arms hand hands finger fingers fingertip fingertips thumb thumbs wrist wrists forearm "
    "forearms palm palms pinky pinkie knuckles fist elbow elbows leg legs foot feet toes "
    "shoulder_and_arm shoulders_and_arms"
)
MY = any_of("my his her their your both one the a")
CANT = any_of(
    "cant cannot can_not couldnt could_not unable_to not_able_to struggle_to struggling_to "
    "struggled_to hard_to harder_to difficult_to trouble trouble_with havent_been_able_to "
    "hardly barely cant_even wont_let_me cant_seem_to couldnt_seem_to cant_really"
)
FEEL = any_of("feel feels feeling felt")
BECOME = any_of(
    "is are feels feel feeling felt gone going getting got grown growing become becoming "
    "seems seem looks turned turning has_gone have_gone"
)
VERY = r"(?:(?:so|really|very|too|quite|a_bit|a little|kind of|kinda|all|pretty|super) )?".replace(
    "_", " "
)
NUMBER = any_of(
    "one two three four five six seven eight nine ten eleven twelve a_few few several many "
    "some couple a_couple_of 1 2 3 4 5 6 7 8 9 10"
)
