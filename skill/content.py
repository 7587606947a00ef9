"""Everything Neck Coach says, as written in ``content/answers.yaml``, parsed once.

* ``answers``: the article's facts in the project's own words, each short enough to speak (a
  first part and optional "tell me more" parts), each naming the article sections it comes from
  and carrying ``ask``, the plain way a person would ask for it (clarifying questions offer it);
* ``suggestions``: curated example questions offered when a question cannot be answered;
* ``actions``: what each dialogue action does, in words a clarifying question can offer;
* ``prompts``: the conversation's own lines, with ``{placeholders}``;
* ``warning_signs``: for each of the article's warning signs (``skill.warning_signs.Sign``), how
  a caution names it, what to do about it, and the question asked when it was only possibly
  heard (``WarningSign``);
* ``routine``: what the coach says while it guides a routine (``RoutineScript``).

No spoken sentence lives in Python code; this module checks that every one the code needs is
here, with its file and line when it is missing or malformed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import DataError
from .vocabulary import ACTIONS
from .warning_signs import Sign
from .yamlfile import LineDict, Problems, load_yaml

MAX_SPOKEN_WORDS = 40

_ANSWER_KEYS = {"sources", "text", "more", "related", "ask"}
_FILE_KEYS = {
    "sections",
    "answers",
    "suggestions",
    "actions",
    "prompts",
    "routine",
    "warning_signs",
}
_SIGN_KEYS = {"heard", "advice", "confirm"}


@dataclass(frozen=True)
class Answer:
    key: str
    text: str
    more: tuple[str, ...]
    sources: tuple[str, ...]
    ask: str
    related: tuple[str, ...] = ()

    @property
    def parts(self) -> tuple[str, ...]:
        return (self.text, *self.more)


@dataclass(frozen=True)
class RoutineScript:
    """The lines a routine is guided with, around each step's own instruction."""

    paused: str
    resumed: str
    stopped: str
    step: str  # {number} {count} {name}
    side: str  # {side}
    hold: str
    halfway: str
    countdown: tuple[str, ...]  # "one", "two", "three": said on the last seconds of a hold
    release: str
    back: str
    first_step: str
    from_start: str
    step_again: str
    once_more: str
    slower: str
    faster: str
    slowest: str
    fastest: str
    # A routine told one step per turn (a satellite speaks only when answered): each step says
    # how long to hold, and what to say for the next one.
    step_hold: str  # {seconds}
    step_hold_sides: str  # {seconds}
    step_reps: str  # {reps}
    step_next: str

    def step_heading(self, number: int, count: int, name: str) -> str:
        return self.step.format(number=number, count=count, name=name.rstrip("."))

    def side_line(self, side: str) -> str:
        return self.side.format(side=side.capitalize())

    def hold_line(self, seconds: int, sides: bool) -> str:
        return (self.step_hold_sides if sides else self.step_hold).format(seconds=seconds)

    def reps_line(self, reps: int) -> str:
        return self.step_reps.format(reps=reps)


@dataclass(frozen=True)
class WarningSign:
    """What is said about one warning sign."""

    heard: str  # how a caution names it: "You mentioned {heard}."
    advice: str  # what to do about it
    confirm: str  # the question when it was only possibly heard


@dataclass(frozen=True)
class Content:
    sections: tuple[str, ...]
    answers: Mapping[str, Answer]
    suggestions: tuple[str, ...]
    actions: Mapping[str, str]
    prompts: Mapping[str, str]
    routine: RoutineScript
    warning_signs: Mapping[Sign, WarningSign]

    def prompt(self, key: str, **values: str) -> str:
        """A conversation prompt with its ``{placeholders}`` filled in."""
        text = self.prompts.get(key, "")
        try:
            return text.format(**values)
        except (KeyError, IndexError):
            return text


# The answer whose article sections a caution that stands alone cites (when there is one).
CAUTION_SOURCE = "red_flags"

