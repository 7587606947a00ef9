"""Loading all of the skill's data at once and checking the files against each other.

The data is three folders: ``intents/``, ``content/`` and ``routines/``. An installed package
carries them as package data (``skill/resources/``); a source checkout reads them where they are
edited, at its top level; ``$NECK_COACH_DATA`` or an explicit folder overrides both.

Each loader validates its own files; this module adds the cross-file checks (every response an
intent can produce exists, every routine a template names exists) and reports every problem from
every file together, so one validation run shows the whole picture.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from .content import Content, load_content, load_off_topic
from .errors import DataError, Problem
from .intents import IntentSet
from .intents_file import load_intents
from .routines import Routine, load_routines

ENV_DATA_DIR = "NECK_COACH_DATA"
FOLDERS = ("intents", "content", "routines")


def default_data_dir() -> Path:
    """The folder holding intents/, content/ and routines/ (see the module docstring)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser()
    checkout = Path(__file__).resolve().parent.parent
    if all((checkout / folder).is_dir() for folder in FOLDERS):
        return checkout
    return Path(str(files("skill") / "resources"))


def is_data_dir(path: Path) -> bool:
    return any((path / folder).is_dir() for folder in FOLDERS)


@dataclass(frozen=True)
class SkillData:
    intents: IntentSet
    content: Content
    routines: dict[str, Routine]
    root: Path
    # Questions the skill must not answer (content/off_topic.yaml), for the semantic layer.
    off_topic: tuple[str, ...] = ()


def load_skill_data(data_dir: Path | None = None, intents_dir: Path | None = None) -> SkillData:
    """Load intents, answers and routines; raise one ``DataError`` listing every problem."""
    root = data_dir or default_data_dir()
    problems: list[Problem] = []
    intents = content = routines = None
    try:
        intents = load_intents(intents_dir or root / "intents")
    except DataError as error:
        problems += error.problems
    try:
        content = load_content(root / "content" / "answers.yaml")
    except DataError as error:
        problems += error.problems
    try:
        routines = load_routines(root / "routines")
    except DataError as error:
        problems += error.problems
    off_topic: tuple[str, ...] = ()
    off_topic_file = root / "content" / "off_topic.yaml"
    if off_topic_file.exists():
        try:
            off_topic = load_off_topic(off_topic_file)
        except DataError as error:
            problems += error.problems
    if intents is not None and content is not None and routines is not None:
        problems += _cross_check(intents, content, routines)
    if problems or intents is None or content is None or routines is None:
        raise DataError(problems)
    return SkillData(
        intents=intents, content=content, routines=routines, root=root, off_topic=off_topic
    )


def _cross_check(
    intents: IntentSet, content: Content, routines: dict[str, Routine]
) -> list[Problem]:
    problems = []
    for intent in intents.intents.values():
        if intent.response is None:
            continue
        keys = {intent.response_key(dict(slots)) for slots in intents.slot_combinations(intent)}
        for key in sorted(k for k in keys if k is not None):
            if key not in content.answers:
                problems.append(
                    Problem(intent.path, intent.line, f"intent {intent.name!r}: no answer {key!r}")
                )
    for value in intents.lists.get("routine", ()):
        if value.value not in routines:
            known = ", ".join(sorted(routines))
            problems.append(
                Problem(
                    value.path,
                    value.line,
                    f"list 'routine' names unknown routine {value.value!r} (routines: {known})",
                )
            )
    return problems
