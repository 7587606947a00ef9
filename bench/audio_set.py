"""The spoken test set: every question said by several espeak-ng voices, clean and in noise.

Speech is synthesized with espeak-ng, read and resampled to 16 kHz mono through
``audio.wavfile`` (the path every file takes into Neck Coach), trimmed to its active part,
brought to a fixed level and padded with ``LEAD_S`` of silence before and ``TAIL_S`` after so
the endpointer has room. Noisy copies add pink, brown or babble noise (one type per question and
voice, the same at every SNR) over the whole padded file. Files are cached under a hash of
everything that shapes them, so a rerun only synthesizes what changed.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
import wave
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from audio.wavfile import load_wav

from . import noise
from .noise import RATE, Samples

# Bump when generation changes in a way the cache key does not capture.
GENERATOR_VERSION = 1
LEAD_S = 0.3
TAIL_S = 1.0
# Active-speech level every utterance is brought to (dBFS), roughly a close-talking microphone.
SPEECH_LEVEL_DBFS = -26.0
LEVELS = ("clean", "20", "10", "5")
BABBLE_STREAMS = 6
BABBLE_SECONDS = 60.0

QUESTIONS = Path(__file__).resolve().parent / "questions.yaml"


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice at a speed (words per minute): ``en-us@150``."""

    name: str
    speed: int

    @property
    def id(self) -> str:
        return f"{self.name}@{self.speed}"

    @classmethod
    def parse(cls, text: str) -> Voice:
        name, _, speed = text.strip().partition("@")
        if not name:
            raise ValueError(f"empty voice in {text!r}; write e.g. en-us@150")
        return cls(name, int(speed) if speed else 150)


VOICES = (
    Voice("en-us", 150),
    Voice("en-gb", 170),
    Voice("en-us+f3", 140),
    Voice("en-gb-x-rp", 160),
)
# The full run's voices: a US and a British voice at different speeds. All four take ~2x the
# 20 minutes the full run may use on the 2-core benchmark machine (``--voices all``).
DEFAULT_VOICES = VOICES[:2]
# Voices for the babble: none of the test voices at their test speeds.
BABBLE_VOICES = (
    Voice("en-us+m3", 165),
    Voice("en-gb-scotland", 150),
    Voice("en-us+f2", 175),
    Voice("en-029", 145),
    Voice("en-gb+f4", 160),
    Voice("en-us-nyc", 155),
)


@dataclass(frozen=True)
class Question:
    index: int
    text: str
    intent: str
    slots: tuple[tuple[str, str], ...] = ()
    red_flag: bool = False

    @property
    def out_of_domain(self) -> bool:
        return self.intent == "fallback"


@dataclass(frozen=True)
class Sample:
    """One WAV of the set and what is known about it."""

    question: Question
    voice: str
    level: str  # "clean" or the SNR in dB
    noise: str  # "none", "pink", "brown" or "babble"
    path: Path
    seconds: float  # length of the whole file
    speech_end: float  # where the speech stops in the file (s)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["path"] = str(self.path)
        out["question"] = self.question.index
        return out


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError(f"{path} must be a list of questions")
    questions = []
    for index, item in enumerate(raw):
        slots = item.get("slots") or {}
        questions.append(
            Question(
                index=index,
                text=str(item["text"]),
                intent=str(item["intent"]),
                slots=tuple(sorted((str(k), str(v)) for k, v in slots.items())),
                red_flag=bool(item.get("red_flag", False)),
            )
        )
    return questions


def spread(items: Sequence[Question], limit: int) -> list[Question]:
    """``limit`` items evenly spread over ``items`` (so a subset still covers every section)."""
    if limit >= len(items):
        return list(items)
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def _key(**parts: Any) -> str:
    blob = json.dumps({"version": GENERATOR_VERSION, **parts}, sort_keys=True)
    return hashlib.sha1(blob.encode()).hexdigest()[:16]


def _seed(base: int, *parts: str) -> int:
    digest = hashlib.sha1("|".join([str(base), *parts]).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def synthesize(text: str, voice: Voice) -> Samples:
    """espeak-ng speech as 16 kHz mono floats (resampled by ``audio.wavfile``)."""
    with tempfile.TemporaryDirectory(prefix="neck-coach-bench-") as folder:
        path = Path(folder) / "speech.wav"
        command = ["espeak-ng", "-v", voice.name, "-s", str(voice.speed), "-w", str(path), text]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0 or not path.exists():
            raise RuntimeError(
                f"espeak-ng failed for voice {voice.id} ({result.stderr.strip() or 'no output'});"
                " list the voices with `espeak-ng --voices=en`"
            )
        chunk = load_wav(path)
    return np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64) / 32768.0


def read_samples(path: Path) -> Samples:
    with wave.open(str(path), "rb") as wav:
        audio = wav.readframes(wav.getnframes())
    return np.frombuffer(audio, dtype="<i2").astype(np.float64) / 32768.0


