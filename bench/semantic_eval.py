"""Tuning and checking the semantic blend (``skill.semantic``) on development data, honestly.

``python -m bench.semantic_eval`` loads the development questions (the paraphrase regression set,
the benchmark questions and ``bench/sets/dev_questions.yaml`` when present; never a ``test_*``
file), splits them in two halves (per intent, by a hash of the text), tunes the blend's weight,
threshold and off-topic weight on half A, and reports half A and half B: accuracy (right intent
and slots; off-topic right when the dialogue falls back; red flags must carry the caution) and
the off-topic false-accept rate, the matcher alone against the blend. With ``--spoken`` it does
the same on open-vocabulary Vosk transcripts of espeak-ng speech of every question (cached in
``bench/out/semantic_transcripts.json``). It closes with the semantic layer's costs: load time,
per-query time and the memory of a fresh process with and without it.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from skill import semantic
from skill.data import SkillData, load_skill_data
from skill.dialogue import DialogueManager
from skill.matcher import IntentMatch, Matcher, Rescorer
from skill.matcher_cache import load_matcher
from skill.response import Response
from skill.vocabulary import ROUTINE_ONLY as ROUTINE_CONTROLS

ROOT = Path(__file__).resolve().parent.parent
DEV_FILES = (
    ROOT / "tests" / "data" / "paraphrases.yaml",
    ROOT / "bench" / "sets" / "dev2_questions.yaml",
    ROOT / "bench" / "sets" / "dev_questions.yaml",
)
TRANSCRIPTS = ROOT / "bench" / "out" / "semantic_transcripts.json"
VOICES = (("en-us", 150), ("en-gb", 170))
WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
THRESHOLDS = tuple(round(0.40 + 0.02 * i, 2) for i in range(16))
OFF_TOPIC_WEIGHTS = (0.0, 1.0, 3.0)


@dataclass(frozen=True)
class Item:
    """One development question and what the skill should do with it."""

    text: str
    intent: str
    slots: tuple[tuple[str, str], ...] = ()
    red_flag: bool = False
    source: str = ""
    half: str = ""

    @property
    def off_topic(self) -> bool:
        return self.intent == "fallback"


@dataclass(frozen=True)
class Case:
    """An item as heard: its own text (typed) or a transcript of it spoken."""

    item: Item
    said: str


@dataclass(frozen=True)
class Score:
    accuracy: float
    false_accepts: float
    total: int
    off_topic: int

    def __str__(self) -> str:
        return f"{self.accuracy:6.1%} acc, {self.false_accepts:5.1%} FA (n={self.total})"


def load_items(paths: Iterable[Path]) -> list[Item]:
    """Development items from every existing file, split into halves A and B."""
    items: list[Item] = []
    for path in paths:
        if path.name.startswith("test_"):
            raise ValueError(f"{path} is a frozen test set: never tune or evaluate on it here")
        if not path.exists():
            continue
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
            slots = tuple(sorted((raw.get("slots") or {}).items()))
            red = bool(raw.get("red_flag"))
            items.append(Item(raw["text"], raw["intent"], slots, red, path.stem))
    return split(items)


def split(items: Sequence[Item]) -> list[Item]:
    """Halves A and B, alternating within each intent in the order of a hash of the text, so
    each half has about half of every intent (and of the off-topic questions)."""
    by_intent: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_intent[item.intent].append(item)
    out = []
    for group in by_intent.values():
        group.sort(key=lambda i: hashlib.sha1(i.text.encode()).hexdigest())
        for n, item in enumerate(group):
            out.append(Item(**{**item.__dict__, "half": "AB"[n % 2]}))
    return out


Memo = dict[tuple[str, frozenset[str] | None], list[IntentMatch]]


class MemoMatcher(Matcher):
    """The matcher with every ranking of its own kept: tuning re-ranks the same texts many
    times, and only the blend on top changes."""

    def __init__(self, matcher: Matcher, memo: Memo | None = None) -> None:
        super().__init__(matcher.intents, matcher.index, matcher.rescorer)
        self._memo: Memo = memo if memo is not None else {}

    def with_rescorer(self, rescorer: Rescorer | None) -> Matcher:
        return MemoMatcher(Matcher(self.intents, self.index, rescorer), self._memo)

    def _rank(self, text: str, allowed: set[str] | None) -> list[IntentMatch]:
        key = (text, frozenset(allowed) if allowed is not None else None)
        if key not in self._memo:
            self._memo[key] = super()._rank(text, allowed)
        return self._memo[key]


def judge(item: Item, response: Response) -> bool:
    """As the benchmark judges: off-topic must not be answered; red flags need the caution."""
    if item.off_topic:
        return response.kind == "fallback" or response.intent == "empty"
    if item.red_flag:
        if not response.red_flags:
            return False
        if response.intent == "when_doctor":
            return True
    slots = dict(response.slots)
    return response.intent == item.intent and all(slots.get(k) == v for k, v in item.slots)


def evaluate(
    data: SkillData, matcher: Matcher, cases: Sequence[Case], rescorer: Rescorer | None
) -> tuple[Score, list[tuple[Case, Response]]]:
    """Each case answered by a fresh conversation; the score and the failures."""
    matcher = matcher.with_rescorer(rescorer)
    right, accepted, failures = [], [], []
    for case in cases:
        response = DialogueManager(data, matcher).handle(
            case.said, in_routine=case.item.intent in ROUTINE_CONTROLS
        )
        good = judge(case.item, response)
        right.append(good)
        if case.item.off_topic:
            accepted.append(not good)
        if not good:
            failures.append((case, response))
    score = Score(
        sum(right) / max(len(right), 1),
        sum(accepted) / max(len(accepted), 1),
        len(right),
        len(accepted),
    )
    return score, failures


def transcripts(items: Sequence[Item], path: Path = TRANSCRIPTS) -> dict[str, str]:
    """Open-vocabulary Vosk transcripts of each item spoken by each voice, keyed
    ``voice|speed|text``; made once (espeak-ng, sox to 16 kHz mono) and cached in ``path``."""
    from audio.model import load_model
    from audio.strategies import make_recognizer
    from audio.wavfile import read_wav

    cache: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [
        (voice, speed, item.text)
        for item in items
        for voice, speed in VOICES
        if f"{voice}|{speed}|{item.text}" not in cache
    ]
    if missing:
        model = load_model()
        with tempfile.TemporaryDirectory() as folder:
            raw, wav = Path(folder) / "raw.wav", Path(folder) / "16k.wav"
            for n, (voice, speed, text) in enumerate(missing, 1):
                espeak = ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text]
                subprocess.run(espeak, check=True, capture_output=True)
                sox = ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(wav)]
                subprocess.run(sox, check=True, capture_output=True)
                recognizer = make_recognizer("open", model, [], source="file")
                cache[f"{voice}|{speed}|{text}"] = recognizer.transcribe(read_wav(wav)).text
                if n % 100 == 0 or n == len(missing):
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(json.dumps(cache, indent=0))
                    print(f"  transcribed {n}/{len(missing)}", file=sys.stderr, flush=True)
    return cache


@dataclass(frozen=True)
class Setting:
    blend: semantic.Blend
    typed: Score
    spoken: Score | None

    def objective(self, base_typed: Score, base_spoken: Score | None) -> tuple[bool, float]:
        """(accepts no more off-topic questions than the matcher alone, mean accuracy): off-topic
        rejection is a constraint, not something accuracy may buy."""
        pairs = [(self.typed, base_typed)]
        if self.spoken is not None and base_spoken is not None:
            pairs.append((self.spoken, base_spoken))
        holds = all(s.false_accepts <= b.false_accepts + 1e-9 for s, b in pairs)
        return holds, sum(s.accuracy for s, _ in pairs) / len(pairs)


def tune(
    data: SkillData,
    matcher: Matcher,
    index: semantic.SemanticIndex,
    typed: Sequence[Case],
    spoken: Sequence[Case],
) -> Setting:
    """The blend that scores best on these cases (typed and spoken alike)."""
    base_typed, _ = evaluate(data, matcher, typed, None)
    base_spoken = evaluate(data, matcher, spoken, None)[0] if spoken else None
    best: tuple[tuple[bool, float], Setting] | None = None
    for weight, threshold, off in itertools.product(WEIGHTS, THRESHOLDS, OFF_TOPIC_WEIGHTS):
        blend = semantic.Blend(weight, threshold, off_topic_weight=off)
        rescorer = semantic.SemanticRescorer(index, blend)
        setting = Setting(
            blend,
            evaluate(data, matcher, typed, rescorer)[0],
            evaluate(data, matcher, spoken, rescorer)[0] if spoken else None,
        )
        value = setting.objective(base_typed, base_spoken)
        if best is None or value > best[0]:
            best = (value, setting)
    assert best is not None
    return best[1]


_RESOURCES = r"""
import json, sys, time
t0 = time.perf_counter()
def peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
from skill.data import load_skill_data
from skill.matcher_cache import load_matcher
data = load_skill_data()
matcher = load_matcher(data, semantic=False)
t1 = time.perf_counter()
if sys.argv[1] == "on":
    matcher = load_matcher(data)
    assert matcher.rescorer is not None