REQUIRED_PROMPTS = (
    "welcome",
    "disclaimer_once",
    "help",
    "fallback",
    "clarify",
    "source_line",
    "stopped_speaking",
    "red_flag",
    "red_flag_heard",
    "red_flag_routine",
    "confirm_several",
    "confirm_declined",
    "confirm_declined_routine",
    "nothing_to_repeat",
    "no_more",
    "goodbye",
    "greeting",
    "thanks",
    "yes_no_without_question",
    "start_over",
    "routine_choice",
    "list_routines",
    "routine_start",
    "not_in_routine",
    "empty_input",
)


def _words(text: str) -> int:
    return len(text.split())


def load_content(path: Path) -> Content:
    """Load and validate the answers file; raise ``DataError`` listing every problem."""
    problems = Problems()
    top = problems.expect_mapping(path, load_yaml(path), 1, "the answers file")
    if top is None:
        raise DataError(problems.items)
    problems.check_keys(path, top, _FILE_KEYS, _FILE_KEYS, "the file")
    sections = tuple(
        problems.expect_text_list(
            path, top.get("sections", []), top.line_of("sections"), "sections"
        )
    )
    answers = _answers(problems, path, top, sections)
    suggestions = problems.expect_text_list(
        path, top.get("suggestions", []), top.line_of("suggestions"), "suggestions"
    )
    if "suggestions" in top and len(suggestions) < 2:
        problems.add(path, top.line_of("suggestions"), "give at least two suggestions")
    actions = _text_mapping(problems, path, top, "actions")
    for action in sorted(ACTIONS - actions.keys()):
        problems.add(path, top.line_of("actions"), f"actions: say what {action!r} does")
    for action in sorted(actions.keys() - ACTIONS):
        problems.add(path, top.line_of("actions"), f"actions: unknown action {action!r}")
    prompts = _text_mapping(problems, path, top, "prompts")
    for key in REQUIRED_PROMPTS:
        if key not in prompts and "prompts" in top:
            problems.add(path, top.line_of("prompts"), f"missing prompt {key!r}")
    routine = _routine_script(problems, path, top)
    warning_signs = _warning_signs(problems, path, top)
    problems.raise_if_any()
    assert routine is not None  # every problem that leaves it None was reported above
    return Content(
        sections=sections,
        answers=answers,
        suggestions=tuple(suggestions),
        actions=actions,
        prompts=prompts,
        routine=routine,
        warning_signs=warning_signs,
    )


def _warning_signs(problems: Problems, path: Path, top: LineDict) -> dict[Sign, WarningSign]:
    """Every sign, each with what a caution says and what a confirmation asks."""
    raw = problems.expect_mapping(
        path, top.get("warning_signs", LineDict()), top.line_of("warning_signs"), "warning_signs"
    )
    signs: dict[Sign, WarningSign] = {}
    if raw is None:
        return signs
    for key in sorted(set(raw) - {str(sign) for sign in Sign}):
        problems.add(path, raw.line_of(key), f"warning_signs: unknown sign {key!r}")
    for sign in Sign:
        if sign not in raw:
            problems.add(
                path, top.line_of("warning_signs"), f"warning_signs: missing {str(sign)!r}"
            )
            continue
        body = problems.expect_mapping(path, raw[sign], raw.line_of(sign), f"warning sign {sign}")
        if body is None or not problems.check_keys(
            path, body, _SIGN_KEYS, _SIGN_KEYS, f"warning sign {sign}"
        ):
            continue
        lines = {
            key: problems.expect_text(path, body[key], body.line_of(key), f"{sign}.{key}")
            for key in sorted(_SIGN_KEYS)
        }
        for key, text in lines.items():
            if text is not None and _words(text) > MAX_SPOKEN_WORDS:
                problems.add(
                    path,
                    body.line_of(key),
                    f"{sign}.{key} has {_words(text)} words; keep it to {MAX_SPOKEN_WORDS}",
                )
        heard, advice, confirm = lines["heard"], lines["advice"], lines["confirm"]
        if heard is not None and advice is not None and confirm is not None:
            signs[sign] = WarningSign(heard, advice, confirm)
    return signs


