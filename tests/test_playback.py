"""Playback through real PortAudio streams on a private ALSA setup (see tests/alsa.py)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
from alsa import alsa_env, run_python

from audio.playback import Player
from audio.synthesis import Pcm

PLAY = """
import json, threading, time
import numpy as np
from audio.playback import Player
from audio.synthesis import Pcm
from audio.errors import AudioError

def tone(seconds, rate=22050):
    t = np.arange(int(seconds * rate)) / rate
    return Pcm((np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16), rate)
"""


def run(env: dict[str, str], body: str) -> dict[str, object]:
    out = run_python(PLAY + textwrap.dedent(body), env)
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def test_playback_on_the_null_device_completes(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path),
        """
        print(json.dumps({"completed": Player().play(tone(1.0))}))
        """,
    )
    assert result == {"completed": True}


def test_playback_on_a_named_device_completes(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path),
        """
        print(json.dumps({"completed": Player(device="default").play(tone(0.3, rate=16000))}))
        """,
    )
    assert result == {"completed": True}


def test_paced_playback_takes_real_time(tmp_path: Path) -> None:
    # Guards the stop tests below: they mean nothing if playback does not take time.
    result = run(
        alsa_env(tmp_path, realtime_rate=22050),
        """
        started = time.monotonic()
        completed = Player().play(tone(2.5))
        print(json.dumps({"completed": completed, "elapsed": time.monotonic() - started}))
        """,
    )
    assert result["completed"] is True
    assert isinstance(result["elapsed"], float) and result["elapsed"] > 0.6


def test_stop_from_another_thread_interrupts_playback_quickly(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path, realtime_rate=22050),
        """
        player = Player()
        threading.Timer(1.5, player.stop).start()
        started = time.monotonic()
        completed = player.play(tone(10.0))
        print(json.dumps({"completed": completed, "elapsed": time.monotonic() - started}))
        """,
    )
    assert result["completed"] is False
    assert isinstance(result["elapsed"], float) and 1.5 <= result["elapsed"] < 2.5


def test_cancel_event_interrupts_playback(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path, realtime_rate=22050),
        """
        cancel = threading.Event()
        threading.Timer(1.5, cancel.set).start()
        started = time.monotonic()
        completed = Player().play(tone(10.0), cancel=cancel)
        print(json.dumps({"completed": completed, "elapsed": time.monotonic() - started}))
        """,
    )
    assert result["completed"] is False
    assert isinstance(result["elapsed"], float) and result["elapsed"] < 2.5


def test_stop_before_play_does_not_silence_the_next_play(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path),
        """
        player = Player()
        player.stop()
        print(json.dumps({"completed": player.play(tone(0.2))}))
        """,
    )
    assert result == {"completed": True}


def test_missing_default_device_raises_audio_error(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path, default_pcm="type hw card 9"),
        """
        try:
            Player().play(tone(0.2))
            print(json.dumps({"error": None}))
        except AudioError as error:
            print(json.dumps({"error": str(error)}))
        """,
    )
    error = str(result["error"])
    assert "No usable sound output device (default" in error
    assert "python -m sounddevice" in error


def test_device_index_that_does_not_exist_raises_audio_error(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path),
        """
        try:
            Player(device=99).play(tone(0.2))
            print(json.dumps({"error": None}))
        except AudioError as error:
            print(json.dumps({"error": str(error)}))
        """,
    )
    assert "No usable sound output device (99" in str(result["error"])


def test_device_name_that_does_not_exist_raises_audio_error(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path),
        """
        try:
            Player(device="Bluetooth speaker").play(tone(0.2))
            print(json.dumps({"error": None}))
        except AudioError as error:
            print(json.dumps({"error": str(error)}))
        """,
    )
    assert "'Bluetooth speaker'" in str(result["error"])


def test_empty_audio_plays_without_opening_a_device() -> None:
    # No ALSA setup at all: an empty clip must not need a sound card.
    assert Player(device=99).play(Pcm(np.zeros(0, dtype=np.int16), 22050)) is True