t2 = time.perf_counter()
from audio.model import load_model
from audio.strategies import DEFAULT_STRATEGY, make_recognizer
model = load_model()
recognizer = make_recognizer(DEFAULT_STRATEGY, model, matcher.spoken_sentences, judge=matcher.judge)
for text in json.loads(sys.argv[2]):
    matcher.rank(text)
print(json.dumps({"semantic_s": t2 - t1, "ready_s": time.perf_counter() - t0, "peak_mb": peak()}))
"""


def resources(texts: Sequence[str]) -> dict[str, dict[str, float]]:
    """Fresh processes (caches warm) that load the skill, the model and the default recognizer
    and rank some texts, without and with the semantic layer: median of three each."""
    out = {}
    for mode in ("off", "on"):
        runs = []
        for _ in range(3):
            result = subprocess.run(
                [sys.executable, "-c", _RESOURCES, mode, json.dumps(list(texts))],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            runs.append(json.loads(result.stdout))
        out[mode] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    return out


def query_times(index: semantic.SemanticIndex, texts: Sequence[str]) -> list[float]:
    """Seconds per ``similarities`` call (the blend's own cost on top of the matcher)."""
    times = []
    for text in texts:
        start = time.perf_counter()
        index.similarities(text)
        times.append(time.perf_counter() - start)
    return times


def _failures(failures: Sequence[tuple[Case, Response]], limit: int) -> None:
    for case, response in failures[:limit]:
        want = case.item.intent + (f" {dict(case.item.slots)}" if case.item.slots else "")
        got = response.intent if response.kind != "fallback" else "fallback"
        got += f" {dict(response.slots)}" if response.slots else ""
        print(f"    {case.said[:56]:56} {want[:30]:30} {got[:30]:30} {response.confidence:.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.semantic_eval", description=__doc__)
    parser.add_argument("--spoken", action="store_true", help="also on Vosk transcripts")
    parser.add_argument("--costs", action="store_true", help="also load time, latency, memory")
    parser.add_argument("--failures", type=int, default=0, help="list this many failures")
    parser.add_argument(
        "--dev", type=Path, action="append", default=[], help="another development file"
    )
    args = parser.parse_args(argv)

    items = load_items([*DEV_FILES, *args.dev])
    data = load_skill_data()
    matcher = MemoMatcher(load_matcher(data, semantic=False))
    start = time.perf_counter()
    index = semantic.load_index(data.intents, data.off_topic)
    load_s = time.perf_counter() - start
    heard = transcripts(items) if args.spoken else {}

    def cases(half: str, spoken: bool) -> list[Case]:
        chosen = [i for i in items if i.half == half]
        if not spoken:
            return [Case(i, i.text) for i in chosen]
        return [Case(i, heard[f"{v}|{s}|{i.text}"]) for i in chosen for v, s in VOICES]

    sources = sorted({i.source for i in items})
    print(f"development items: {len(items)} from {', '.join(sources)}")
    print(f"semantic index: {len(index.names)} intents, loaded in {load_s * 1000:.0f} ms")
    tuned = tune(data, matcher, index, cases("A", False), cases("A", True) if args.spoken else [])
    blend = tuned.blend
    print(
        f"tuned on half A: matcher_weight={blend.matcher_weight} threshold={blend.threshold} "
        f"off_topic_weight={blend.off_topic_weight}"
    )
    for name, candidate in (("tuned", blend), ("default", semantic.Blend())):
        rescorer = semantic.SemanticRescorer(index, candidate)
        print(f"\n{name} blend {candidate}")
        for half, spoken in itertools.product("AB", (False, True) if args.spoken else (False,)):
            these = cases(half, spoken)
            alone, _ = evaluate(data, matcher, these, None)
            mixed, failures = evaluate(data, matcher, these, rescorer)
            kind = "spoken" if spoken else "typed"
            print(f"  half {half} {kind:6}: matcher {alone} | blend {mixed}")
            if args.failures:
                _failures(failures, args.failures)

    if args.costs:
        texts = [i.text for i in items]
        times = sorted(query_times(index, texts))
        median, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
        print(f"\nsimilarities per query: median {median * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms")
        costs = resources(texts[:25])
        for mode, values in costs.items():
            print(
                f"  semantic {mode:3}: attach {values['semantic_s'] * 1000:.0f} ms, "
                f"ready {values['ready_s']:.2f} s, peak RSS {values['peak_mb']:.0f} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
