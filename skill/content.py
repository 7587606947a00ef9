"""The article's content as the skill speaks it.

``content/answers.yaml`` is parsed once into frozen dataclasses.

Each answer is written in the project's own words, is short enough to speak (a first part and
optional "tell me more" parts), and names the article sections it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError
from .yamlfile import LineDict, Problems, load_yaml

MAX_SPOKEN_WORDS = 40

_ANSWER_KEYS = {"sources", "text", "more", "related"}


@dataclass(frozen=True)
class Answer:
    key: str
    text: str
    more: tuple[str, ...]
    sources: tuple[str, ...]
    related: tuple[str, ...] = ()

    @property
    def parts(self) -> tuple[str, ...]:
        return (self.text, *self.more)


@dataclass(frozen=True)
class Content:
    sections: tuple[str, ...]
    answers: Mapping[str, Answer]
    prompts: Mapping[str, str]

    def prompt(self, key: str, **values: str) -> str:
        """A conversation prompt with its ``{placeholders}`` filled in."""
        text = self.prompts.get(key, "")
        try:
            return text.format(**values)
        except (KeyError, IndexError):
            return text


REQUIRED_PROMPTS = (
    "welcome",
    "disclaimer_once",
    "help",
    "fallback",
    "clarify",
    "red_flag",
    "red_flag_routine",
    "nothing_to_repeat",
    "no_more",
    "goodbye",
    "thanks",
    "yes_no_without_question",
    "start_over",
    "routine_choice",
    "routine_stopped",
    "routine_done",
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
    problems.check_keys(
        path,
        top,
        {"sections", "answers", "prompts"},
        {"sections", "answers", "prompts"},
        "the file",
    )
    sections = tuple(
        problems.expect_text_list(
            path, top.get("sections", []), top.line_of("sections"), "sections"
        )
    )
    answers: dict[str, Answer] = {}
    raw_answers = problems.expect_mapping(
        path, top.get("answers", LineDict()), top.line_of("answers"), "answers"
    )
    for key, body in (raw_answers or {}).items():
        line = raw_answers.line_of(key) if raw_answers is not None else 0
        answer = _answer(problems, path, line, key, body, sections)
        if answer is not None:
            answers[key] = answer
    for key, answer in answers.items():
        for other in answer.related:
            if other not in answers:
                problems.add(path, 0, f"answer {key!r} relates to unknown answer {other!r}")
    prompts: dict[str, str] = {}
    raw_prompts = problems.expect_mapping(
        path, top.get("prompts", LineDict()), top.line_of("prompts"), "prompts"
    )
    if raw_prompts is not None:
        for key, value in raw_prompts.items():
            text = problems.expect_text(path, value, raw_prompts.line_of(key), f"prompt {key!r}")
            if text is not None:
                prompts[key] = text
        for key in REQUIRED_PROMPTS:
            if key not in prompts:
                problems.add(path, raw_prompts.line, f"missing prompt {key!r}")
    problems.raise_if_any()
    return Content(sections=sections, answers=answers, prompts=prompts)


def _answer(
    problems: Problems, path: Path, line: int, key: str, body: object, sections: tuple[str, ...]
) -> Answer | None:
    mapping = problems.expect_mapping(path, body, line, f"answer {key!r}")
    if mapping is None:
        return None
    if not problems.check_keys(path, mapping, _ANSWER_KEYS, {"sources", "text"}, f"answer {key!r}"):
        return None
    text = problems.expect_text(path, mapping["text"], mapping.line_of("text"), f"{key}.text")
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
    if text is None:
        return None
    return Answer(key, text, tuple(more), tuple(sources), tuple(related))
