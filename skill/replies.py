"""Building ``Response``s from the content: answers, prompts, fallbacks, clarifications, cautions.

Everything said comes from ``content/answers.yaml``; this module only fills it in. Suggestions
and clarifications use the curated ``ask`` phrasing of each answer (and the ``actions`` words),
never fragments of template sentences, so they are sentences a person would say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from .content import CAUTION_SOURCE, Content
from .intents import IntentSet
from .matcher import IntentMatch
from .response import Kind, Response
from .warning_signs import Sign


class Replies:
    """Turns decisions into ``Response``s with the content's own words."""

    def __init__(self, content: Content, intents: IntentSet) -> None:
        self.content = content
        self._intents = intents

    def answer(self, transcript: str, match: IntentMatch, key: str, part: int = 0) -> Response:
        answer = self.content.answers[key]
        return Response(
            transcript=transcript,
            intent=match.intent,
            confidence=match.confidence,
            text=answer.parts[part],
            kind=Kind.ANSWER,
            sources=answer.sources,
            source_line=self.content.prompt("source_line", sections=", ".join(answer.sources)),
            slots=dict(match.slots),
        )

    def prompt(
        self,
        transcript: str,
        key: str,
        intent: str,
        confidence: float = 0.0,
        kind: Kind = Kind.CONVERSATION,
        values: Mapping[str, str] | None = None,
    ) -> Response:
        return Response(
            transcript=transcript,
            intent=intent,
            confidence=confidence,
            text=self.content.prompt(key, **(values or {})),
            kind=kind,
        )

    def fallback(self, transcript: str, near: list[IntentMatch], confidence: float) -> Response:
        """ "I can't answer that", with two questions it can answer: the nearest answers' own
        questions first, then the curated suggestions."""
        asks = [self.ask_for(m) for m in near if self.answer_key(m) is not None]
        offered = list(dict.fromkeys([a for a in asks if a] + list(self.content.suggestions)))
        return self.prompt(
            transcript,
            "fallback",
            "fallback",
            confidence,
            Kind.FALLBACK,
            {"suggestion1": offered[0], "suggestion2": offered[1]},
        )

    def clarify(self, transcript: str, top: IntentMatch, second: IntentMatch) -> Response:
        return self.prompt(
            transcript,
            "clarify",
            "clarify",
            top.confidence,
            Kind.CLARIFY,
            {"option1": self.ask_for(top), "option2": self.ask_for(second)},
        )

    def caution(self, response: Response, signs: Sequence[Sign]) -> Response:
        """The caution first, naming what was heard and what to do, then the answer if there is
        one; a routine waits for a yes instead of starting, and a routine control waits too."""
        caution = self.caution_text(signs)
        flags = tuple(str(sign) for sign in signs)
        if response.kind in {Kind.ROUTINE, Kind.CAUTION}:
            # A routine asked for (a caution already is one held back after an earlier sign).
            text = f"{caution} {self.content.prompt('red_flag_routine')}"
            return replace(response, text=text, kind=Kind.CAUTION, routine=None, red_flags=flags)
        if response.kind in {Kind.FALLBACK, Kind.CONTROL} or response.control is not None:
            # Nothing to answer, or a control that a warning sign overrides: the caution alone,
            # citing where the article gives the warning signs.
            cited = self.content.answers.get(CAUTION_SOURCE)
            sources = cited.sources if cited is not None else ()
            return replace(
                response,
                text=caution,
                kind=Kind.CAUTION,
                control=None,
                sources=sources,
                source_line=(
                    self.content.prompt("source_line", sections=", ".join(sources))
                    if sources
                    else ""
                ),
                red_flags=flags,
            )
        kind = Kind.CAUTION if response.kind is Kind.ANSWER else response.kind
        return replace(response, text=f"{caution} {response.text}", red_flags=flags, kind=kind)

    def caution_text(self, signs: Sequence[Sign]) -> str:
        """ "You mentioned weakness in your arm or hand." and what to do about it."""
        lines = [self.content.warning_signs[sign] for sign in signs]
        heard = self.content.prompt("red_flag_heard", signs=_join([s.heard for s in lines]))
        if len(lines) == 1:
            return f"{heard} {lines[0].advice}"
        return f"{heard} {self.content.prompt('red_flag')}"

    def confirm(self, transcript: str, signs: Sequence[Sign], confidence: float) -> Response:
        """One short question naming the sign that was possibly heard."""
        lines = [self.content.warning_signs[sign] for sign in signs]
        if len(lines) == 1:
            text = lines[0].confirm
        else:
            text = self.content.prompt("confirm_several", signs=_join([s.heard for s in lines]))
        return Response(
            transcript=transcript,
            intent="confirm",
            confidence=confidence,
            text=text,
            kind=Kind.CONFIRM,
            possible_red_flags=tuple(str(sign) for sign in signs),
        )

    def declined(self, transcript: str, in_routine: bool) -> Response:
        """ "No" to a confirmation about something that asked nothing else."""
        key = "confirm_declined_routine" if in_routine else "confirm_declined"
        return self.prompt(transcript, key, "no")

    def answer_key(self, match: IntentMatch) -> str | None:
        intent = self._intents.intents.get(match.intent)
        return intent.response_key(match.slots) if intent is not None else None

    def ask_for(self, match: IntentMatch) -> str:
        """How a person would ask for what ``match`` gives: an answer's ``ask``, or the words for
        an action."""
        key = self.answer_key(match)
        if key is not None and key in self.content.answers:
            return self.content.answers[key].ask
        intent = self._intents.intents.get(match.intent)
        action = intent.action if intent is not None else None
        return self.content.actions.get(action or "", "")

    def ask_for_answer(self, key: str) -> str:
        answer = self.content.answers.get(key)
        return answer.ask if answer is not None else ""


def _join(parts: Sequence[str]) -> str:
    """ "a", "a, and b", "a, b, and c": the list as said aloud."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f", and {parts[-1]}"
