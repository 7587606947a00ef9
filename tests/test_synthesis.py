"""Synthesis with the real pyttsx3 + espeak-ng engine: audio comes out, settings take effect."""

from __future__ import annotations

import logging
import threading

import numpy as np
import pytest

from audio.errors import AudioError, UnknownVoiceError
from audio.synthesis import Pcm, Synthesizer, VoiceInfo, _Engine, find_voice

SENTENCE = "Turn your head slowly to the left and hold it there for five seconds."
WORDS = len(SENTENCE.split())
SILENCE_RMS = 300.0  # int16 units; espeak at full volume is around 2500


def rms(pcm: Pcm) -> float:
    return float(np.sqrt(np.mean(pcm.samples.astype(np.float64) ** 2)))


def test_speech_is_audible_and_of_plausible_length() -> None:
    pcm = Synthesizer().synthesize(SENTENCE)
    assert rms(pcm) > SILENCE_RMS
    assert 0.2 * WORDS < pcm.seconds < 1.0 * WORDS


def test_faster_rate_gives_shorter_audio() -> None:
    slow = Synthesizer(rate=120).synthesize(SENTENCE)
    fast = Synthesizer(rate=300).synthesize(SENTENCE)
    assert fast.seconds < 0.6 * slow.seconds


def test_each_synthesizer_keeps_its_own_rate_when_interleaved() -> None:
    slow, fast = Synthesizer(rate=120), Synthesizer(rate=300)
    lengths = [s.synthesize(SENTENCE).seconds for s in (slow, fast, slow, fast, fast, slow)]
    assert lengths[0] == pytest.approx(lengths[2], rel=0.02) == pytest.approx(lengths[5], rel=0.02)
    assert lengths[1] == pytest.approx(lengths[3], rel=0.02) == pytest.approx(lengths[4], rel=0.02)


def test_lower_volume_gives_quieter_audio() -> None:
    loud = Synthesizer(volume=1.0).synthesize(SENTENCE)
    quiet = Synthesizer(volume=0.25).synthesize(SENTENCE)
    assert rms(quiet) < 0.5 * rms(loud)


def test_zero_volume_is_silent() -> None:
    assert rms(Synthesizer(volume=0.0).synthesize(SENTENCE)) < 1.0


def test_blank_text_gives_empty_audio() -> None:
    pcm = Synthesizer().synthesize("  \n ")
    assert len(pcm.samples) == 0
    assert pcm.seconds == 0.0


def test_espeak_is_never_cancelled_and_every_text_comes_out_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pyttsx3's runAndWait cancels espeak-ng when it is still busy (e.g. applying the rate
    # just set), which now and then left a text with no audio at all.
    from pyttsx3.drivers import _espeak

    cancels: list[None] = []
    real_cancel = _espeak.Cancel

    def spy() -> object:
        cancels.append(None)
        return real_cancel()

    monkeypatch.setattr(_espeak, "Cancel", spy)
    slow, fast = Synthesizer(rate=120), Synthesizer(rate=300)
    lengths = [s.synthesize(SENTENCE).seconds for s in (slow, fast) * 10]
    assert cancels == []
    assert lengths[0::2] == pytest.approx([lengths[0]] * 10, rel=0.02)
    assert lengths[1::2] == pytest.approx([lengths[1]] * 10, rel=0.02)


def test_synthesis_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    Synthesizer().synthesize("Breathe out.")
    assert capsys.readouterr().out == ""


def test_the_synthesizers_own_messages_go_to_the_debug_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="audio.synthesis"):
        Synthesizer().synthesize("Breathe out.")
    saved = [r for r in caplog.records if "Audio saved to" in r.getMessage()]
    assert saved and all(r.levelno == logging.DEBUG for r in saved)


def test_output_of_other_threads_is_kept_during_synthesis(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # "started-utterance" is reported from inside pyttsx3's run loop, mid-synthesis.
    def print_from_another_thread(**_: object) -> None:
        thread = threading.Thread(target=print, args=("from another thread",))
        thread.start()
        thread.join()

    with _Engine.lock:
        engine = _Engine.get()
    token = engine.connect("started-utterance", print_from_another_thread)
    try:
        Synthesizer().synthesize("Breathe out.")
    finally:
        engine.disconnect(token)
    assert capsys.readouterr().out == "from another thread\n"


def test_voices_include_american_english() -> None:
    voices = Synthesizer().voices()
    assert any(v.id == "gmw/en-us" and "en-us" in v.languages for v in voices)


@pytest.mark.parametrize("wanted", ["gmw/en-us", "en-us", "English (America)", "EN-US"])
def test_voice_is_chosen_by_id_name_or_language(wanted: str) -> None:
    assert Synthesizer(voice=wanted).voice_id == "gmw/en-us"


def test_voice_by_unique_name_substring() -> None:
    assert Synthesizer(voice="New York").voice_id == "gmw/en-us-nyc"


def test_chosen_voice_is_used_for_synthesis() -> None:
    british = Synthesizer(voice="en-gb-x-rp").synthesize(SENTENCE)
    american = Synthesizer(voice="en-us").synthesize(SENTENCE)
    assert not np.array_equal(british.samples, american.samples)


def test_unknown_voice_raises_an_unknown_voice_error() -> None:
    with pytest.raises(UnknownVoiceError, match="No voice called"):
        Synthesizer(voice="klingon-warrior").synthesize("Hello.")


def test_ambiguous_voice_lists_the_candidates() -> None:
    voices = [
        VoiceInfo("gmw/en-gb-scotland", "English (Scotland)", ("en-gb-scotland",)),
        VoiceInfo("gmw/en-gb-x-rp", "English (Received Pronunciation)", ("en-gb-x-rp",)),
    ]
    with pytest.raises(AudioError, match=r"Scotland.*Received Pronunciation"):
        find_voice(voices, "English")


@pytest.mark.parametrize("rate", [79, 451, -5])
def test_rate_out_of_range_raises(rate: int) -> None:
    with pytest.raises(AudioError, match="words per minute"):
        Synthesizer(rate=rate)


@pytest.mark.parametrize("volume", [-0.1, 1.5])
def test_volume_out_of_range_raises(volume: float) -> None:
    with pytest.raises(AudioError, match=r"0\.0 to 1\.0"):
        Synthesizer(volume=volume)


def test_pcm_samples_cannot_be_modified() -> None:
    pcm = Pcm(np.zeros(4, dtype=np.int16), 16000)
    with pytest.raises(ValueError):
        pcm.samples[0] = 1
