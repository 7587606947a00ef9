"""Every hypothesis reaches the skill: joined transcripts keep their alternatives and partials,
and the hybrid recognizer's losing reading travels with the winner."""

from __future__ import annotations

from audio.events import Hypothesis, Transcript
from audio.recognizer import join_transcripts
from audio.strategies import with_other_reading


def test_the_hybrids_other_reading_follows_as_an_alternative() -> None:
    chosen = Transcript("and my neck hurts", confidence=0.9, partials=("and my",))
    other = Transcript(
        "i fell off a ladder and my neck hurts", confidence=0.6, partials=("i fell",)
    )
    joined = with_other_reading(chosen, other)
    assert joined.text == chosen.text
    assert [h.text for h in joined.alternatives] == [chosen.text, other.text]
    assert joined.partials == ("and my", "i fell")


def test_the_same_reading_twice_adds_nothing() -> None:
    chosen = Transcript("neck", confidence=0.9)
    assert with_other_reading(chosen, Transcript("neck", confidence=0.5)) == chosen


def test_joining_parts_varies_one_part_at_a_time_and_keeps_partials() -> None:
    first = Transcript(
        "my hand feels week",
        alternatives=(
            Hypothesis("my hand feels week", 10.0),
            Hypothesis("my hand feels weak", 9.0),
        ),
        partials=("my hand",),
    )
    second = Transcript("since monday", partials=("since",))
    joined = join_transcripts([first, second], "microphone")
    assert joined.text == "my hand feels week since monday"
    assert [h.text for h in joined.alternatives] == [
        "my hand feels week since monday",
        "my hand feels weak since monday",
    ]
    assert joined.partials == ("my hand", "since")


def test_parts_without_alternatives_join_without_any() -> None:
    joined = join_transcripts([Transcript("hello"), Transcript("there")], "microphone")
    assert joined.text == "hello there" and joined.alternatives == ()