def _answers(
    problems: Problems, path: Path, top: LineDict, sections: tuple[str, ...]
) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    raw = problems.expect_mapping(
        path, top.get("answers", LineDict()), top.line_of("answers"), "answers"
    )
    if raw is None:
        return answers
    for key, body in raw.items():
        answer = _answer(problems, path, raw.line_of(key), key, body, sections)
        if answer is not None:
            answers[key] = answer
    for key, answer in answers.items():
        for other in answer.related:
            if other not in answers:
                problems.add(
                    path, raw.line_of(key), f"answer {key!r} relates to unknown answer {other!r}"
                )
    return answers


def _text_mapping(problems: Problems, path: Path, top: LineDict, name: str) -> dict[str, str]:
    raw = problems.expect_mapping(path, top.get(name, LineDict()), top.line_of(name), name)
    out: dict[str, str] = {}
    for key, value in (raw or {}).items():
        line = raw.line_of(key) if raw is not None else 0
        text = problems.expect_text(path, value, line, f"{name}: {key!r}")
        if text is not None:
            out[str(key)] = text
    return out


def _routine_script(problems: Problems, path: Path, top: LineDict) -> RoutineScript | None:
    raw = problems.expect_mapping(
        path, top.get("routine", LineDict()), top.line_of("routine"), "routine"
    )
    if raw is None:
        return None
    names = {f.name for f in fields(RoutineScript)}
    if not problems.check_keys(path, raw, names, names, "routine"):
        return None
    values: dict[str, str | tuple[str, ...]] = {}
    for name in sorted(names):
        line = raw.line_of(name)
        if name == "countdown":
            values[name] = tuple(
                problems.expect_text_list(path, raw[name], line, "routine: countdown")
            )
        else:
            values[name] = problems.expect_text(path, raw[name], line, f"routine: {name}") or ""
    return RoutineScript(**values)  # type: ignore[arg-type]


def _answer(
    problems: Problems, path: Path, line: int, key: str, body: object, sections: tuple[str, ...]
) -> Answer | None:
    mapping = problems.expect_mapping(path, body, line, f"answer {key!r}")
    if mapping is None:
        return None
    required = {"sources", "text", "ask"}
    if not problems.check_keys(path, mapping, _ANSWER_KEYS, required, f"answer {key!r}"):
        return None
    text = problems.expect_text(path, mapping["text"], mapping.line_of("text"), f"{key}.text")
    ask = problems.expect_text(path, mapping["ask"], mapping.line_of("ask"), f"{key}.ask")
    more = problems.expect_text_list(
        path, mapping.get("more", []), mapping.line_of("more"), f"{key}.more"
    )
    sources = problems.expect_text_list(
        path, mapping["sources"], mapping.line_of("sources"), f"{key}.sources"
    )
    related = problems.expect_text_list(
        path, mapping.get("related", []), mapping.line_of("related"), f"{key}.related"
    )
    if not sources:
        problems.add(path, mapping.line_of("sources"), f"answer {key!r} names no article section")
    for source in sources:
        if source not in sections:
            problems.add(
                path, mapping.line_of("sources"), f"answer {key!r}: unknown section {source!r}"
            )
    for part_key, part in [("text", text or ""), *(("more", m) for m in more)]:
        if _words(part) > MAX_SPOKEN_WORDS:
            problems.add(
                path,
                mapping.line_of(part_key),
                f"answer {key!r} has a part of {_words(part)} words; keep it to "
                f"{MAX_SPOKEN_WORDS} and move the rest to 'more'",
            )
    if text is None or ask is None:
        return None
    return Answer(key, text, tuple(more), tuple(sources), ask, tuple(related))


def load_off_topic(path: Path) -> tuple[str, ...]:
    """Questions the skill must not answer (``off_topic:``, a list of text), which the semantic
    layer keeps its readings away from; ``DataError`` listing every problem."""
    problems = Problems()
    top = problems.expect_mapping(path, load_yaml(path), 1, "the off-topic file")
    texts: list[str] = []
    if top is not None and problems.check_keys(
        path, top, {"off_topic"}, {"off_topic"}, "the off-topic file"
    ):
        texts = problems.expect_text_list(
            path, top["off_topic"], top.line_of("off_topic"), "off_topic"
        )
    problems.raise_if_any()
    return tuple(texts)
