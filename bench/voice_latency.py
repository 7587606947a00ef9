"""Latency as a person feels it: end of speech to the first audible sample of the answer, through
the real parts of the voice loop.

Each question, spoken by a near-human voice, is recorded through a real PortAudio stream from a
file-backed ALSA capture device (the microphone path: callback, queue, conversion, endpointer,
semantic endpointing, the default recognizer), answered by the dialogue, and spoken by the real
mouth (pyttsx3 and espeak-ng, played through PortAudio into ALSA's null device drained at
real-time speed, so writes block as on a sound card). One endpointer hears the whole session, as
the listener keeps one.

ALSA's file capture is not paced: it delivers audio as fast as it is read. So the two parts of
the latency are measured where each is exact:

* from the end of speech to the end of the turn, in audio time: how much audio after the last
  speech sample the endpointer needed before it ended the turn (300 ms of silence, less when the
  words heard are already a complete request; at the microphone this is real time);
* from then to the answer, in wall-clock time: finishing recognition, the dialogue (the answer
  text), synthesizing the first sentence and handing its first block to the output stream, plus
  the output latency PortAudio reports.

``python -m bench.voice_latency`` prints each turn and the medians and writes
``bench/out/voice_latency.json``; run on the 2-core machine, the figures go into the README.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from . import noise, sets, voices

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "voice_latency.json"
RATE = 16000
LEAD_SECONDS = 0.5
TAIL_SECONDS = 1.5
SPEECH_LEVEL = 0.1  # RMS of the active speech, about -20 dBFS

# Drains playback at real-time speed so writes block as on a sound card.
_PLAYBACK_PACER = """\
import os, sys, time
bytes_per_second = int(sys.argv[1])
start = time.monotonic()
total = 0
while chunk := os.read(0, 2048):
    total += len(chunk)
    delay = start + total / bytes_per_second - time.monotonic()
    if delay > 0:
        time.sleep(delay)
"""


@dataclass(frozen=True)
class Turn:
    question: str
    heard: str
    intent: str
    endpoint_ms: float  # end of speech to the end of the turn (audio time)
    to_text_ms: float  # end of speech to the answer text
    to_audio_ms: float  # end of speech to the first audible sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.voice_latency")
    parser.add_argument("--questions", type=int, default=20, help="how many questions")
    parser.add_argument("--voice", default="piper:joe", help="the talker (see bench.voices)")
    parser.add_argument("--set", default="dev", help="the question set to draw from")
    parser.add_argument("--inner", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner is not None:
        return _inner(args.inner)
    questions = _questions(args.set, args.questions)
    voice = voices.Voice.parse(args.voice)
    with tempfile.TemporaryDirectory(prefix="neck-coach-latency-") as name:
        folder = Path(name)
        plan = []
        for index, text in enumerate(questions):
            raw, end = _capture(text, voice)
            path = folder / f"q{index}.raw"
            path.write_bytes(raw)
            plan.append({"text": text, "audio": str(path), "speech_end": end})
        (folder / "plan.json").write_text(json.dumps(plan))
        env = _alsa_env(folder)
        command = [sys.executable, "-m", "bench.voice_latency", "--inner", str(folder)]
        subprocess.run(command, env=env, cwd=ROOT, check=True, timeout=60 * len(questions))
        turns = [Turn(**t) for t in json.loads((folder / "turns.json").read_text())]
    report(turns)
    return 0


def _questions(name: str, count: int) -> list[str]:
    """Ordinary in-domain questions spread over the set (no routine starts or goodbyes)."""
    items = [
        q
        for q in sets.load_set(name).question_items
        if q.ordinary and q.intent not in {"start_routine", "goodbye", "stop", "repeat"}
    ]
    step = max(1, len(items) // count)
    return [q.text for q in items[::step][:count]]


def _capture(text: str, voice: voices.Voice) -> tuple[bytes, float]:
    """A short silence, the question, then silence: raw 16 kHz mono; where the speech ends."""
    speech = noise.trim(voices.synthesize(text, voice))
    level = noise.active_rms(speech)
    speech = speech * (SPEECH_LEVEL / level if level > 0 else 1.0)
    lead = np.zeros(int(LEAD_SECONDS * RATE))
    tail = np.zeros(int(TAIL_SECONDS * RATE))
    samples = np.concatenate([lead, speech, tail])
    ints = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    return ints.tobytes(), LEAD_SECONDS + len(speech) / RATE


def _alsa_env(folder: Path) -> dict[str, str]:
    playback = folder / "playback_pacer.py"
    playback.write_text(_PLAYBACK_PACER)
    capture = folder / "capture.raw"
    # espeak-ng through pyttsx3 plays 22.05 kHz mono 16-bit.
    config = (
        'pcm.paced {\n    type file\n    slave.pcm "null"\n'
        f'    file "|{sys.executable} {playback} {22050 * 2}"\n    format "raw"\n}}\n'
        'pcm.cap {\n    type file\n    slave.pcm "null"\n    file "/dev/null"\n'
        f'    infile "{capture}"\n    format "raw"\n}}\n'
        'pcm.!default {\n    type asym\n    playback.pcm "paced"\n    capture.pcm "cap"\n}\n'
    )
    (folder / ".asoundrc").write_text(config)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NECK_COACH")}
    env["HOME"] = str(folder)
    # The speech model and caches stay the user's (the biased graph is built once).
    env["XDG_CACHE_HOME"] = os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache"))
    return env


class _FirstAudio(logging.Handler):
    """Notes when the mouth hands its first block to the output stream, and the latency."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.at: float | None = None
        self.latency = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        if self.at is None and record.getMessage().startswith("first audio out"):
            self.at = time.monotonic()
            args = record.args if isinstance(record.args, tuple) else ()
            self.latency = float(str(args[0])) if args else 0.0


