"""The live path: end-of-speech detection, listen(), and a real PortAudio input stream.

The microphone tests record through PortAudio from a private ALSA setup whose capture device
reads a raw file of espeak-ng speech (tests/alsa.py). PortAudio reads the ALSA configuration once
per process, so they run in a subprocess. Measured there: ALSA's null slave is not paced, so the
whole file arrives at once, and past the file's end capture repeats the last period; the file
therefore ends with seconds of silence, which the endpointer needs anyway to end the utterance.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from alsa import alsa_env, run_python

from audio.convert import chunks
from audio.endpoint import Endpointer, EndpointEvent
from audio.events import AudioChunk
from audio.microphone import listen
from audio.recognizer import Recognizer
from audio.strategies import make_recognizer
from audio.wavfile import load_wav

Speak = Callable[..., Path]

SECOND = b"\0\0" * 16000


def speech_bounds(audio: bytes, threshold: int = 300) -> tuple[float, float]:
    """First and last audible instants (s) of 16 kHz 16-bit audio."""
    loud = np.nonzero(np.abs(np.frombuffer(audio, dtype="<i2")) > threshold)[0]
    return loud[0] / 16000, (loud[-1] + 1) / 16000


def boundaries(endpointer: Endpointer, audio: bytes, samples: int = 512) -> list[EndpointEvent]:
    return [
        event
        for chunk in chunks(audio, samples_per_chunk=samples)
        for event in endpointer.feed(chunk)
        if event.kind != "speech"
    ]


@pytest.mark.parametrize(
    ("voice", "speed", "text"),
    [
        ("en-us", 150, "how do i stretch my neck"),
        ("en-us+f3", 120, "my neck hurts when i turn my head to the left"),
        ("en-gb", 175, "start the morning routine"),
    ],
)
def test_speech_end_fires_within_half_a_second_and_never_during_speech(
    speak: Speak, voice: str, speed: int, text: str
) -> None:
    audio = SECOND + load_wav(speak(text, voice, speed)).audio + 2 * SECOND
    start, end = speech_bounds(audio)
    events = boundaries(Endpointer(), audio)
    assert [e.kind for e in events] == ["speech_started", "speech_ended"]
    started, ended = events
    assert start < started.at < start + 0.3
    assert end < ended.at <= end + 0.5, f"fired {ended.at - end:.2f} s after speech ended"


def test_speech_start_carries_the_audio_just_before_the_trigger(speak: Speak) -> None:
    audio = SECOND + load_wav(speak("next stretch")).audio + SECOND
    start, _ = speech_bounds(audio)
    started = boundaries(Endpointer(preroll_ms=300), audio)[0]
    preroll_from = started.at - len(started.audio) / 32000
    assert len(started.audio) == 10 * 960  # ten 30 ms frames
    assert preroll_from < start - 0.1  # the onset is inside, with room to spare


def test_silence_alone_starts_nothing() -> None:
    assert boundaries(Endpointer(), 3 * SECOND) == []


def test_chunk_size_does_not_change_the_boundaries(speak: Speak) -> None:
    audio = SECOND + load_wav(speak("repeat that please")).audio + SECOND
    small = [(e.kind, e.at) for e in boundaries(Endpointer(), audio, samples=37)]
    large = [(e.kind, e.at) for e in boundaries(Endpointer(), audio, samples=16000)]
    assert small == large


def test_longer_silence_setting_waits_longer(speak: Speak) -> None:
    audio = SECOND + load_wav(speak("repeat that please")).audio + 2 * SECOND
    short = boundaries(Endpointer(silence_ms=300), audio)[-1].at
    long = boundaries(Endpointer(silence_ms=900), audio)[-1].at
    assert long - short == pytest.approx(0.6, abs=0.031)


def test_endpointer_refuses_audio_it_cannot_judge() -> None:
    with pytest.raises(ValueError, match="16 kHz"):
        Endpointer().feed(AudioChunk(b"\0" * 100, rate=8000))


class FileSource:
    """A ChunkSource playing 16 kHz audio in 30 ms blocks, like a microphone."""

    def __init__(self, audio: bytes) -> None:
        self.audio = audio

    def chunks(self, timeout: float = 2.0) -> Iterator[AudioChunk]:
        return chunks(self.audio, samples_per_chunk=480)


def test_listen_returns_the_utterance_and_reports_growing_partials(
    vosk_model: Any, speak: Speak
) -> None:
    audio = SECOND + load_wav(speak("repeat that please")).audio + 2 * SECOND
    partials: list[str] = []
    transcript = listen(
        FileSource(audio), Recognizer(vosk_model), Endpointer(), on_partial=partials.append
    )
    assert transcript.text == "repeat that please"
    assert transcript.source == "microphone"
    assert partials and "repeat" in partials[-1]
    assert len(set(partials)) == len(partials)  # only changes are reported


def test_listen_keeps_every_distinct_partial_in_the_transcript(
    vosk_model: Any, speak: Speak
) -> None:
    audio = SECOND + load_wav(speak("my neck hurts when i turn my head")).audio + 2 * SECOND
    reported: list[str] = []
    transcript = listen(
        FileSource(audio), Recognizer(vosk_model), Endpointer(), on_partial=reported.append
    )
    assert transcript.partials == tuple(dict.fromkeys(p for p in reported if p))
    assert len(transcript.partials) >= 3
    assert "neck" in transcript.partials[-1]
    # Without anyone watching, they are kept all the same.
    quiet = listen(FileSource(audio), Recognizer(vosk_model), Endpointer())
    assert len(quiet.partials) >= 3 and "neck" in quiet.partials[-1]


def test_listen_with_n_best_returns_alternatives_and_partials(
    vosk_model: Any, speak: Speak
) -> None:
    audio = SECOND + load_wav(speak("how do i stretch my neck")).audio + 2 * SECOND
    recognizer = make_recognizer("domain", vosk_model, [], alternatives=5)
    transcript = listen(FileSource(audio), recognizer, Endpointer())
    assert len(transcript.alternatives) >= 2
    assert transcript.text == transcript.alternatives[0].text
    assert "neck" in transcript.text
    assert transcript.partials and "neck" in transcript.partials[-1]


def test_listen_stops_at_the_end_of_the_first_utterance(vosk_model: Any, speak: Speak) -> None:
    first = load_wav(speak("next stretch")).audio
    second = load_wav(speak("repeat that please")).audio
    audio = SECOND + first + 2 * SECOND + second + SECOND
    recognizer = Recognizer(vosk_model, grammar=["next stretch", "repeat that please"])
    assert listen(FileSource(audio), recognizer, Endpointer()).text == "next stretch"


def test_listen_gives_up_after_waiting_seconds_of_silence(vosk_model: Any) -> None:
    transcript = listen(
        FileSource(10 * SECOND), Recognizer(vosk_model), Endpointer(), wait_seconds=2
    )
    assert (transcript.text, transcript.confidence) == ("", 0.0)


MIC = """
import json, time
from audio.endpoint import Endpointer
from audio.microphone import Microphone, find_device, has_microphone, list_input_devices, listen
from audio.model import load_model
from audio.recognizer import Recognizer
from audio.errors import AudioError
from audio.strategies import make_recognizer
"""


def run(env: dict[str, str], body: str) -> dict[str, Any]:
    out = run_python(MIC + textwrap.dedent(body), env, timeout=60)
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def capture_file(tmp_path: Path, wav: Path) -> Path:
    raw = tmp_path / "capture.raw"
    raw.write_bytes(SECOND[:16000] + load_wav(wav).audio + 3 * SECOND)
    return raw


def test_microphone_path_transcribes_speech_from_the_capture_device(
    vosk_model: Any, speak: Speak, tmp_path: Path
) -> None:
    raw = capture_file(tmp_path, speak("repeat that please", "en-us+m7", 120))
    result = run(
        alsa_env(tmp_path, raw),
        """
        partials = []
        with Microphone() as mic:
            transcript = listen(mic, Recognizer(load_model()), Endpointer(),
                                on_partial=partials.append, wait_seconds=5)
        print(json.dumps({"text": transcript.text, "partials": partials,
                          "confidence": transcript.confidence}))
        """,
    )
    assert result["text"] == "repeat that please"
    assert result["partials"] and result["confidence"] > 0.5


def test_microphone_path_with_a_grammar_gives_the_exact_phrase(
    vosk_model: Any, speak: Speak, tmp_path: Path
) -> None:
    raw = capture_file(tmp_path, speak("start the morning routine", "en-gb", 175))
    result = run(
        alsa_env(tmp_path, raw),
        """
        grammar = ["start the morning routine", "next stretch", "what causes neck spasms"]
        with Microphone(device="default") as mic:
            transcript = listen(mic, Recognizer(load_model(), grammar), Endpointer(),
                                wait_seconds=5)
        print(json.dumps({"text": transcript.text}))
        """,
    )
    assert result["text"] == "start the morning routine"


def test_closing_the_microphone_ends_a_listen_waiting_on_another_thread(
    vosk_model: Any, speak: Speak, tmp_path: Path
) -> None:
    # After the file, capture goes on with its last (silent) period for ever: a second listen
    # waits for speech that never comes, as the session's reading thread does after goodbye.
    raw = capture_file(tmp_path, speak("repeat that please", "en-us+m7", 120))
    result = run(
        alsa_env(tmp_path, raw),
        """
        import threading
        model = load_model()
        mic = Microphone()
        first = listen(mic, Recognizer(model), Endpointer(), wait_seconds=5)
        second = []
        reader = threading.Thread(
            target=lambda: second.append(listen(mic, Recognizer(model), Endpointer())))
        reader.start()
        time.sleep(0.5)
        waiting = reader.is_alive()
        mic.close()
        reader.join(timeout=5)
        try:
            mic.start()
            reopened = None
        except AudioError as error:
            reopened = str(error)
        mic.close()  # twice is harmless
        print(json.dumps({
            "first": first.text, "waiting": waiting, "ended": not reader.is_alive(),
            "second": [t.text for t in second], "stream": mic._stream is not None,
            "threads": threading.active_count(), "after": list(mic.chunks()),
            "reopened": reopened,
        }))
        """,
    )
    assert result["first"] == "repeat that please"
    assert result["waiting"] and result["ended"] and result["second"] == [""]
    assert not result["stream"] and result["threads"] == 1 and result["after"] == []
    assert "closed" in result["reopened"]


def test_muted_microphone_drops_what_it_hears(
    vosk_model: Any, speak: Speak, tmp_path: Path
) -> None:
    raw = capture_file(tmp_path, speak("what causes neck spasms"))
    result = run(
        alsa_env(tmp_path, raw),
        """
        mic = Microphone()
        mic.muted.set()  # the assistant is speaking while the file's speech is captured
        with mic:
            time.sleep(1.0)
            mic.muted.clear()
            transcript = listen(mic, Recognizer(load_model()), Endpointer(), wait_seconds=2)
        print(json.dumps({"text": transcript.text}))
        """,
    )
    assert result["text"] == ""


def test_capture_devices_are_listed_and_found_by_name(speak: Speak, tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path, capture_file(tmp_path, speak("next stretch"))),
        """
        try:
            find_device("Bluetooth headset")
            missing = None
        except AudioError as error:
            missing = str(error)
        print(json.dumps({
            "has": has_microphone(),
            "names": [d.name for d in list_input_devices()],
            "found": find_device("DEFAU"),
            "default": find_device(None),
            "missing": missing,
        }))
        """,
    )
    assert result["has"] == [True, ""]
    assert "default" in result["names"]
    assert result["names"][result["found"]] == "default"
    assert result["default"] is None
    assert "'Bluetooth headset'" in result["missing"] and "default" in result["missing"]


def test_unusable_capture_device_raises_audio_error(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path, default_pcm="type hw card 9"),
        """
        try:
            Microphone().start()
            error = None
        except AudioError as caught:
            error = str(caught)
        print(json.dumps({"error": error, "has": has_microphone()}))
        """,
    )
    assert result["error"] and "type instead" in result["error"]
    assert result["has"][0] is False and result["has"][1]


def test_missing_portaudio_is_an_audio_error_not_a_crash(tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path),
        """
        import ctypes.util
        ctypes.util.find_library = lambda name: None  # as on a machine without libportaudio2
        try:
            Microphone().start()
            error = None
        except AudioError as caught:
            error = str(caught)
        print(json.dumps({"error": error, "has": has_microphone()}))
        """,
    )
    assert "PortAudio" in result["error"] and "libportaudio2" in result["error"]
    assert result["has"][0] is False and "PortAudio" in result["has"][1]


def test_stream_that_stops_mid_listen_raises_audio_error(speak: Speak, tmp_path: Path) -> None:
    result = run(
        alsa_env(tmp_path, capture_file(tmp_path, speak("next stretch"))),
        """
        with Microphone() as mic:
            blocks = mic.chunks(timeout=0.3)
            next(blocks)
            mic._stream.abort()  # what PortAudio does when the device goes away
            try:
                for _ in blocks:
                    pass
                error = None
            except AudioError as caught:
                error = str(caught)
        print(json.dumps({"error": error}))
        """,
    )
    assert "stopped" in result["error"] and "type instead" in result["error"]


class CountingSource(FileSource):
    """A FileSource that counts the audio taken from it."""

    taken = 0.0

    def chunks(self, timeout: float = 2.0) -> Iterator[AudioChunk]:
        for chunk in super().chunks(timeout):
            self.taken += chunk.seconds
            yield chunk


def test_a_complete_request_ends_the_turn_without_the_full_silence(
    vosk_model: Any, speak: Speak
) -> None:
    speech = load_wav(speak("repeat that please")).audio
    audio = SECOND + speech + 2 * SECOND
    waited, early = CountingSource(audio), CountingSource(audio)
    plain = listen(waited, Recognizer(vosk_model), Endpointer())
    quick = listen(
        early, Recognizer(vosk_model), Endpointer(), complete=lambda words: words == plain.text
    )
    assert quick.text == plain.text == "repeat that please"
    # The whole request was heard, and the turn ended at least 100 ms of silence sooner.
    assert waited.taken - early.taken >= 0.1


def test_an_incomplete_request_waits_for_the_full_silence(vosk_model: Any, speak: Speak) -> None:
    audio = SECOND + load_wav(speak("repeat that please")).audio + 2 * SECOND
    waited, asked = CountingSource(audio), CountingSource(audio)
    listen(waited, Recognizer(vosk_model), Endpointer())
    listen(asked, Recognizer(vosk_model), Endpointer(), complete=lambda words: False)
    assert asked.taken == waited.taken
