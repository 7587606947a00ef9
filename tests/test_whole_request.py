"""Semantic endpointing's judgement (``Matcher.is_whole_request``): a turn ends early only on
words that are all of a request, never on the start of a longer one that asks something else."""

from __future__ import annotations

import pytest

from skill.dialogue import IN_ROUTINE_INTENTS
from skill.matcher import Matcher

CONTROLS = {str(control) for control in IN_ROUTINE_INTENTS}


@pytest.mark.parametrize(
    "words", ["what causes neck spasms", "stop", "stop it", "next", "how long does it last"]
)
def test_a_known_request_that_nothing_carries_further_is_whole(
    matcher: Matcher, words: str
) -> None:
    assert matcher.is_whole_request(words)


@pytest.mark.parametrize(
    "words",
    [
        "how long",  # "how long do neck spasms last" asks something else
        "what can i do",  # "what can i do for neck pain"
        "help",  # "help me stretch"
        "okay",  # "okay so what causes them"
        "there",  # "there is tingling down my arm"
        "what causes neck",  # not a sentence at all
    ],
)
def test_the_start_of_a_longer_request_is_not_whole(matcher: Matcher, words: str) -> None:
    assert not matcher.is_whole_request(words)


def test_in_a_routine_only_the_controls_count(matcher: Matcher) -> None:
    assert matcher.is_whole_request("pause", allowed=CONTROLS)
    assert not matcher.is_whole_request("what causes neck spasms", allowed=CONTROLS)
