"""Making the spoken set: the planned utterances (``bench.design``) as cached WAV files.

Each (text, voice) is synthesized once (``bench.voices``), trimmed to its active part, brought
to ``SPEECH_LEVEL_DBFS`` of active speech and padded with ``LEAD_S`` of silence before and
``TAIL_S`` after so the endpointer has room. A condition then adds noise over the whole padded
file at its SNR (``bench.noise.mix``), or puts the speech in the reverberant room first (sox
``REVERB_EFFECT``, then its quiet noise floor).

Every file is cached under a hash of everything that shapes it (``GENERATOR_VERSION``, text,
voice, condition, seed and, for babble, the bed), so a rerun only makes what changed. Speech is
made first, then the conditions, each step over ``jobs`` processes (Piper runs in-process, the
other engines are subprocesses). Seeds come from the run seed and the file's key, so a file is
the same whichever process makes it, and in whatever order.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import multiprocessing
import subprocess
import tempfile
import wave
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from . import noise
from .design import Condition, Planned
from .noise import RATE, Samples
from .sets import Question
from .voices import BABBLE_VOICES, Voice, synthesize

_LOGGER = logging.getLogger(__name__)

# Bump when generation changes in a way the cache keys do not capture.
GENERATOR_VERSION = 2
LEAD_S = 0.3
TAIL_S = 1.0
# Active-speech level every utterance is brought to (dBFS), roughly a close-talking microphone.
SPEECH_LEVEL_DBFS = -26.0
BABBLE_SECONDS = 60.0
BABBLE_TEXTS = Path(__file__).resolve().parent / "babble.txt"
# sox's reverb: reverberance 50%, HF damping 50%, room scale 70%, stereo depth 100%, pre-delay
# 10 ms, wet gain 0 dB: a hard-walled kitchen-sized room, the talker a metre or two away.
REVERB_EFFECT = ("reverb", "50", "50", "70", "100", "10", "0")

T = TypeVar("T")
R = TypeVar("R")


class AudioSetError(RuntimeError):
    """The spoken set could not be made (a tool failed)."""


@dataclass(frozen=True)
class Sample:
    """One WAV of the set and what is known about it."""

    question: Question
    voice: Voice
    condition: Condition
    path: Path
    seconds: float  # length of the whole file
    speech_end: float  # where the dry speech stops in the file (s)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question.id,
            "voice": self.voice.id,
            "family": self.voice.family,
            "condition": self.condition.name,
            "path": str(self.path),
            "seconds": self.seconds,
            "speech_end": self.speech_end,
        }


def _key(**parts: Any) -> str:
    blob = json.dumps({"version": GENERATOR_VERSION, **parts}, sort_keys=True)
    return hashlib.sha1(blob.encode()).hexdigest()[:16]


def _seed(base: int, *parts: str) -> int:
    digest = hashlib.sha1("|".join([str(base), *parts]).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def read_samples(path: Path) -> Samples:
    with wave.open(str(path), "rb") as wav:
        audio = wav.readframes(wav.getnframes())
    return np.frombuffer(audio, dtype="<i2").astype(np.float64) / 32768.0


def write_samples(path: Path, samples: Samples) -> None:
    ints = np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{multiprocessing.current_process().pid}.tmp")
    with wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(ints.tobytes())
    tmp.replace(path)


def speech_path(text: str, voice: Voice, cache: Path) -> Path:
    return cache / "speech" / f"{_key(text=text, voice=voice.id)}.wav"


def make_speech(text: str, voice: Voice, cache: Path) -> Path:
    """Trimmed speech at the set's level (cached); its path."""
    path = speech_path(text, voice, cache)
    if not path.exists():
        raw = noise.trim(synthesize(text, voice))
        level = noise.active_rms(raw)
        target = 10 ** (SPEECH_LEVEL_DBFS / 20)
        write_samples(path, raw * (target / level) if level > 0 else raw)
    return path


def babble_texts(path: Path = BABBLE_TEXTS) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def babble_path(seed: int, cache: Path) -> Path:
    key = _key(
        kind="babble",
        texts=babble_texts(),
        voices=[v.id for v in BABBLE_VOICES],
        seed=seed,
        seconds=BABBLE_SECONDS,
    )
    return cache / f"babble-{key}.wav"


def make_babble(seed: int, cache: Path) -> Path:
    """The babble bed: each babble voice a talker of its own, all at once (cached)."""
    path = babble_path(seed, cache)
    if not path.exists():
        texts = babble_texts()
        talkers = [
            [read_samples(make_speech(text, voice, cache)) for text in texts]
            for voice in BABBLE_VOICES
        ]
        bed = noise.babble_bed(talkers, BABBLE_SECONDS, np.random.default_rng(_seed(seed, "b")))
        # Stored at a quarter of full scale so the int16 file neither clips nor loses detail.
        write_samples(path, bed * 0.25)
    return path


