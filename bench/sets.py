"""The benchmark's item sets: question sets and red-flag sets, read from YAML files.

A set name (``--set dev``) stands for ``bench/sets/<name>_questions.yaml`` and, when it exists,
``bench/sets/<name>_red_flags.yaml``. ``dev`` is the development set (tune against it); ``test``
is a frozen held-out set, only ever run to report, never to tune.

* A question set is a list of ``{text, intent, slots?, red_flag?}``; ``intent: fallback`` marks
  an off-topic question that must get no answer.
* A red-flag set is a list of ``{text, sign, control?}`` with ``sign`` one of ``SIGNS`` or
  ``none``; a ``none`` item is a control that must *not* get a caution, and says why it could
  look like one (``control``: ``about`` a symptom, a ``negation`` of one, or an ``ordinary``
  in-domain question).

Both kinds become ``Question`` items with a set-unique ``id`` (``q12``, ``r3``), so the audio,
runner and report treat them alike.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

_LOGGER = logging.getLogger(__name__)

SETS_DIR = Path(__file__).resolve().parent / "sets"
SIGNS = ("weakness", "numbness", "fever", "injury", "severe_pain")
NO_SIGN = "none"
CONTROLS = ("about", "negation", "ordinary")
QUESTION_KIND = "question"
RED_FLAG_KIND = "red_flag"


class SetError(ValueError):
    """A set file is missing or malformed."""


@dataclass(frozen=True)
class Question:
    """One item to say: a question-set question or a red-flag-set item."""

    index: int  # position in its file
    text: str
    intent: str = ""  # question sets only
    slots: tuple[tuple[str, str], ...] = ()
    red_flag: bool = False  # a question-set question that must carry the caution
    kind: str = QUESTION_KIND
    sign: str = ""  # red-flag sets only: one of SIGNS or NO_SIGN
    control: str = ""  # red-flag sets only, for sign none: one of CONTROLS

    @property
    def id(self) -> str:
        return f"{'q' if self.kind == QUESTION_KIND else 'r'}{self.index}"

    @property
    def out_of_domain(self) -> bool:
        return self.kind == QUESTION_KIND and self.intent == "fallback"

    @property
    def ordinary(self) -> bool:
        """An in-domain question-set question that reports no symptom: must get no caution."""
        return self.kind == QUESTION_KIND and not self.red_flag and not self.out_of_domain

    @property
    def is_sign(self) -> bool:
        """A red-flag-set item that reports a sign: must get the caution (or a confirmation)."""
        return self.kind == RED_FLAG_KIND and self.sign != NO_SIGN

    @property
    def is_control(self) -> bool:
        return self.kind == RED_FLAG_KIND and self.sign == NO_SIGN


@dataclass(frozen=True)
class ItemSet:
    """What one run says: its name, the files it came from and their items."""

    name: str
    sources: tuple[Path, ...]
    questions: tuple[Question, ...]

    @property
    def question_items(self) -> list[Question]:
        return [q for q in self.questions if q.kind == QUESTION_KIND]

    @property
    def red_flag_items(self) -> list[Question]:
        return [q for q in self.questions if q.kind == RED_FLAG_KIND]


def set_paths(name: str, folder: Path = SETS_DIR) -> tuple[Path, Path]:
    """The question file and the red-flag file a set name stands for (either may not exist)."""
    return folder / f"{name}_questions.yaml", folder / f"{name}_red_flags.yaml"


def _raw_items(path: Path) -> list[Mapping[str, object]]:
    if not path.is_file():
        raise SetError(f"{path} does not exist")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise SetError(f"{path} must be a YAML list of mappings")
    if not raw:
        raise SetError(f"{path} has no items")
    return raw


def file_kind(items: Sequence[Mapping[str, object]]) -> str:
    """``question`` when the items carry ``intent``, ``red_flag`` when they carry ``sign``."""
    if all("sign" in item for item in items):
        return RED_FLAG_KIND
    if all("intent" in item for item in items):
        return QUESTION_KIND
    raise SetError("every item needs an 'intent' (question set) or every one a 'sign' (red flags)")


def _question(index: int, item: Mapping[str, object], path: Path) -> Question:
    slots = item.get("slots") or {}
    if not isinstance(slots, dict):
        raise SetError(f"{path} item {index}: slots must be a mapping")
    return Question(
        index=index,
        text=str(item["text"]),
        intent=str(item["intent"]),
        slots=tuple(sorted((str(k), str(v)) for k, v in slots.items())),
        red_flag=bool(item.get("red_flag", False)),
    )


def _red_flag(index: int, item: Mapping[str, object], path: Path) -> Question:
    sign = str(item["sign"])
    if sign not in (*SIGNS, NO_SIGN):
        raise SetError(f"{path} item {index}: sign {sign!r} is not one of {(*SIGNS, NO_SIGN)}")
    control = str(item.get("control") or "")
    if sign == NO_SIGN and control not in CONTROLS:
        raise SetError(f"{path} item {index}: a control (sign none) needs control: {CONTROLS}")
    return Question(
        index=index, text=str(item["text"]), kind=RED_FLAG_KIND, sign=sign, control=control
    )


def load_file(path: Path) -> list[Question]:
    """Every item of a question file or a red-flag file (told apart by their fields)."""
    items = _raw_items(path)
    for index, item in enumerate(items):
        if not str(item.get("text") or "").strip():
            raise SetError(f"{path} item {index} has no text")
    make = _red_flag if file_kind(items) == RED_FLAG_KIND else _question
    return [make(index, item, path) for index, item in enumerate(items)]


def load_set(
    name: str,
    questions: Path | None = None,
    red_flags: Path | None = None,
    folder: Path = SETS_DIR,
) -> ItemSet:
    """A named set, or explicit files (which then replace the named set's files of that kind).

    Each file's kind is read from its items, so the two paths only say where to look."""
    default_questions, default_red_flags = set_paths(name, folder)
    paths = [questions or default_questions, red_flags or default_red_flags]
    found = [p for p in paths if p.is_file()]
    explicit = [p for p in (questions, red_flags) if p is not None and not p.is_file()]
    if explicit:
        raise SetError(f"{explicit[0]} does not exist")
    if not found:
        raise SetError(f"set {name!r} has no files: looked for {paths[0]} and {paths[1]}")
    items: list[Question] = []
    kinds: set[str] = set()
    for path in found:
        loaded = load_file(path)
        kind = loaded[0].kind
        if kind in kinds:
            raise SetError(f"{path}: two {kind} files in one run")
        kinds.add(kind)
        items += loaded
    if RED_FLAG_KIND not in kinds:
        _LOGGER.info("set %s has no red-flag file (%s)", name, paths[1])
    return ItemSet(name=name, sources=tuple(found), questions=tuple(items))


def spread(items: Sequence[Question], limit: int) -> list[Question]:
    """``limit`` items evenly spread over ``items`` (so a subset still covers every section)."""
    if limit >= len(items):
        return list(items)
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]