def write_samples(path: Path, samples: Samples) -> None:
    ints = np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2")
    tmp = path.with_suffix(".tmp")
    with wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(ints.tobytes())
    tmp.replace(path)


def _speech(text: str, voice: Voice, cache: Path) -> tuple[Samples, float]:
    """Trimmed, level-normalized speech and its active RMS; cached."""
    path = cache / "speech" / f"{_key(text=text, voice=voice.id)}.wav"
    if path.exists():
        speech = read_samples(path)
    else:
        raw = noise.trim(synthesize(text, voice))
        level = noise.active_rms(raw)
        target = 10 ** (SPEECH_LEVEL_DBFS / 20)
        speech = raw * (target / level) if level > 0 else raw
        path.parent.mkdir(parents=True, exist_ok=True)
        write_samples(path, speech)
    return speech, noise.active_rms(speech)


def babble_bed(questions: Sequence[Question], seed: int, cache: Path) -> Samples:
    """Several espeak talkers at once, saying the out-of-domain questions (cached)."""
    texts = sorted({q.text for q in questions if q.out_of_domain}) or ["the quick brown fox"]
    key = _key(kind="babble", texts=texts, seed=seed, streams=BABBLE_STREAMS, s=BABBLE_SECONDS)
    path = cache / f"babble-{key}.wav"
    if path.exists():
        return read_samples(path)
    utterances = [
        noise.trim(synthesize(text, BABBLE_VOICES[i % len(BABBLE_VOICES)]))
        for i, text in enumerate(texts)
    ]
    rng = np.random.default_rng(_seed(seed, "babble"))
    bed = noise.babble_bed(utterances, BABBLE_STREAMS, BABBLE_SECONDS, rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Stored at a quarter of full scale so the int16 file neither clips nor loses detail.
    write_samples(path, bed * 0.25)
    return bed


def noise_type(question: Question, voice: Voice, seed: int) -> str:
    """The noise this question gets in this voice: the same at every SNR."""
    return noise.NOISE_TYPES[_seed(seed, "type", str(question.index), voice.id) % 3]


def make_noise(kind: str, length: int, rng: np.random.Generator, bed: Samples) -> Samples:
    if kind == "pink":
        return noise.pink(length, rng)
    if kind == "brown":
        return noise.brown(length, rng)
    if kind == "babble":
        return noise.segment(bed, length, rng)
    raise ValueError(f"unknown noise type {kind!r}")


def _samples_for(
    question: Question,
    voice: Voice,
    levels: Sequence[str],
    seed: int,
    cache: Path,
    bed: Callable[[], Samples],
) -> list[Sample]:
    kind = noise_type(question, voice, seed)
    out: list[Sample] = []
    speech: Samples | None = None
    level_rms = 0.0
    lead, tail = int(LEAD_S * RATE), int(TAIL_S * RATE)
    for level in levels:
        this_noise = "none" if level == "clean" else kind
        key = _key(text=question.text, voice=voice.id, level=level, noise=this_noise, seed=seed)
        path = cache / level / f"{key}.wav"
        meta = path.with_suffix(".json")
        if path.exists() and meta.exists():
            info = json.loads(meta.read_text())
        else:
            if speech is None:
                speech, level_rms = _speech(question.text, voice, cache)
            padded = np.concatenate([np.zeros(lead), speech, np.zeros(tail)])
            if level == "clean":
                mixed = padded
            else:
                rng = np.random.default_rng(_seed(seed, key))
                mixed = noise.mix(
                    padded, make_noise(kind, len(padded), rng, bed()), float(level), level_rms
                )
            path.parent.mkdir(parents=True, exist_ok=True)
            write_samples(path, mixed)
            info = {"seconds": len(padded) / RATE, "speech_end": (lead + len(speech)) / RATE}
            meta.write_text(json.dumps(info))
        out.append(
            Sample(
                question=question,
                voice=voice.id,
                level=level,
                noise=this_noise,
                path=path,
                seconds=float(info["seconds"]),
                speech_end=float(info["speech_end"]),
            )
        )
    return out


def build(
    questions: Sequence[Question],
    voices: Sequence[Voice],
    levels: Sequence[str],
    cache: Path,
    seed: int = 1234,
    jobs: int = 2,
    babble_from: Sequence[Question] | None = None,
) -> list[Sample]:
    """Every (question, voice, level) WAV, generated where not cached. ``babble_from`` are the
    questions whose out-of-domain texts make the babble (default: ``questions``)."""
    for level in levels:
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; use {', '.join(LEVELS)}")
    bed_cache: list[Samples] = []

    def bed() -> Samples:
        if not bed_cache:
            bed_cache.append(babble_bed(babble_from or questions, seed, cache))
        return bed_cache[0]

    if any(level != "clean" for level in levels):
        bed()  # once, before the threads start
    tasks = [(q, v) for v in voices for q in questions]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = pool.map(lambda t: _samples_for(t[0], t[1], levels, seed, cache, bed), tasks)
        return [sample for group in results for sample in group]
