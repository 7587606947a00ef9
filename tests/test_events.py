"""The events that cross from audio to the skill round-trip through dicts and JSON unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest

from audio.events import AudioChunk, Hypothesis, Transcript, Utterance

EVENTS: list[Any] = [
    AudioChunk(b""),
    AudioChunk(b"\x00\x01\xff\x7f" * 100),
    AudioChunk(bytes(range(256)), rate=22050, width=1, channels=2),
    Transcript("what causes neck spasms"),
    Transcript("", final=False, confidence=0.0, source="microphone", audio_seconds=1.25),
    Transcript('¿qué? 😣 "quoted" \n new line', source="a file.wav", confidence=0.731),
    Transcript(
        "neck spasm",
        confidence=0.8,
        alternatives=(Hypothesis("neck spasm", 0.8), Hypothesis("next spasm", 0.2)),
        partials=("neck", "neck spa", "neck spasm"),
    ),
    Utterance("Hello."),
    Utterance("One. Two.", interruptible=False, sentences=("One.", "Two.")),
    Utterance("", sentences=()),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_to_dict_from_dict_round_trips(event: Any) -> None:
    assert type(event).from_dict(event.to_dict()) == event


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_round_trips_through_json(event: Any) -> None:
    text = json.dumps(event.to_dict())
    assert type(event).from_dict(json.loads(text)) == event


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        (AudioChunk(b"x"), "audio-chunk"),
        (Transcript("x"), "transcript"),
        (Utterance("x"), "utterance"),
    ],
)
def test_to_dict_names_its_type(event: Any, kind: str) -> None:
    assert event.to_dict()["type"] == kind


def test_audio_chunk_audio_is_base64_text() -> None:
    record = AudioChunk(b"\x00\x00\xff\xff").to_dict()
    assert record["audio"] == "AAD//w=="


def test_audio_chunk_seconds() -> None:
    assert AudioChunk(b"\x00" * 32000).seconds == 1.0
    assert AudioChunk(b"\x00" * 44100 * 2 * 2, rate=44100, width=2, channels=2).seconds == 1.0


def test_transcript_from_dict_fills_defaults() -> None:
    assert Transcript.from_dict({"text": "hi"}) == Transcript("hi")


def test_utterance_from_dict_fills_defaults_and_keeps_sentences_a_tuple() -> None:
    assert Utterance.from_dict({"text": "hi"}) == Utterance("hi")
    restored = Utterance.from_dict(
        json.loads(json.dumps(Utterance("a. b.", sentences=("a.", "b.")).to_dict()))
    )
    assert restored.sentences == ("a.", "b.")
