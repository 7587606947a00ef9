"""Routine files: the shipped ones load, broken ones are reported with file and line, lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.errors import DataError
from skill.routines import Routine, RoutineStep, find_routine, load_routines

ROUTINES_DIR = Path(__file__).resolve().parent.parent / "routines"

VALID = """\
name: quick
title: Quick stretch
level: gentle
position: sitting
aliases: [quick one, short stretch]
summary: A short stretch.
intro: Sit comfortably. Stop if pain increases.
outro: That's all.
steps:
  - name: Chin tuck
    instruction: Draw your chin back.
    hold: 5
    reps: 2
    sides: none
    rest: 3
    cues: [Breathe out slowly.]
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line containing ``fragment``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def problems(directory: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(DataError) as caught:
        load_routines(directory)
    return [(p.path.name, p.line, p.message) for p in caught.value.problems]


def broken(tmp_path: Path, old: str, new: str) -> tuple[str, list[tuple[str, int, str]]]:
    """Write VALID with ``old`` replaced by ``new``; return the text and its problems."""
    assert old in VALID
    text = VALID.replace(old, new)
    write(tmp_path, "quick", text)
    return text, problems(tmp_path)


# -- the shipped routines ---------------------------------------------------------------------


def test_shipped_routines_all_load() -> None:
    routines = load_routines(ROUTINES_DIR)
    assert set(routines) == {"desk_break", "spasm_relief", "morning", "bedtime"}


def test_desk_break_takes_three_to_seven_minutes() -> None:
    desk_break = load_routines(ROUTINES_DIR)["desk_break"]
    assert 180 <= desk_break.estimated_seconds <= 420


def test_every_shipped_routine_tells_the_listener_to_stop_if_pain_increases() -> None:
    for routine in load_routines(ROUTINES_DIR).values():
        spoken = [routine.intro, *(cue for step in routine.steps for cue in step.cues)]
        assert any("stop if pain increases" in text.lower() for text in spoken), routine.name


def test_spasm_relief_is_gentle_with_short_holds() -> None:
    spasm = load_routines(ROUTINES_DIR)["spasm_relief"]
    assert spasm.level == "gentle"
    assert all(step.hold <= 8 for step in spasm.steps)


def test_bedtime_is_done_lying_down() -> None:
    assert load_routines(ROUTINES_DIR)["bedtime"].position == "lying"


# -- parsing and estimates --------------------------------------------------------------------


def test_a_valid_file_becomes_a_frozen_routine(tmp_path: Path) -> None:
    write(tmp_path, "quick", VALID)
    routine = load_routines(tmp_path)["quick"]
    assert routine.aliases == ("quick one", "short stretch")
    assert routine.steps == (
        RoutineStep("Chin tuck", "Draw your chin back.", 5, 2, "none", 3, ("Breathe out slowly.",)),
    )
    with pytest.raises(AttributeError):
        routine.title = "changed"  # type: ignore[misc]


def test_timed_seconds_count_both_sides_of_every_rep() -> None:
    step = RoutineStep("Tilt", "Tilt.", hold=10, reps=2, sides="both", rest=5, cues=())
    assert step.side_names == ("left", "right")
    assert step.timed_seconds == 2 * 2 * (10 + 5)


def test_estimate_adds_speaking_time_to_holds_and_rests() -> None:
    step = RoutineStep("Tilt", "Tilt.", hold=10, reps=1, sides="none", rest=0, cues=())
    routine = Routine("r", "R", "gentle", "sitting", (), "S.", "In.", "Out.", (step,))
    assert routine.estimated_seconds > routine.timed_seconds == 10


# -- validation: each kind of problem, with its line ------------------------------------------


def test_unknown_key_is_reported_at_its_line(tmp_path: Path) -> None:
    text, found = broken(tmp_path, "    rest: 3\n", "    rest: 3\n    colour: blue\n")
    assert found == [("quick.yaml", line_of(text, "colour"), found[0][2])]
    assert "unknown key 'colour'" in found[0][2]


def test_missing_key_is_reported_at_its_mapping(tmp_path: Path) -> None:
    _, found = broken(tmp_path, "outro: That's all.\n", "")
    assert [(line, "missing the required key 'outro'" in msg) for _, line, msg in found] == [
        (1, True)
    ]


def test_missing_step_key_is_reported_at_the_step(tmp_path: Path) -> None:
    text, found = broken(tmp_path, "    sides: none\n", "")
    assert [line for _, line, _ in found] == [line_of(text, "- name: Chin tuck")]
    assert "'sides'" in found[0][2]


def test_name_must_equal_the_file_stem(tmp_path: Path) -> None:
    text, found = broken(tmp_path, "name: quick", "name: fast")
    assert [line for _, line, _ in found] == [line_of(text, "name: fast")]
    assert "'quick'" in found[0][2]


def test_bad_level_position_and_sides_are_each_reported(tmp_path: Path) -> None:
    text = VALID.replace("level: gentle", "level: extreme")
    text = text.replace("position: sitting", "position: upside down")
    text = text.replace("sides: none", "sides: left")
    write(tmp_path, "quick", text)
    found = {line for _, line, _ in problems(tmp_path)}
    assert found == {line_of(text, "level:"), line_of(text, "position:"), line_of(text, "sides:")}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("hold: 5", "hold: 0", "hold is 0, must be 1..60"),
        ("hold: 5", "hold: 61", "hold is 61, must be 1..60"),
        ("reps: 2", "reps: 11", "reps is 11, must be 1..10"),
        ("rest: 3", "rest: 31", "rest is 31, must be 0..30"),
        ("reps: 2", "reps: three", "reps must be a whole number"),
        ("hold: 5", "hold: 2.5", "hold must be a whole number"),
        ("rest: 3", "rest: yes", "rest must be a whole number"),
    ],
)
def test_numbers_out_of_range_or_not_whole_are_reported(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text, found = broken(tmp_path, old, new)
    assert [line for _, line, _ in found] == [line_of(text, new)]
    assert expected in found[0][2]


def test_empty_steps_are_reported(tmp_path: Path) -> None:
    text = VALID[: VALID.index("steps:")] + "steps: []\n"
    write(tmp_path, "quick", text)
    found = problems(tmp_path)
    assert [(line, "non-empty list" in msg) for _, line, msg in found] == [
        (line_of(text, "steps:"), True)
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("intro: Sit comfortably. Stop if pain increases.", 'intro: "  "'),
        ("title: Quick stretch", "title:"),
        ("instruction: Draw your chin back.", 'instruction: ""'),
        ("cues: [Breathe out slowly.]", 'cues: [""]'),
    ],
)
def test_empty_text_is_reported(tmp_path: Path, old: str, new: str) -> None:
    text, found = broken(tmp_path, old, new)
    assert line_of(text, new) in {line for _, line, _ in found}
    assert any("non-empty text" in msg for _, _, msg in found)


