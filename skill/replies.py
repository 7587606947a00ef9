"""Building ``Response``s from the content: answers, prompts, fallbacks, clarifications, cautions.

Everything said comes from ``content/answers.yaml``; this module only fills it in. Suggestions
and clarifications use the curated ``ask`` phrasing of each answer (and the ``actions`` words),
never fragments of template sentences, so they are sentences a person would say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from .content import Content
from .intents import IntentSet
from .matcher import IntentMatch
from .response import Kind, Response


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

    def caution(self, response: Response, reasons: tuple[str, ...]) -> Response:
        """ "See a doctor" before anything else; a routine waits for a yes instead of starting."""
        caution = self.content.prompt("red_flag")
        if response.kind is Kind.ROUTINE:
            text = f"{caution} {self.content.prompt('red_flag_routine')}"
            return replace(response, text=text, kind=Kind.CAUTION, routine=None, red_flags=reasons)
        kind = Kind.CAUTION if response.kind in {Kind.ANSWER, Kind.FALLBACK} else response.kind
        return replace(response, text=f"{caution} {response.text}", red_flags=reasons, kind=kind)

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