@dataclass
class _Timed:
    """A chunk source that remembers how much audio it gave and when it gave the last chunk."""

    source: object
    given: float = 0.0
    last_at: float = 0.0

    def chunks(self, timeout: float = 2.0) -> Iterator[object]:
        for chunk in self.source.chunks(timeout):  # type: ignore[attr-defined]
            self.given += chunk.seconds
            self.last_at = time.monotonic()
            yield chunk


def _inner(folder: Path) -> int:
    """In the process that reads the private ALSA setup: one turn per question."""
    from audio.endpoint import Endpointer
    from audio.microphone import Microphone, listen
    from audio.playback import Player
    from audio.speech import Speech
    from audio.synthesis import Synthesizer
    from skill.app.recognition import load_recognition
    from skill.app.settings import ListeningSettings
    from skill.data import load_skill_data
    from skill.dialogue import DialogueManager
    from skill.matcher_cache import load_matcher

    plan = json.loads((folder / "plan.json").read_text())
    # The capture device's file must exist before PortAudio first looks at the devices: ALSA's
    # file plugin reads garbage for the rest of the process otherwise.
    (folder / "capture.raw").write_bytes(Path(plan[0]["audio"]).read_bytes())
    first_audio = _FirstAudio()
    playback_log = logging.getLogger("audio.playback")
    playback_log.setLevel(logging.DEBUG)
    playback_log.addHandler(first_audio)
    data = load_skill_data()
    matcher = load_matcher(data)
    recognition = load_recognition(ListeningSettings(), data, matcher, print)
    speech = Speech(Synthesizer(), Player())
    speech.say("Ready.")  # the synthesizer and the output stream warm, as after the greeting
    turns = []
    # One endpointer for the session, as the microphone listener keeps: it knows the room.
    endpointer = Endpointer()

    for item in plan:
        (folder / "capture.raw").write_bytes(Path(item["audio"]).read_bytes())
        mic = Microphone()
        mic.start()
        # The file-backed capture delivers the whole file at once; let it all arrive before
        # listening, as a microphone's audio would have by the end of the question.
        time.sleep(1.0)
        timed = _Timed(mic)
        try:
            heard = listen(
                timed,  # type: ignore[arg-type]
                recognition.recognizer("microphone"),
                endpointer,
                complete=matcher.is_whole_request,
            )
        finally:
            mic.close()
        ended = timed.last_at
        endpoint_ms = (timed.given - item["speech_end"]) * 1000
        response = DialogueManager(data, matcher).handle(heard.text, heard=heard)
        text_at = time.monotonic()
        first_audio.at = None
        speech.say(response.speech)
        audio_at = (first_audio.at or float("nan")) + first_audio.latency
        turns.append(
            Turn(
                item["text"],
                heard.text,
                response.intent,
                round(endpoint_ms, 1),
                round(endpoint_ms + (text_at - ended) * 1000, 1),
                round(endpoint_ms + (audio_at - ended) * 1000, 1),
            )
        )
    (folder / "turns.json").write_text(json.dumps([asdict(t) for t in turns]))
    return 0


def report(turns: list[Turn]) -> None:
    for t in turns:
        print(
            f"{t.endpoint_ms:6.0f} ms end {t.to_text_ms:6.0f} ms text {t.to_audio_ms:6.0f} ms "
            f"audio  {t.heard!r} -> {t.intent}"
        )
    done = [t for t in turns if t.to_audio_ms == t.to_audio_ms]  # not NaN
    summary = {
        "turns": len(turns),
        "voice_answered": len(done),
        "endpoint_median_ms": statistics.median(t.endpoint_ms for t in done),
        "text_median_ms": statistics.median(t.to_text_ms for t in done),
        "audio_median_ms": statistics.median(t.to_audio_ms for t in done),
        "audio_p95_ms": sorted(t.to_audio_ms for t in done)[int(0.95 * (len(done) - 1))],
        "measured": time.strftime("%Y-%m-%d %H:%M"),
    }
    print(json.dumps(summary))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"summary": summary, "turns": [asdict(t) for t in turns]}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
