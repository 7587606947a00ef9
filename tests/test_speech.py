"""Speech: sentences spoken through real espeak-ng and PortAudio, interruptible from any thread."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest
from alsa import alsa_env, run_python

from audio.playback import Player
from audio.speech import Speech, split_sentences
from audio.synthesis import Synthesizer
from audio.wavfile import read_native, write_wav

ROUTINE = (
    "Sit up tall and relax your shoulders. Slowly tilt your right ear toward your right "
    "shoulder. Hold it there and breathe. Now come back to the middle. Tilt your left ear "
    "toward your left shoulder. Hold it there and breathe. Come back to the middle."
)

SPEAK = f"""
import json, threading, time
from audio.playback import Player
from audio.speech import Speech
from audio.synthesis import Synthesizer
ROUTINE = {ROUTINE!r}
speech = Speech(Synthesizer(rate=175), Player())
"""


def run(env: dict[str, str], body: str) -> dict[str, object]:
    out = run_python(SPEAK + textwrap.dedent(body), env)
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Hold it. Now relax!", ["Hold it.", "Now relax!"]),
        ("Does it hurt? Stop if it does.", ["Does it hurt?", "Stop if it does."]),
        ("First line\nSecond line", ["First line", "Second line"]),
        ('He said "stop." Then rest.', ['He said "stop."', "Then rest."]),
        ("One sentence without a full stop", ["One sentence without a full stop"]),
        ("  \n  ", []),
        ("Turn 2.5 cm to the left.", ["Turn 2.5 cm to the left."]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def test_synthesis_makes_audible_speech_that_a_wav_keeps(tmp_path: Path) -> None:
    pcm = Synthesizer().synthesize("Roll your shoulders back. Breathe out.")
    samples, rate = read_native(write_wav(tmp_path / "out.wav", pcm.samples, pcm.rate))
    assert rate == pcm.rate and samples[:, 0].tolist() == pcm.samples.tolist()
    assert np.sqrt(np.mean(pcm.samples.astype(np.float64) ** 2)) > 300
    assert 0.2 * 6 < pcm.seconds < 1.0 * 6


def test_say_blank_text_is_done_without_a_device() -> None:
    assert Speech(Synthesizer(), Player(device=99)).say("   ") is True


def test_say_completes_on_the_null_device(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path),
        """
        done = speech.say("Hold it there. Now relax.")
        print(json.dumps({"done": done, "speaking": speech.speaking.is_set()}))
        """,
    )
    assert result == {"done": True, "speaking": False}


def test_speaking_is_set_only_while_talking(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path, realtime_rate=22050),
        """
        seen = []
        before = speech.speaking.is_set()
        timer = threading.Timer(1.0, lambda: seen.append(speech.speaking.is_set()))
        timer.start()
        done = speech.say("Tilt your head forward. Hold it there and breathe slowly.")
        timer.join()
        print(json.dumps({"before": before, "during": seen, "after": speech.speaking.is_set()}))
        """,
    )
    assert result == {"before": False, "during": [True], "after": False}


def test_stop_from_another_thread_interrupts_a_long_text_quickly(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path, realtime_rate=22050),
        """
        full = speech.synthesizer.synthesize(ROUTINE).seconds
        threading.Timer(1.5, speech.stop).start()
        started = time.monotonic()
        done = speech.say(ROUTINE)
        elapsed = time.monotonic() - started
        print(json.dumps({"done": done, "elapsed": elapsed, "full": full}))
        """,
    )
    assert result["done"] is False
    assert isinstance(result["elapsed"], float) and isinstance(result["full"], float)
    assert result["full"] > 8
    assert 1.5 <= result["elapsed"] < 2.5


def test_stop_also_cancels_speech_waiting_its_turn(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path, realtime_rate=22050),
        """
        results = {}
        first = threading.Thread(target=lambda: results.update(first=speech.say(ROUTINE)))
        second = threading.Thread(target=lambda: results.update(second=speech.say("Well done.")))
        first.start()
        time.sleep(0.3)
        second.start()  # waits for the first to finish
        time.sleep(0.5)
        speech.stop()
        first.join()
        second.join()
        results["after"] = speech.say("Rest now.")
        print(json.dumps(results))
        """,
    )
    assert result == {"first": False, "second": False, "after": True}