@functools.cache
def _bed(path: Path) -> Samples:
    return read_samples(path)


def reverberate(samples: Samples) -> Samples:
    """``samples`` in the reverberant room (sox ``REVERB_EFFECT``), same length."""
    with tempfile.TemporaryDirectory(prefix="neck-coach-reverb-") as folder:
        dry, wet = Path(folder) / "dry.wav", Path(folder) / "wet.wav"
        write_samples(dry, samples)
        # -G: sox lowers the gain itself rather than clip; the level is set again afterwards.
        command = ["sox", "-G", str(dry), str(wet), *REVERB_EFFECT, "channels", "1"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        except FileNotFoundError as error:
            raise AudioSetError("sox is not installed (apt-get install sox)") from error
        if done.returncode != 0:
            raise AudioSetError(f"sox reverb failed: {done.stderr.strip()}")
        out = read_samples(wet)
    if len(out) < len(samples):
        out = np.concatenate([out, np.zeros(len(samples) - len(out))])
    return out[: len(samples)]


def make_noise(kind: str, length: int, rng: np.random.Generator, bed: Samples | None) -> Samples:
    if kind == "pink":
        return noise.pink(length, rng)
    if kind == "brown":
        return noise.brown(length, rng)
    if kind == "babble" and bed is not None:
        return noise.segment(bed, length, rng)
    raise ValueError(f"unknown noise type {kind!r} (or no babble bed)")


def sample_key(planned: Planned, seed: int, bed: Path | None) -> str:
    condition = planned.condition
    return _key(
        text=planned.question.text,
        voice=planned.voice.id,
        condition=condition.name,
        noise=condition.noise,
        snr=condition.snr,
        reverb=list(REVERB_EFFECT) if condition.reverb else None,
        seed=seed if condition.noise != "none" else None,
        bed=bed.name if condition.noise == "babble" and bed is not None else None,
    )


def render(planned: Planned, seed: int, cache: Path, bed: Path | None) -> Sample:
    """One planned utterance as a file (cached)."""
    condition = planned.condition
    key = sample_key(planned, seed, bed)
    path = cache / condition.name / f"{key}.wav"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        info = json.loads(meta.read_text())
    else:
        speech = read_samples(make_speech(planned.question.text, planned.voice, cache))
        lead, tail = int(LEAD_S * RATE), int(TAIL_S * RATE)
        mixed = np.concatenate([np.zeros(lead), speech, np.zeros(tail)])
        if condition.reverb:
            wet = reverberate(mixed)
            level = noise.active_rms(wet)
            mixed = wet * (noise.active_rms(speech) / level) if level > 0 else wet
        if condition.snr is not None:
            rng = np.random.default_rng(_seed(seed, key))
            background = make_noise(
                condition.noise, len(mixed), rng, _bed(bed) if bed is not None else None
            )
            mixed = noise.mix(mixed, background, float(condition.snr), noise.active_rms(mixed))
        write_samples(path, mixed)
        info = {"seconds": len(mixed) / RATE, "speech_end": (lead + len(speech)) / RATE}
        meta.write_text(json.dumps(info))
    return Sample(
        question=planned.question,
        voice=planned.voice,
        condition=condition,
        path=path,
        seconds=float(info["seconds"]),
        speech_end=float(info["speech_end"]),
    )


def _speech_task(task: tuple[str, Voice, Path]) -> Path:
    return make_speech(*task)


def _render_task(task: tuple[Planned, int, Path, Path | None]) -> Sample:
    return render(*task)


def _map(function: Callable[[T], R], tasks: Sequence[T], jobs: int) -> list[R]:
    """``function`` over ``tasks`` in order, in ``jobs`` processes (inline for one)."""
    if jobs <= 1 or len(tasks) < 2:
        return [function(task) for task in tasks]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return list(pool.map(function, tasks, chunksize=max(1, len(tasks) // (8 * jobs))))


def _unique(pairs: Iterable[tuple[str, Voice]]) -> list[tuple[str, Voice]]:
    return list(dict.fromkeys(pairs))


def build(planned: Sequence[Planned], cache: Path, seed: int = 1234, jobs: int = 2) -> list[Sample]:
    """Every planned utterance as a file, made where not cached, in ``planned`` order."""
    needs_babble = any(p.condition.noise == "babble" for p in planned)
    pairs = _unique((p.question.text, p.voice) for p in planned)
    if needs_babble and not babble_path(seed, cache).exists():
        pairs += _unique((text, voice) for voice in BABBLE_VOICES for text in babble_texts())
    missing = [
        (text, voice, cache)
        for text, voice in pairs
        if not speech_path(text, voice, cache).exists()
    ]
    if missing:
        _LOGGER.info("synthesizing %d utterances", len(missing))
        _map(_speech_task, missing, jobs)
    bed = make_babble(seed, cache) if needs_babble else None
    return _map(_render_task, [(p, seed, cache, bed) for p in planned], jobs)