def test_a_cue_split_at_a_comma_is_reported(tmp_path: Path) -> None:
    text, found = broken(
        tmp_path, "cues: [Breathe out slowly.]", "cues: [Breathe in, and out slowly.]"
    )
    assert [(line, "'Breathe in'" in msg) for _, line, msg in found] == [
        (line_of(text, "cues:"), True)
    ]


def test_a_routine_without_the_safety_cue_is_reported(tmp_path: Path) -> None:
    text, found = broken(tmp_path, " Stop if pain increases.", "")
    assert [(line, "Stop if pain increases" in msg) for _, line, msg in found] == [
        (line_of(text, "intro:"), True)
    ]


def test_the_safety_cue_may_be_a_cue_instead(tmp_path: Path) -> None:
    text = VALID.replace(" Stop if pain increases.", "")
    write(tmp_path, "quick", text.replace("[Breathe out slowly.]", "[Stop if pain increases!]"))
    assert "quick" in load_routines(tmp_path)


def test_a_desk_break_far_from_five_minutes_is_reported(tmp_path: Path) -> None:
    text = VALID.replace("name: quick", "name: desk_break")
    write(tmp_path, "desk_break", text)
    found = problems(tmp_path)
    assert [(line, "must be 180..420 s" in msg) for _, line, msg in found] == [
        (line_of(text, "steps:"), True)
    ]


def test_an_alias_used_by_two_routines_is_reported_at_the_second(tmp_path: Path) -> None:
    write(tmp_path, "quick", VALID)
    other = VALID.replace("name: quick", "name: other").replace("Quick stretch", "Other")
    write(tmp_path, "other", other.replace("[quick one, short stretch]", "[The Quick One]"))
    found = problems(tmp_path)
    assert [(name, line) for name, line, _ in found] == [("quick.yaml", line_of(VALID, "aliases"))]
    assert "'other'" in found[0][2]


def test_a_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    text, found = broken(tmp_path, "reps: 2", "reps: [2")
    assert len(found) == 1
    assert found[0][1] >= line_of(text, "reps:")
    assert "YAML syntax error" in found[0][2]


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    write(
        tmp_path, "quick", VALID.replace("level: gentle", "level: x").replace("reps: 2", "reps: 0")
    )
    write(tmp_path, "other", VALID.replace("name: quick", "name: quick2"))
    write(tmp_path, "third", "- just a list\n")
    files = [name for name, _, _ in problems(tmp_path)]
    assert sorted(files) == ["other.yaml", "quick.yaml", "quick.yaml", "third.yaml"]


def test_an_empty_directory_is_a_problem(tmp_path: Path) -> None:
    assert [msg for _, _, msg in problems(tmp_path)] == ["no routine files (*.yaml) found"]


# -- finding a routine by what people call it -------------------------------------------------


@pytest.mark.parametrize(
    "said",
    ["desk_break", "desk break", "Desk Break", "the desk break", "office break",
     "Five-minute desk break", "the computer break routine"],
)  # fmt: skip
def test_find_routine_by_name_alias_or_title(said: str) -> None:
    routines = load_routines(ROUTINES_DIR)
    found = find_routine(routines, said)
    assert found is not None and found.name == "desk_break"


@pytest.mark.parametrize("said", ["", "the", "yoga", "desk"])
def test_find_routine_returns_none_for_unknown_names(said: str) -> None:
    assert find_routine(load_routines(ROUTINES_DIR), said) is None
