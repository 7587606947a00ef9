"""Turning per-utterance records into the benchmark's figures, and checking the targets."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import jiwer
import numpy as np

from audio.strategies import DEFAULT_STRATEGY

Record = dict[str, Any]
_NON_WORD = re.compile(r"[^a-z0-9 ]+")


def normalize_words(text: str) -> str:
    """Lower case, no punctuation (apostrophes dropped: "what's" -> "whats")."""
    return " ".join(_NON_WORD.sub(" ", text.lower().replace("'", "").replace("’", "")).split())


def _mean(values: Sequence[bool | float]) -> float | None:
    return float(np.mean(values)) if len(values) else None


def _by_level(
    records: Sequence[Record], levels: Sequence[str], value: Callable[[Sequence[Record]], Any]
) -> dict[str, Any]:
    out = {level: value([r for r in records if r["level"] == level]) for level in levels}
    out["overall"] = value(records)
    return out


def _system_rows(records: Sequence[Record], levels: Sequence[str]) -> dict[str, dict[str, Any]]:
    systems: dict[str, dict[str, Any]] = {}
    names: list[tuple[str, str]] = []
    if records:
        names += [("strategies", s) for s in records[0]["strategies"]]
        names += [("peers", p) for p in records[0]["peers"]]
    for group, name in names:

        def accuracy(rs: Sequence[Record], g: str = group, n: str = name) -> float | None:
            return _mean([r[g][n]["correct"] for r in rs])

        def false_accepts(rs: Sequence[Record], g: str = group, n: str = name) -> float | None:
            return _mean([r[g][n]["false_accept"] for r in rs if r["expected"] == "fallback"])

        systems[name] = {
            "kind": "neck-coach" if group == "strategies" else "peer",
            "accuracy": _by_level(records, levels, accuracy),
            "false_accept": _by_level(records, levels, false_accepts),
            "n": _by_level(records, levels, len),
        }
    return systems


def _wer(records: Sequence[Record], strategy: str) -> float | None:
    if not records:
        return None
    references = [normalize_words(r["reference"]) for r in records]
    hypotheses = [normalize_words(r["strategies"][strategy]["text"]) for r in records]
    return float(jiwer.wer(references, hypotheses))


def _percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if len(values) else None


def _latency(records: Sequence[Record], strategy: str) -> dict[str, Any]:
    ended = [r["strategies"][strategy]["latency_ms"] for r in records if r["endpoint"] == "vad"]
    return {
        "median_ms": _percentile(ended, 50),
        "p95_ms": _percentile(ended, 95),
        "n": len(ended),
        "endpoint_missed": sum(1 for r in records if r["endpoint"] != "vad"),
    }


def _rtf(records: Sequence[Record], strategy: str) -> float | None:
    audio = sum(r["fed_seconds"] for r in records)
    work = sum(r["strategies"][strategy]["work_s"] for r in records)
    return work / audio if audio else None


def _endpoint(records: Sequence[Record]) -> dict[str, Any]:
    delays = [
        1000 * (r["endpoint_at"] - r["speech_end"]) for r in records if r["endpoint"] == "vad"
    ]
    return {
        "missed_rate": _mean([r["endpoint"] != "vad" for r in records]),
        "delay_median_ms": _percentile(delays, 50),
        "delay_p95_ms": _percentile(delays, 95),
    }


def summarize(
    records: Sequence[Record], levels: Sequence[str], text: Sequence[Record]
) -> dict[str, Any]:
    strategies = list(records[0]["strategies"]) if records else []
    noises = sorted({r["noise"] for r in records if r["noise"] != "none"})
    out: dict[str, Any] = {
        "levels": list(levels),
        "utterances": len(records),
        "systems": _system_rows(records, levels),
        "wer": {s: _by_level(records, levels, partial(_wer, strategy=s)) for s in strategies},
        "latency": {
            s: {
                **_latency(records, s),
                "by_level": {
                    lv: _latency([r for r in records if r["level"] == lv], s) for lv in levels
                },
            }
            for s in strategies
        },
        "rtf": {s: _by_level(records, levels, partial(_rtf, strategy=s)) for s in strategies},
        "endpoint": _by_level(records, levels, _endpoint),
        "by_noise": {
            s: {
                n: _mean([r["strategies"][s]["correct"] for r in records if r["noise"] == n])
                for n in noises
            }
            for s in strategies
        },
        "text": _text_rows(text),
    }
    return out


def _text_rows(text: Sequence[Record]) -> dict[str, Any]:
    systems = list(text[0]["correct"]) if text else []
    ood = [t for t in text if t["out_of_domain"]]
    return {
        "n": len(text),
        "accuracy": {s: _mean([t["correct"][s] for t in text]) for s in systems},
        "false_accept": {s: _mean([t["false_accept"][s] for t in ood]) for s in systems},
        "handle_median_ms": _percentile([t["handle_ms"] for t in text], 50),
    }


def failures(records: Iterable[Record], strategy: str, level: str, limit: int = 40) -> list[Any]:
    """What went wrong for ``strategy`` at ``level``: reference, transcript, answer."""
    out = []
    for r in records:
        result = r["strategies"].get(strategy)
        if r["level"] != level or result is None or result["correct"]:
            continue
        got = result["intent"] if result["kind"] != "fallback" else "fallback"
        out.append(
            {
                "voice": r["voice"],
                "reference": r["reference"],
                "expected": r["expected"],
                "heard": result["text"],
                "got": got,
                "slots": result["slots"],
            }
        )
    return out[:limit]


# -- targets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    goal: float
    higher_is_better: bool
    unit: str  # "%", "ms", "s", "MB"

    def check(self, value: float | None) -> dict[str, Any]:
        margin = None
        if value is not None:
            margin = value - self.goal if self.higher_is_better else self.goal - value
        return {
            "target": self.name,
            "goal": self.goal,
            "value": value,
            "unit": self.unit,
            "pass": None if margin is None else margin >= 0,
            "margin": margin,
            "higher_is_better": self.higher_is_better,
        }


TARGETS = {
    "accuracy_clean": Target("intent accuracy, clean", 0.98, True, "%"),
    "accuracy_5db": Target("intent accuracy, 5 dB SNR", 0.94, True, "%"),
    "false_accepts": Target("out-of-domain false accepts", 0.03, False, "%"),
    "latency_median": Target("latency median (end of speech to answer)", 300.0, False, "ms"),
    "cold_start": Target("cold start to listening", 3.0, False, "s"),
    "peak_memory": Target("peak memory", 400.0, False, "MB"),
}


def check_targets(
    summary: dict[str, Any], startup: dict[str, Any], memory: dict[str, Any]
) -> dict[str, Any]:
    """Every target for every strategy (cold start and memory are shared)."""
    per_strategy: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for name, row in summary["systems"].items():
        if row["kind"] != "neck-coach":
            continue
        per_strategy[name] = [
            TARGETS["accuracy_clean"].check(row["accuracy"].get("clean")),
            TARGETS["accuracy_5db"].check(row["accuracy"].get("5")),
            TARGETS["false_accepts"].check(row["false_accept"]["overall"]),
            TARGETS["latency_median"].check(summary["latency"][name]["median_ms"]),
        ]
    shared = [
        TARGETS["cold_start"].check(startup.get("to_listening_s")),
        TARGETS["peak_memory"].check(memory.get("peak_mb")),
    ]
    default = DEFAULT_STRATEGY if DEFAULT_STRATEGY in per_strategy else next(iter(per_strategy), "")
    return {"default_strategy": default, "per_strategy": dict(per_strategy), "shared": shared}
