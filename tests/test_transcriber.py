"""Streamed recognition of one utterance in any PCM format, with the real model: formats are
checked and converted at the boundary, the recognizer is ready again after each stream, and
endless audio is cut off."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audio.convert import chunks
from audio.errors import AudioFormatError
from audio.events import AudioChunk
from audio.strategies import DEFAULT_STRATEGY, SpeechToText, make_recognizer
from audio.transcriber import StreamTranscriber, check_format
from audio.wavfile import load_wav
from skill.matcher import Matcher

Speak = Callable[..., Path]


@pytest.fixture(scope="module")
def stt(domain_model: Any, matcher: Matcher) -> SpeechToText:
    return make_recognizer(
        DEFAULT_STRATEGY, domain_model, matcher.spoken_sentences, source="test", judge=matcher.judge
    )


def stream(transcriber: StreamTranscriber, path: Path) -> str:
    wav = load_wav(path)
    for chunk in chunks(wav.audio, wav.rate, wav.width, wav.channels, samples_per_chunk=1024):
        transcriber.feed(chunk)
    return transcriber.finish().text


# Sentences the recognizer gets right from espeak-ng (accuracy is measured by the benchmark).
FIRST, SECOND = "start the morning routine", "when should i see a doctor"


@pytest.mark.parametrize(("rate", "channels"), [(16000, 1), (44100, 2)])
def test_speech_in_any_format_is_recognized_and_the_recognizer_can_go_again(
    stt: SpeechToText, speak_as: Speak, rate: int, channels: int
) -> None:
    transcriber = StreamTranscriber(stt)
    assert stream(transcriber, speak_as(FIRST, rate, channels)) == FIRST
    assert stream(transcriber, speak_as(SECOND, rate, channels)) == SECOND


def test_audio_past_the_limit_is_dropped(stt: SpeechToText, speak_as: Speak) -> None:
    transcriber = StreamTranscriber(stt, max_seconds=0.5)
    text = stream(transcriber, speak_as(FIRST, 16000, 1))
    assert transcriber.truncated
    assert text != FIRST


@pytest.mark.parametrize(
    ("rate", "width", "channels"),
    [(0, 2, 1), (16000, 5, 1), (16000, 2, 0), ("16000", 2, 1), (16000, 2.0, 1), (16000, True, 1)],
)
def test_formats_that_cannot_be_converted_are_refused(rate: Any, width: Any, channels: Any) -> None:
    with pytest.raises(AudioFormatError):
        check_format(rate, width, channels)


def test_a_bad_chunk_is_refused_before_it_reaches_the_recognizer(stt: SpeechToText) -> None:
    transcriber = StreamTranscriber(stt)
    with pytest.raises(AudioFormatError):
        transcriber.feed(AudioChunk(b"\0" * 100, rate=16000, width=7, channels=1))
    assert transcriber.seconds == 0.0
