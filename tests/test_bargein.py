"""Barge-in: a spoken "stop" cuts the assistant short, its own words never do."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from alsa import alsa_env, run_python

from audio.bargein import BargeIn, BargeInHeard
from audio.wavfile import read_wav

SECOND = b"\0\0" * 16000

pytestmark = pytest.mark.model


def feed(barge_in: BargeIn, wav: Path) -> None:
    for chunk in read_wav(wav):
        barge_in(chunk)
    # Trailing silence lets Vosk end the utterance, as the room would.
    from audio.events import AudioChunk

    for _ in range(10):
        barge_in(AudioChunk(SECOND[:3200]))


@pytest.mark.parametrize("word", ["stop", "pause", "quiet"])
def test_a_barge_in_word_is_heard_while_speaking(vosk_model: Any, speak: Any, word: str) -> None:
    barge_in = BargeIn(vosk_model, lambda: "Neck pain has many possible causes.")
    with pytest.raises(BargeInHeard) as heard:
        feed(barge_in, speak(word, "en-us", 140))
    assert heard.value.word == word


def test_the_assistants_own_stop_does_not_cut_it_off(vosk_model: Any, speak: Any) -> None:
    barge_in = BargeIn(vosk_model, lambda: "Stop if pain increases.")
    feed(barge_in, speak("stop", "en-us", 140))


def test_other_speech_is_not_a_barge_in(vosk_model: Any, speak: Any) -> None:
    barge_in = BargeIn(vosk_model, lambda: "")
    feed(barge_in, speak("what causes neck pain", "en-gb", 160))


def test_the_microphone_routes_muted_audio_to_barge_in(
    vosk_model: Any, speak: Any, tmp_path: Path
) -> None:
    from audio.wavfile import load_wav

    raw = tmp_path / "capture.raw"
    raw.write_bytes(SECOND + load_wav(speak("stop", "en-us", 140)).audio + 3 * SECOND)
    code = textwrap.dedent(
        """
        import json
        from audio.bargein import BargeIn, BargeInHeard
        from audio.endpoint import Endpointer
        from audio.microphone import Microphone, listen
        from audio.model import load_model
        from audio.recognizer import Recognizer
        model = load_model()
        mic = Microphone()
        # Muted before the stream starts: the file-fed capture delivers everything at once.
        mic.muted.set()
        mic.while_muted = BargeIn(model, lambda: "")
        with mic:
            try:
                transcript = listen(mic, Recognizer(model), Endpointer(), timeout=3)
                print(json.dumps({"utterance": transcript.text}))
            except BargeInHeard as heard:
                print(json.dumps({"barge_in": heard.word}))
        """
    )
    result = json.loads(run_python(code, alsa_env(tmp_path, raw), timeout=60).splitlines()[-1])
    assert result == {"barge_in": "stop"}
