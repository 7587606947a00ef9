"""Turning per-utterance records into the benchmark's figures, and checking the targets.

Every figure is taken over a *column*: a slice of the records by voice family and condition
(``COLUMNS``): each family clean, the near-human aggregate clean, the near-human voices by SNR,
by noise type and in the reverberant room, the espeak-ng row clean and noisy. Per-condition
cells (``cell:<condition>``, near-human voices) feed the chart.

* accuracy: question-set items answered right (right intent and slots, right refusal off-topic,
  the caution on red-flag questions);
* false accepts: off-topic questions that got an answer;
* red-flag recall: red-flag-set items reporting a sign that got the caution or a confirmation;
* false cautions: red-flag-set controls, and ordinary in-domain questions of the question set,
  that got one;
* WER, latency (end of speech to answer), endpointing, real-time factor.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import jiwer
import numpy as np

from audio.strategies import DEFAULT_STRATEGY

from .design import CLEAN, CONDITIONS, NOISE_TYPES, REVERB, SNRS
from .run import STOCK_OPEN
from .sets import CONTROLS, SIGNS
from .voices import ESPEAK, FESTIVAL_HTS, FLITE, NEAR_HUMAN, NEAR_HUMAN_LABEL, PIPER

Record = dict[str, Any]
Predicate = Callable[[Record], bool]
T = TypeVar("T")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    keep: Predicate


def _near(r: Record) -> bool:
    return r["family"] in NEAR_HUMAN


def _family_clean(family: str) -> Column:
    return Column(family, family, lambda r: r["family"] == family and r["condition"] == CLEAN)


def _snr(snr: int) -> Column:
    def keep(r: Record) -> bool:
        return _near(r) and r["condition_family"] in NOISE_TYPES and r["snr"] == snr

    return Column(f"snr-{snr}", f"{snr} dB", keep)


def _condition_family(family: str) -> Column:
    return Column(family, family, lambda r: _near(r) and r["condition_family"] == family)


def _cell(condition: str) -> Column:
    return Column(
        f"cell:{condition}", condition, lambda r: _near(r) and r["condition"] == condition
    )


COLUMNS: tuple[Column, ...] = (
    _family_clean(PIPER),
    _family_clean(FESTIVAL_HTS),
    _family_clean(FLITE),
    Column(NEAR_HUMAN_LABEL, "near-human", lambda r: _near(r) and r["condition"] == CLEAN),
    _family_clean(ESPEAK),
    Column(
        "espeak-ng noisy",
        "espeak-ng noisy",
        lambda r: r["family"] == ESPEAK and r["condition"] != CLEAN,
    ),
    *(_snr(snr) for snr in SNRS),
    *(_condition_family(kind) for kind in (*NOISE_TYPES, REVERB)),
    Column("near-human noisy", "all noisy", lambda r: _near(r) and r["condition"] != CLEAN),
    Column("near-human all", "near-human, all", _near),
    Column("all", "all", lambda r: True),
    *(_cell(c.name) for c in CONDITIONS),
)
VOICE_COLUMNS = (PIPER, FESTIVAL_HTS, FLITE, NEAR_HUMAN_LABEL, ESPEAK, "espeak-ng noisy")
CONDITION_COLUMNS = (
    NEAR_HUMAN_LABEL,
    *(f"snr-{snr}" for snr in SNRS),
    *NOISE_TYPES,
    REVERB,
    "near-human all",
)


def normalize_words(text: str) -> str:
    """Lower case, no punctuation (apostrophes dropped: "what's" -> "whats")."""
    return " ".join(_NON_WORD.sub(" ", text.lower().replace("'", "").replace("’", "")).split())


def _mean(values: Sequence[bool | float]) -> float | None:
    return float(np.mean(values)) if len(values) else None


def _percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if len(values) else None


def _by_column(records: Sequence[Record], value: Callable[[Sequence[Record]], T]) -> dict[str, T]:
    return {c.key: value([r for r in records if c.keep(r)]) for c in COLUMNS}


# -- per-system figures over a list of records --------------------------------------------------


def _questions(rs: Sequence[Record]) -> list[Record]:
    return [r for r in rs if r["item_kind"] == "question"]


def accuracy(rs: Sequence[Record], group: str, name: str) -> float | None:
    return _mean([r[group][name]["correct"] for r in _questions(rs)])


def false_accepts(rs: Sequence[Record], group: str, name: str) -> float | None:
    return _mean([r[group][name]["false_accept"] for r in rs if r["out_of_domain"]])


def recall(rs: Sequence[Record], name: str, sign: str | None = None) -> float | None:
    signs = [r for r in rs if r["item_kind"] == "red_flag" and r["sign"] != "none"]
    if sign is not None:
        signs = [r for r in signs if r["sign"] == sign]
    return _mean([r["systems"][name]["cautioned"] for r in signs])


def control_cautions(rs: Sequence[Record], name: str, control: str | None = None) -> float | None:
    controls = [r for r in rs if r["item_kind"] == "red_flag" and r["sign"] == "none"]
    if control is not None:
        controls = [r for r in controls if r["control"] == control]
    return _mean([r["systems"][name]["cautioned"] for r in controls])


def ordinary_cautions(rs: Sequence[Record], name: str) -> float | None:
    return _mean([r["systems"][name]["cautioned"] for r in rs if r["ordinary"]])


def wer(rs: Sequence[Record], name: str) -> float | None:
    if not rs:
        return None
    references = [normalize_words(r["reference"]) for r in rs]
    hypotheses = [normalize_words(r["systems"][name]["text"]) for r in rs]
    return float(jiwer.wer(references, hypotheses))


def latency(rs: Sequence[Record], name: str) -> dict[str, Any]:
    ended = [r["systems"][name]["latency_ms"] for r in rs if r["endpoint"] == "vad"]
    return {
        "median_ms": _percentile(ended, 50),
        "p95_ms": _percentile(ended, 95),
        "n": len(ended),
        "endpoint_missed": sum(1 for r in rs if r["endpoint"] != "vad"),
        "utterances": len(rs),
    }


def rtf(rs: Sequence[Record], name: str) -> float | None:
    audio = sum(r["fed_seconds"] for r in rs)
    work = sum(r["systems"][name]["work_s"] for r in rs)
    return work / audio if audio else None


def endpoint(rs: Sequence[Record]) -> dict[str, Any]:
    delays = [1000 * (r["endpoint_at"] - r["speech_end"]) for r in rs if r["endpoint"] == "vad"]
    return {
        "missed_rate": _mean([r["endpoint"] != "vad" for r in rs]),
        "delay_median_ms": _percentile(delays, 50),
        "delay_p95_ms": _percentile(delays, 95),
        "n": len(rs),
    }


# -- the summary --------------------------------------------------------------------------------


def system_names(records: Sequence[Record]) -> tuple[list[str], list[str]]:
    """Neck Coach rows (strategies, then stock open) and peer rows, from the records."""
    systems = list(records[0]["systems"]) if records else []
    peers: list[str] = []
    for r in records:
        if r["peers"]:
            peers = list(r["peers"])
            break
    return systems, peers


def _system_row(records: Sequence[Record], group: str, name: str) -> dict[str, Any]:
    kind = "peer" if group == "peers" else "reference" if name == STOCK_OPEN else "neck-coach"
    return {
        "kind": kind,
        "accuracy": _by_column(records, lambda rs: accuracy(rs, group, name)),
        "false_accept": _by_column(records, lambda rs: false_accepts(rs, group, name)),
        "n": _by_column(records, lambda rs: len(_questions(rs))),
        "n_off_topic": _by_column(records, lambda rs: sum(r["out_of_domain"] for r in rs)),
    }


def _red_flag_row(records: Sequence[Record], name: str) -> dict[str, Any]:
    clean = [r for r in records if _near(r) and r["condition"] == CLEAN]
    return {
        "recall": _by_column(records, lambda rs: recall(rs, name)),
        "recall_by_sign": {s: recall(clean, name, s) for s in SIGNS},
        "control_cautions": _by_column(records, lambda rs: control_cautions(rs, name)),
        "control_cautions_by_kind": {c: control_cautions(clean, name, c) for c in CONTROLS},
        "ordinary_cautions": _by_column(records, lambda rs: ordinary_cautions(rs, name)),
    }


def red_flag_counts(records: Sequence[Record]) -> dict[str, Any]:
    """How many utterances each red-flag figure rests on."""

    def count(keep: Predicate) -> dict[str, int]:
        return _by_column(records, lambda rs: sum(1 for r in rs if keep(r)))

    clean = [r for r in records if _near(r) and r["condition"] == CLEAN]
    return {
        "signs": count(lambda r: r["item_kind"] == "red_flag" and r["sign"] != "none"),
        "controls": count(lambda r: r["item_kind"] == "red_flag" and r["sign"] == "none"),
        "ordinary": count(lambda r: bool(r["ordinary"])),
        "by_sign": {s: sum(1 for r in clean if r["sign"] == s) for s in SIGNS},
        "by_control": {
            c: sum(1 for r in clean if r["sign"] == "none" and r["control"] == c) for c in CONTROLS
        },
    }


def summarize(records: Sequence[Record], text: Sequence[Record]) -> dict[str, Any]:
    systems, peers = system_names(records)
    has_red_flags = any(r["item_kind"] == "red_flag" for r in records)
    return {
        "utterances": len(records),
        "columns": {c.key: c.label for c in COLUMNS},
        "conditions": sorted({r["condition"] for r in records}),
        "n": _by_column(records, len),
        "systems": {
            **{s: _system_row(records, "systems", s) for s in systems},
            **{p: _system_row(records, "peers", p) for p in peers},
        },
        "wer": {s: _by_column(records, partial(wer, name=s)) for s in systems},
        "latency": {s: _by_column(records, partial(latency, name=s)) for s in systems},
        "rtf": {s: rtf(records, s) for s in systems},
        "endpoint": _by_column(records, endpoint),
        "red_flags": (
            {
                "systems": {s: _red_flag_row(records, s) for s in systems},
                "counts": red_flag_counts(records),
            }
            if has_red_flags
            else None
        ),
        "text": _text_rows(text),
    }


def _text_rows(text: Sequence[Record]) -> dict[str, Any]:
    questions = [t for t in text if t["item_kind"] == "question"]
    systems = list(questions[0]["correct"]) if questions else ["neck-coach"]
    ood = [t for t in questions if t["out_of_domain"]]
    signs = [t for t in text if t["item_kind"] == "red_flag" and t["sign"] != "none"]
    controls = [t for t in text if t["item_kind"] == "red_flag" and t["sign"] == "none"]
    ordinary = [t for t in text if t["ordinary"]]
    return {
        "n": len(text),
        "accuracy": {s: _mean([t["correct"][s] for t in questions]) for s in systems},
        "false_accept": {s: _mean([t["false_accept"][s] for t in ood]) for s in systems},
        "recall": _mean([t["cautioned"]["neck-coach"] for t in signs]),
        "recall_by_sign": {
            s: _mean([t["cautioned"]["neck-coach"] for t in signs if t["sign"] == s]) for s in SIGNS
        },
        "control_cautions": _mean([t["cautioned"]["neck-coach"] for t in controls]),
        "control_cautions_by_kind": {
            c: _mean([t["cautioned"]["neck-coach"] for t in controls if t["control"] == c])
            for c in CONTROLS
        },
        "ordinary_cautions": _mean([t["cautioned"]["neck-coach"] for t in ordinary]),
        "handle_median_ms": _percentile([t["handle_ms"] for t in text], 50),
    }


def failures(records: Sequence[Record], name: str, column: str, limit: int = 40) -> list[Any]:
    """What went wrong for system ``name`` in ``column``: reference, transcript, answer."""
    keep = next(c.keep for c in COLUMNS if c.key == column)
    out = []
    for r in records:
        result = r["systems"].get(name)
        if result is None or not keep(r):
            continue
        wrong = result["correct"] is False
        missed = r["item_kind"] == "red_flag" and (r["sign"] != "none") != result["cautioned"]
        if not (wrong or missed):
            continue
        got = result["intent"] if result["kind"] != "fallback" else "fallback"
        out.append(
            {
                "voice": r["voice"],
                "condition": r["condition"],
                "reference": r["reference"],
                "expected": r["expected"] or f"sign {r['sign']}",
                "heard": result["text"],
                "got": got,
                "cautioned": result["cautioned"],
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


# The "Done when" of the understanding and safety work, as the benchmark can measure them. End of
# speech to the first audible answer is measured through the sound devices by
# ``bench.voice_latency``, not here.
TARGETS = {
    "accuracy_clean": Target("intent accuracy, clean (near-human voices)", 0.97, True, "%"),
    "accuracy_babble_10": Target("intent accuracy, babble at 10 dB (near-human)", 0.90, True, "%"),
    "accuracy_pink_10": Target("intent accuracy, pink at 10 dB (near-human)", 0.90, True, "%"),
    "accuracy_5db": Target("intent accuracy, 5 dB SNR (near-human voices)", 0.75, True, "%"),
    "false_accepts": Target("off-topic false accepts, worst condition", 0.03, False, "%"),
    "latency_median": Target("end of speech to answer text, median", 250.0, False, "ms"),
    "recall_clean": Target("red-flag caution or confirmation, clean", 0.99, True, "%"),
    "recall_10db": Target("red-flag caution or confirmation, 10 dB", 0.95, True, "%"),
    "control_cautions": Target("false cautions on near-miss controls", 0.03, False, "%"),
    "ordinary_cautions": Target("false cautions on ordinary questions", 0.03, False, "%"),
    "typed_accuracy": Target("intent accuracy, typed", 0.95, True, "%"),
    "typed_recall": Target("red-flag caution, typed", 1.0, True, "%"),
    "cold_start": Target("cold start to listening", 2.5, False, "s"),
    "peak_memory": Target("peak memory", 350.0, False, "MB"),
}


def _worst(by_condition: dict[str, float | None]) -> float | None:
    """The highest rate over the measured conditions (the cells: voice family by noise)."""
    values = [v for k, v in by_condition.items() if k.startswith("cell:") and v is not None]
    return max(values) if values else None


def check_targets(
    summary: dict[str, Any], startup: dict[str, Any], memory: dict[str, Any]
) -> dict[str, Any]:
    """Every target for every Neck Coach row (typed figures, cold start and memory are shared)."""
    per_strategy: dict[str, list[dict[str, Any]]] = defaultdict(list)
    red_flags = summary.get("red_flags", {}).get("systems", {})
    for name, row in summary["systems"].items():
        if row["kind"] == "peer":
            continue
        accuracy = row["accuracy"]
        safety = red_flags.get(name, {})
        recall = safety.get("recall", {})
        per_strategy[name] = [
            TARGETS["accuracy_clean"].check(accuracy.get(NEAR_HUMAN_LABEL)),
            TARGETS["accuracy_babble_10"].check(accuracy.get("cell:babble-10")),
            TARGETS["accuracy_pink_10"].check(accuracy.get("cell:pink-10")),
            TARGETS["accuracy_5db"].check(accuracy.get("snr-5")),
            TARGETS["false_accepts"].check(_worst(row["false_accept"])),
            TARGETS["latency_median"].check(
                summary["latency"][name]["near-human all"]["median_ms"]
            ),
            TARGETS["recall_clean"].check(recall.get(NEAR_HUMAN_LABEL)),
            TARGETS["recall_10db"].check(recall.get("snr-10")),
            TARGETS["control_cautions"].check(
                safety.get("control_cautions", {}).get("near-human all")
            ),
            TARGETS["ordinary_cautions"].check(
                safety.get("ordinary_cautions", {}).get("near-human all")
            ),
        ]
    text = summary.get("text", {})
    shared = [
        TARGETS["typed_accuracy"].check(text.get("accuracy", {}).get("neck-coach")),
        TARGETS["typed_recall"].check(text.get("recall")),
        TARGETS["cold_start"].check(startup.get("to_listening_s")),
        TARGETS["peak_memory"].check(memory.get("peak_mb")),
    ]
    default = DEFAULT_STRATEGY if DEFAULT_STRATEGY in per_strategy else next(iter(per_strategy), "")
    return {"default_strategy": default, "per_strategy": dict(per_strategy), "shared": shared}
