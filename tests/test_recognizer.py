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
from audio.events import AudioChunk, Hypothesis, Transcript
from audio.recognizer import (
    JOINED_ALTERNATIVES,
    UNKNOWN,
    Recognizer,
    build_grammar,
    join_transcripts,
    known_words,
)
from audio.strategies import Domain, make_recognizer, meaning_chooser
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


# -- n-best ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "voice"),
    [("how do i stretch my neck", "en-us"), ("my neck hurts when i turn my head", "en-us+f3")],
)
def test_n_best_alternatives_come_best_first_and_the_text_is_the_first(
    vosk_model: Any, speak: Speak, text: str, voice: str
) -> None:
    transcript = Recognizer(vosk_model, source="file", alternatives=5).transcribe(
        read_wav(speak(text, voice))
    )
    alternatives = transcript.alternatives
    assert 2 <= len(alternatives) <= 5
    assert transcript.text == alternatives[0].text
    assert transcript.confidence == alternatives[0].score
    scores = [h.score for h in alternatives]
    assert scores == sorted(scores, reverse=True)
    assert sum(scores) == pytest.approx(1.0)
    assert len({h.text for h in alternatives}) == len(alternatives)
    assert {"neck"} <= set(alternatives[0].text.split())


def test_n_best_of_silence_is_empty(vosk_model: Any) -> None:
    transcript = Recognizer(vosk_model, alternatives=5).transcribe([AudioChunk(b"\0" * 32000)])
    assert (transcript.text, transcript.confidence, transcript.alternatives) == ("", 0.0, ())


def test_n_best_with_a_grammar_never_shows_unk(vosk_model: Any, speak: Speak) -> None:
    recognizer = Recognizer(vosk_model, grammar=PHRASES, alternatives=4)
    transcript = recognizer.transcribe(read_wav(speak("start the morning routine")))
    assert transcript.text == "start the morning routine"
    assert all(UNKNOWN not in h.text for h in transcript.alternatives)


def test_plain_mode_has_no_alternatives(vosk_model: Any, speak: Speak) -> None:
    transcript = Recognizer(vosk_model).transcribe(read_wav(speak("next stretch")))
    assert transcript.alternatives == ()


def nbest(*pairs: tuple[str, float]) -> Transcript:
    alternatives = tuple(Hypothesis(text, score) for text, score in pairs)
    return Transcript(alternatives[0].text, confidence=pairs[0][1], alternatives=alternatives)


def test_joining_parts_combines_their_alternatives_by_joint_posterior() -> None:
    first = nbest(("my neck", 0.6), ("my next", 0.4))
    second = nbest(("hurts", 0.7), ("hurt", 0.2), ("", 0.1))
    joined = join_transcripts([first, Transcript("", confidence=0.0), second], "mic")
    assert joined.text == "my neck hurts"
    assert [h.text for h in joined.alternatives][:3] == [
        "my neck hurts",
        "my next hurts",
        "my neck hurt",
    ]
    assert joined.alternatives[0].score == pytest.approx(0.42)
    assert joined.confidence == pytest.approx(0.42)
    assert sum(h.score for h in joined.alternatives) == pytest.approx(1.0)


def test_joining_many_parts_keeps_only_the_best_combinations() -> None:
    part = nbest(*((f"word{i}", 0.1) for i in range(10)))
    joined = join_transcripts([part, part, part], "mic")
    assert len(joined.alternatives) == JOINED_ALTERNATIVES


def test_joining_one_part_keeps_a_chosen_text() -> None:
    chosen = Transcript(
        "my neck hurts",
        confidence=0.3,
        alternatives=(Hypothesis("my next hurts", 0.7), Hypothesis("my neck hurts", 0.3)),
        partials=("my", "my neck"),
    )
    joined = join_transcripts([chosen, Transcript("", confidence=0.0)], "mic")
    assert (joined.text, joined.confidence) == ("my neck hurts", 0.3)
    assert joined.alternatives == chosen.alternatives
    assert joined.partials == ("my", "my neck")


def test_domain_strategy_lets_the_hook_choose_among_alternatives(
    vosk_model: Any, speak: Speak
) -> None:
    seen: list[Transcript] = []

    def last(transcript: Transcript) -> Transcript:
        seen.append(transcript)
        pick = transcript.alternatives[-1]
        return Transcript(pick.text, confidence=pick.score, alternatives=transcript.alternatives)

    recognizer = make_recognizer("domain", vosk_model, [], source="file", choose=last)
    assert isinstance(recognizer, Domain)
    transcript = recognizer.transcribe(read_wav(speak("how do i stretch my neck")))
    assert len(seen) == 1 and len(seen[0].alternatives) >= 2
    assert transcript.text == seen[0].alternatives[-1].text != seen[0].text


def test_meaning_chooser_prefers_what_the_judge_understands() -> None:
    transcript = nbest(("what causes next pat terms", 0.55), ("what causes neck spasms", 0.45))

    def judge(text: str) -> tuple[str | None, float]:
        return ("spasm_causes", 0.95) if "spasms" in text else (None, 0.2)

    chosen = meaning_chooser(judge)(transcript)
    assert (chosen.text, chosen.confidence) == ("what causes neck spasms", 0.45)
    assert chosen.alternatives == transcript.alternatives
    # A recognizer weight this large gives the recognizer's own order back.
    assert meaning_chooser(judge, recognizer_weight=10.0)(transcript).text == transcript.text
