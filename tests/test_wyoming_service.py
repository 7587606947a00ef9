"""What Wyoming connections share: conversations by key (named ones across connections, idle ones
forgotten, a bounded number), recognizers kept for reuse, and what was heard kept for the turn
that follows it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from audio.events import Hypothesis, Transcript
from skill.app.wyoming_service import (
    MAX_CONVERSATION_ID,
    Conversations,
    RecentlyHeard,
    RecognizerPool,
    Service,
)
from skill.data import SkillData
from skill.dialogue import DialogueManager
from skill.matcher import Matcher
from skill.response import Kind
from skill.routine_steps import StepwiseDialogue


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def make(data: SkillData, matcher: Matcher) -> Callable[[], StepwiseDialogue]:
    return lambda: StepwiseDialogue(DialogueManager(data, matcher))


def test_a_turn_belongs_to_its_connection_unless_the_client_names_a_conversation() -> None:
    assert Conversations.key_for("connection:1", None) == "connection:1"
    assert Conversations.key_for("connection:1", {"device_id": "x"}) == "connection:1"
    named = {"conversation_id": "01HX"}
    assert Conversations.key_for("connection:1", named) == "conversation:01HX"
    assert Conversations.key_for("connection:2", named) == "conversation:01HX"
    for odd in ("", 42, "x" * (MAX_CONVERSATION_ID + 1)):
        assert Conversations.key_for("connection:1", {"conversation_id": odd}) == "connection:1"


def test_new_connections_get_keys_of_their_own(make: Callable[[], StepwiseDialogue]) -> None:
    conversations = Conversations(make)
    assert conversations.connection_key() != conversations.connection_key()


def test_idle_conversations_are_forgotten(make: Callable[[], StepwiseDialogue]) -> None:
    clock = Clock()
    conversations = Conversations(make, idle_seconds=60, clock=clock)
    first = conversations.get("conversation:a")
    assert conversations.get("conversation:a") is first
    clock.now = 61
    assert conversations.get("conversation:a") is not first


def test_only_so_many_conversations_are_kept_the_least_recent_go_first(
    make: Callable[[], StepwiseDialogue],
) -> None:
    conversations = Conversations(make, most=2)
    a = conversations.get("a")
    conversations.get("b")
    conversations.get("a")
    conversations.get("c")  # "b" was used least recently
    assert len(conversations) == 2
    assert conversations.get("a") is a


def test_recognizers_are_reused_up_to_the_number_kept() -> None:
    made: list[Any] = []

    def build() -> Any:
        made.append(object())
        return made[-1]

    pool = RecognizerPool(build, keep=1)
    one, two = pool.take(), pool.take()
    pool.give(one)
    pool.give(two)  # beyond what is kept: dropped
    assert pool.take() is one
    assert len(made) == 2


def test_goodbye_ends_the_conversation(data: SkillData, matcher: Matcher) -> None:
    service = Service(data, matcher, None, workers=1)

    async def scenario() -> None:
        await service.turn("conversation:x", "what causes neck spasms")
        assert len(service.conversations) == 1
        assert (await service.turn("conversation:x", "goodbye")).end_session
        assert len(service.conversations) == 0

    try:
        asyncio.run(scenario())
    finally:
        service.close()


def heard_with(text: str, other: str) -> Transcript:
    return Transcript(text, alternatives=(Hypothesis(text, 0.7), Hypothesis(other, 0.3)))


def test_what_was_heard_is_recalled_by_its_text_for_a_while_and_only_so_many() -> None:
    clock = Clock()
    recent = RecentlyHeard(most=2, seconds=60.0, clock=clock)
    first = heard_with("my arm has gone", "my arm has gone numb")
    recent.remember(first)
    assert recent.recall("My arm  has gone") is first  # case and spacing may change on the way
    assert recent.recall("my arm has") is None
    clock.now = 61.0
    assert recent.recall("my arm has gone") is None
    recent.remember(first)
    recent.remember(heard_with("b", "bb"))
    recent.remember(heard_with("c", "cc"))
    assert recent.recall("my arm has gone") is None and recent.recall("c") is not None
    recent.remember(Transcript(""))  # silence is never recalled as anything
    assert recent.recall("") is None


def test_a_turn_on_text_the_server_just_heard_is_judged_with_every_hypothesis(
    data: SkillData, matcher: Matcher
) -> None:
    """A satellite sends back the text it was given; the warning sign in a weaker reading of
    that text is still asked about."""
    service = Service(data, matcher, None, workers=1)
    try:
        typed = asyncio.run(service.turn("connection:1", "my arm has gone"))
        assert typed.kind is Kind.FALLBACK and not typed.possible_red_flags
        service.recently_heard.remember(heard_with("my arm has gone", "my arm has gone numb"))
        spoken = asyncio.run(service.turn("connection:2", "my arm has gone"))
        assert spoken.kind is Kind.CONFIRM and spoken.possible_red_flags == ("numbness",)
        assert spoken.text == data.content.warning_signs["numbness"].confirm
    finally:
        service.close()
