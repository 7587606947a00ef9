"""Recognition with the real Vosk model on real espeak-ng speech."""

from __future__ import annotations

import logging
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from audio.convert import chunks, encode
from audio.events import AudioChunk
from audio.recognizer import UNKNOWN, Recognizer, build_grammar, known_words
from audio.wavfile import load_wav, read_wav

Speak = Callable[..., Path]

PHRASES = [
    "what causes neck spasms",
    "how do i stretch my neck",
    "start the morning routine",
    "repeat that please",
    "next stretch",
]


@pytest.mark.parametrize(
    ("voice", "speed", "text", "key_words"),
    [
        ("en-us", 150, "how do i stretch my neck", {"stretch", "neck"}),
        ("en-gb", 175, "start the morning routine", {"morning", "routine"}),
        ("en-us+f3", 130, "what causes neck spasms", {"neck", "spasms"}),
        ("en-us+m7", 120, "my neck hurts when i turn my head", {"neck", "hurts", "head"}),
    ],
)
def test_open_vocabulary_hears_the_key_words(
    vosk_model: Any, speak: Speak, voice: str, speed: int, text: str, key_words: set[str]
) -> None:
    transcript = Recognizer(vosk_model, source="file").transcribe(
        read_wav(speak(text, voice, speed))
    )
    assert key_words <= set(transcript.text.split()), transcript.text
    assert 0.3 < transcript.confidence <= 1.0


@pytest.mark.parametrize(("voice", "speed"), [("en-us", 150), ("en-gb", 175), ("en-us+f3", 130)])
@pytest.mark.parametrize("text", PHRASES)
def test_grammar_returns_the_exact_phrase(
    vosk_model: Any, speak: Speak, voice: str, speed: int, text: str
) -> None:
    recognizer = Recognizer(vosk_model, grammar=PHRASES)
    assert recognizer.transcribe(read_wav(speak(text, voice, speed))).text == text


def test_out_of_vocabulary_grammar_words_are_dropped_with_a_warning(
    vosk_model: Any, speak: Speak, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="audio.recognizer"):
        recognizer = Recognizer(vosk_model, grammar=["loosen the trapezius", "Next Stretch"])
    assert "trapezius" in caplog.text
    assert recognizer.grammar == ["loosen the", "next stretch", UNKNOWN]
    assert recognizer.transcribe(read_wav(speak("next stretch"))).text == "next stretch"


def test_phrase_made_only_of_unknown_words_disappears(vosk_model: Any) -> None:
    assert build_grammar(vosk_model, ["xyzzyq plugh", "next stretch", "next stretch"]) == [
        "next stretch",
        UNKNOWN,
    ]


def test_known_words_asks_the_model_vocabulary(vosk_model: Any) -> None:
    known, unknown = known_words(vosk_model, ["neck", "spasms", "xyzzyq"])
    assert (known, unknown) == ({"neck", "spasms"}, {"xyzzyq"})


def test_switching_back_to_open_vocabulary_hears_words_outside_the_grammar(
    vosk_model: Any, speak: Speak
) -> None:
    recognizer = Recognizer(vosk_model, grammar=["next stretch"])
    wav = speak("how do i stretch my neck")
    assert "neck" not in recognizer.transcribe(read_wav(wav)).text
    recognizer.set_grammar(None)
    assert recognizer.grammar is None
    assert "neck" in recognizer.transcribe(read_wav(wav)).text


def test_44k_stereo_wav_is_converted_and_still_recognized(
    vosk_model: Any, speak: Speak, tmp_path: Path
) -> None:
    source = load_wav(speak("start the morning routine", "en-us", 150))
    mono = np.frombuffer(source.audio, dtype="<i2").astype(np.float64) / 32768
    t16 = np.arange(len(mono)) / 16000
    t44 = np.arange(int(len(mono) * 44100 / 16000)) / 44100
    stereo = np.repeat(np.interp(t44, t16, mono), 2)
    path = tmp_path / "stereo44.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(44100)
        wav.writeframes(encode(stereo, 2, 1))
    recognizer = Recognizer(vosk_model, grammar=PHRASES)
    assert recognizer.transcribe(read_wav(path)).text == "start the morning routine"


def test_streaming_gives_partials_then_a_final_transcript(vosk_model: Any, speak: Speak) -> None:
    recognizer = Recognizer(vosk_model, source="mic-test")
    audio = load_wav(speak("how do i stretch my neck")).audio
    partials = []
    for chunk in chunks(audio, samples_per_chunk=1600):
        assert recognizer.accept(chunk) is None  # one short utterance: Vosk does not end it early
        partials.append(recognizer.partial())
    final = recognizer.finish()
    assert any("stretch" in partial for partial in partials)
    assert "stretch my neck" in final.text
    assert final.final and final.source == "mic-test"
    assert final.audio_seconds == pytest.approx(len(audio) / 32000)


def test_vosk_ends_an_utterance_on_a_long_pause(vosk_model: Any, speak: Speak) -> None:
    audio = load_wav(speak("repeat that please")).audio + b"\0" * 32000 * 2
    recognizer = Recognizer(vosk_model)
    finals = [r for c in chunks(audio, samples_per_chunk=1600) if (r := recognizer.accept(c))]
    assert [f.text for f in finals] == ["repeat that please"]
    assert recognizer.finish().text == ""


def test_silence_gives_an_empty_transcript_with_zero_confidence(vosk_model: Any) -> None:
    transcript = Recognizer(vosk_model).transcribe([AudioChunk(b"\0" * 32000)])
    assert (transcript.text, transcript.confidence) == ("", 0.0)


def test_audio_in_another_format_is_refused(vosk_model: Any) -> None:
    with pytest.raises(ValueError, match="ChunkConverter"):
        Recognizer(vosk_model).accept(AudioChunk(b"\0" * 100, rate=44100))


def test_speech_outside_the_grammar_comes_back_empty(vosk_model: Any, speak: Speak) -> None:
    recognizer = Recognizer(vosk_model, grammar=["next stretch", "repeat that please", "stop"])
    transcript = recognizer.transcribe(read_wav(speak("my neck hurts when i turn my head")))
    assert (transcript.text, transcript.confidence) == ("", 0.0)
    assert transcript.audio_seconds > 1.0


def test_a_stray_grammar_word_match_has_low_confidence(vosk_model: Any, speak: Speak) -> None:
    # Vosk may match single grammar words inside unrelated speech ("banana" -> "that");
    # the confidence is what lets the caller ignore it.
    recognizer = Recognizer(vosk_model, grammar=["next stretch", "repeat that please", "stop"])
    transcript = recognizer.transcribe(read_wav(speak("banana")))
    assert transcript.text == "" or transcript.confidence < 0.6
