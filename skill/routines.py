"""Guided stretch routines: the ``routines/*.yaml`` schema, its validation, finding one by name.

Each routine file is parsed once into a frozen ``Routine``; every problem in every file is reported
together, each with its file and line, so one validation run shows them all.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from .errors import DataError
from .yamlfile import LineDict, LineList, Problems, load_yaml

_LOGGER = logging.getLogger(__name__)

Level = Literal["gentle", "standard"]
Position = Literal["sitting", "standing", "lying"]
Sides = Literal["none", "both"]

LEVELS: tuple[Level, ...] = ("gentle", "standard")
POSITIONS: tuple[Position, ...] = ("sitting", "standing", "lying")
SIDES: tuple[Sides, ...] = ("none", "both")

HOLD_RANGE = (1, 60)
REPS_RANGE = (1, 10)
REST_RANGE = (0, 30)

# Every routine must say this somewhere the listener will hear it before or while stretching.
SAFETY_CUE = "stop if pain increases"

# Routines whose length is promised by their title: name -> (min, max) estimated seconds.
DURATION_LIMITS: dict[str, tuple[int, int]] = {"desk_break": (180, 420)}

# The speaking allowance: a calm spoken pace, plus the side/"Hold."/"Release." prompts around each
# hold. Cues, "Halfway." and the countdown are spoken inside the hold, so they add nothing.
SPOKEN_WORDS_PER_SECOND = 2.5
HEADING_WORDS = 4  # "Step 2 of 5:" before each step's name
PROMPT_SECONDS_PER_HOLD = 1.5

ROUTINE_KEYS = {
    "name",
    "title",
    "level",
    "position",
    "aliases",
    "summary",
    "intro",
    "outro",
    "steps",
}
STEP_KEYS = {"name", "instruction", "hold", "reps", "sides", "rest", "cues"}


@dataclass(frozen=True)
class RoutineStep:
    """One stretch: held ``reps`` times (on each side when ``sides`` is "both")."""

    name: str
    instruction: str
    hold: int
    reps: int
    sides: Sides
    rest: int
    cues: tuple[str, ...]

    @property
    def side_names(self) -> tuple[str | None, ...]:
        """The sides held in each rep, left first; ``(None,)`` when the stretch has no sides."""
        return ("left", "right") if self.sides == "both" else (None,)

    @property
    def hold_count(self) -> int:
        return self.reps * len(self.side_names)

    @property
    def timed_seconds(self) -> int:
        """Seconds spent holding and resting, at the normal pace."""
        return self.hold_count * (self.hold + self.rest)

    @classmethod
    def from_dict(cls, data: LineDict, path: Path, problems: Problems) -> RoutineStep | None:
        where = f"step {data.get('name')!r}" if isinstance(data.get("name"), str) else "a step"
        if not problems.check_keys(path, data, STEP_KEYS, STEP_KEYS, where):
            return None
        before = len(problems.items)
        name = problems.expect_text(path, data["name"], data.line_of("name"), "the step name")
        instruction = problems.expect_text(
            path, data["instruction"], data.line_of("instruction"), f"{where}: instruction"
        )
        hold = _expect_int(problems, path, data, "hold", HOLD_RANGE, where)
        reps = _expect_int(problems, path, data, "reps", REPS_RANGE, where)
        rest = _expect_int(problems, path, data, "rest", REST_RANGE, where)
        sides = _expect_choice(problems, path, data, "sides", SIDES, where)
        cues = problems.expect_text_list(path, data["cues"], data.line_of("cues"), f"{where}: cues")
        _check_sentences(cues, data, path, problems, where)
        if len(problems.items) > before:
            return None
        return cls(
            name=cast(str, name),
            instruction=cast(str, instruction),
            hold=cast(int, hold),
            reps=cast(int, reps),
            sides=cast(Sides, sides),
            rest=cast(int, rest),
            cues=tuple(cues),
        )


@dataclass(frozen=True)
class Routine:
    """A whole guided routine: what is said before, during and after its steps."""

    name: str
    title: str
    level: Level
    position: Position
    aliases: tuple[str, ...]
    summary: str
    intro: str
    outro: str
    steps: tuple[RoutineStep, ...]

    @property
    def timed_seconds(self) -> int:
        """Seconds of holding and resting at the normal pace, without any speech."""
        return sum(step.timed_seconds for step in self.steps)

    @property
    def estimated_seconds(self) -> int:
        """How long the routine takes at the normal pace, speech included."""
        spoken = [self.intro, self.outro]
        for step in self.steps:
            spoken += [step.name, step.instruction]
        words = sum(len(text.split()) for text in spoken) + HEADING_WORDS * len(self.steps)
        prompts = sum(step.hold_count for step in self.steps) * PROMPT_SECONDS_PER_HOLD
        return round(self.timed_seconds + words / SPOKEN_WORDS_PER_SECOND + prompts)

    @classmethod
    def from_dict(cls, data: LineDict, path: Path, problems: Problems) -> Routine | None:
        if not problems.check_keys(path, data, ROUTINE_KEYS, ROUTINE_KEYS, "the routine"):
            return None
        before = len(problems.items)
        texts = {
            key: problems.expect_text(path, data[key], data.line_of(key), f"the routine's {key}")
            for key in ("name", "title", "summary", "intro", "outro")
        }
        if texts["name"] is not None and texts["name"] != path.stem:
            problems.add(
                path,
                data.line_of("name"),
                f"name {texts['name']!r} must equal the file name without .yaml ({path.stem!r})",
            )
        level = _expect_choice(problems, path, data, "level", LEVELS, "the routine")
        position = _expect_choice(problems, path, data, "position", POSITIONS, "the routine")
        aliases = problems.expect_text_list(
            path, data["aliases"], data.line_of("aliases"), "the routine's aliases"
        )
        steps = _steps_from(data["steps"], data.line_of("steps"), path, problems)
        if len(problems.items) > before:
            return None
        routine = cls(
            name=cast(str, texts["name"]),
            title=cast(str, texts["title"]),
            level=cast(Level, level),
            position=cast(Position, position),
            aliases=tuple(aliases),
            summary=cast(str, texts["summary"]),
            intro=cast(str, texts["intro"]),
            outro=cast(str, texts["outro"]),
            steps=tuple(steps),
        )
        _check_safety_cue(routine, data, path, problems)
        _check_duration(routine, data, path, problems)
        return routine


def load_routines(directory: Path) -> dict[str, Routine]:
    """Load and validate every ``*.yaml`` in ``directory``; ``DataError`` lists all problems."""
    problems = Problems()
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        problems.add(directory, 0, "no routine files (*.yaml) found")
    routines: dict[str, Routine] = {}
    owners: dict[str, tuple[str, Path]] = {}
    for path in paths:
        loaded = _load_file(path, problems)
        if loaded is not None:
            routine, data = loaded
            routines[routine.name] = routine
            _check_unique_names(routine, data, path, owners, problems)
    problems.raise_if_any()
    _LOGGER.debug("loaded %d routines from %s", len(routines), directory)
    return routines


def find_routine(routines: dict[str, Routine], text: str) -> Routine | None:
    """The routine whose name, alias or title matches ``text`` (any case, "the" ignored)."""
    wanted = normalize_name(text)
    if not wanted:
        return None
    for routine in routines.values():
        if wanted in {normalize_name(name) for name in _spoken_names(routine)}:
            return routine
    return None


def normalize_name(text: str) -> str:
    """Lower case words without punctuation, "the" or a trailing "routine": how names compare."""
    words = re.sub(r"[^a-z0-9']+", " ", text.lower().replace("_", " ")).split()
    words = [word for word in words if word != "the"]
    if len(words) > 1 and words[-1] in {"routine", "routines"}:
        words.pop()
    return " ".join(words)


def _spoken_names(routine: Routine) -> tuple[str, ...]:
    return (routine.name, routine.title, *routine.aliases)


def _load_file(path: Path, problems: Problems) -> tuple[Routine, LineDict] | None:
    try:
        data = load_yaml(path)
    except DataError as error:
        problems.extend(error.problems)
        return None
    mapping = problems.expect_mapping(path, data, 1, "a routine file")
    if mapping is None:
        return None
    routine = Routine.from_dict(mapping, path, problems)
    return None if routine is None else (routine, mapping)


def _steps_from(value: Any, line: int, path: Path, problems: Problems) -> list[RoutineStep]:
    if not isinstance(value, LineList) or not value:
        problems.add(path, line, "steps must be a non-empty list of steps")
        return []
    steps: list[RoutineStep] = []
    for index, item in enumerate(value):
        mapping = problems.expect_mapping(path, item, value.line_of(index), f"step {index + 1}")
        step = RoutineStep.from_dict(mapping, path, problems) if mapping is not None else None
        if step is not None:
            steps.append(step)
    return steps


def _expect_int(
    problems: Problems, path: Path, data: LineDict, key: str, bounds: tuple[int, int], where: str
) -> int | None:
    value = data[key]
    low, high = bounds
    # bool is an int in Python, but "hold: yes" is a mistake, not a number.
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(
            path, data.line_of(key), f"{where}: {key} must be a whole number of {low}..{high}"
        )
        return None
    if not low <= value <= high:
        problems.add(path, data.line_of(key), f"{where}: {key} is {value}, must be {low}..{high}")
        return None
    return value


def _expect_choice(
    problems: Problems,
    path: Path,
    data: LineDict,
    key: str,
    choices: tuple[str, ...],
    where: str,
) -> str | None:
    value = data[key]
    if value in choices:
        return cast(str, value)
    allowed = " | ".join(choices)
    problems.add(path, data.line_of(key), f"{where}: {key} is {value!r}, must be one of {allowed}")
    return None


def _check_sentences(
    cues: list[str], data: LineDict, path: Path, problems: Problems, where: str
) -> None:
    # A cue is spoken on its own, so it is a whole sentence; this also catches the YAML slip
    # where [Breathe in, and out.] splits into two cues at the comma.
    items = data["cues"]
    for index, cue in enumerate(cues):
        if not cue.endswith((".", "!", "?")):
            line = items.line_of(index) if isinstance(items, LineList) else data.line_of("cues")
            problems.add(
                path,
                line,
                f"{where}: cue {cue!r} must be a sentence ending in . ! or ? "
                '(quote cues that contain a comma: ["Breathe in, then out."])',
            )


def _check_safety_cue(routine: Routine, data: LineDict, path: Path, problems: Problems) -> None:
    spoken = [routine.intro, *(cue for step in routine.steps for cue in step.cues)]
    if not any(SAFETY_CUE in normalize_name(text) for text in spoken):
        problems.add(
            path,
            data.line_of("intro"),
            f"the intro or a cue must include the safety cue {SAFETY_CUE.capitalize()!r}",
        )


def _check_duration(routine: Routine, data: LineDict, path: Path, problems: Problems) -> None:
    limits = DURATION_LIMITS.get(routine.name)
    if limits is None:
        return
    low, high = limits
    seconds = routine.estimated_seconds
    if not low <= seconds <= high:
        problems.add(
            path,
            data.line_of("steps"),
            f"the routine takes about {seconds} s, must be {low}..{high} s; "
            "change holds, reps or rests",
        )


def _check_unique_names(
    routine: Routine,
    data: LineDict,
    path: Path,
    owners: dict[str, tuple[str, Path]],
    problems: Problems,
) -> None:
    # Names, titles and aliases share one space: saying any of them must pick exactly one routine.
    aliases = data["aliases"]
    alias_lines = [
        aliases.line_of(i) if isinstance(aliases, LineList) else data.line_of("aliases")
        for i in range(len(routine.aliases))
    ]
    located = [
        (routine.name, data.line_of("name")),
        (routine.title, data.line_of("title")),
        *zip(routine.aliases, alias_lines, strict=True),
    ]
    for name, line in located:
        spoken = normalize_name(name)
        owner = owners.setdefault(spoken, (routine.name, path))
        if owner[0] != routine.name:
            problems.add(
                path,
                line,
                f"{name!r} also names the routine {owner[0]!r} ({owner[1].name}); "
                "names, titles and aliases must be unique",
            )
