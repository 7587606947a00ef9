"""The dialogue manager: from what the user said to what Neck Coach says back.

It owns the conversation's state: the current topic (so "tell me more", "what else" and "how
long does that last?" resolve against it), the last thing said (so "repeat" repeats it exactly),
and a pending question (a clarification, a routine choice, or a yes after a caution). Safety comes
first: any red-flag symptom gets the article's "see a doctor" advice before anything else, and no
routine starts on top of one without that caution.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from . import matcher as matching
from .data import SkillData
from .matcher import IntentMatch, Matcher, load_matcher
from .safety import detect_red_flags

_LOGGER = logging.getLogger(__name__)

MAX_INPUT_CHARS = 400
ROUTINE_CONTROLS = frozenset({"pause", "resume", "next", "previous", "slower", "faster"})
# What a running routine listens for; everything else is treated as a question.
IN_ROUTINE_INTENTS = ROUTINE_CONTROLS | {"stop", "repeat"}
# "How long does that last?" after these topics has an answer of its own.
_HOW_LONG = {"treatment.ice_heat": "treatment.ice_heat", "recovery": "spasm_duration"}
_DEFAULT_SUGGESTIONS = ("what causes neck spasms", "how long do neck spasms last")


@dataclass(frozen=True)
class Response:
    """Everything the front ends need about one turn."""

    transcript: str
    intent: str
    confidence: float
    text: str
    kind: str  # answer, caution, clarify, fallback, conversation, routine, control, goodbye
    sources: tuple[str, ...] = ()
    slots: Mapping[str, str] = field(default_factory=dict)
    red_flags: tuple[str, ...] = ()
    routine: str | None = None
    control: str | None = None
    end_session: bool = False

    @property
    def spoken(self) -> str:
        """The full text to speak: the answer, then the article section it comes from."""
        if not self.sources:
            return self.text
        return f"{self.text} Source: {', '.join(self.sources)}."

    def to_dict(self) -> dict[str, Any]:
        return {
            "transcript": self.transcript,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "slots": dict(self.slots),
            "answer": self.spoken,
            "sources": list(self.sources),
            "kind": self.kind,
            "red_flags": list(self.red_flags),
            "routine": self.routine,
            "control": self.control,
            "end_session": self.end_session,
        }


@dataclass
class _State:
    topic: str | None = None
    more_index: int = 0
    last_spoken: str | None = None
    pending_yes: str | None = None  # the routine to start on "yes"
    pending_options: tuple[IntentMatch, ...] = ()
    red_flag_seen: bool = False


class DialogueManager:
    """Answers one utterance at a time, keeping the conversation's context."""

    def __init__(
        self,
        data: SkillData,
        matcher: Matcher | None = None,
        threshold: float | None = None,
        clarify_margin: float | None = None,
    ) -> None:
        self.data = data
        self.matcher = matcher or load_matcher(data.intents)
        self.threshold = threshold if threshold is not None else matching.THRESHOLD
        self.clarify_margin = (
            clarify_margin if clarify_margin is not None else matching.CLARIFY_MARGIN
        )
        self._state = _State()
        self._in_routine = False

    def greeting(self) -> str:
        prompts = self.data.content
        return f"{prompts.prompt('welcome')} {prompts.prompt('disclaimer_once')}"

    def handle(self, text: str, in_routine: bool = False) -> Response:
        """Answer one utterance. Never raises for any text."""
        transcript = " ".join(text.split())[:MAX_INPUT_CHARS]
        self._in_routine = in_routine
        response = self._respond(transcript, in_routine)
        if response.intent != "repeat":
            self._state.last_spoken = response.spoken
        _LOGGER.debug("%r -> %s (%.2f)", transcript, response.intent, response.confidence)
        return response

    # -- resolving what was meant ------------------------------------------------------------

    def _respond(self, transcript: str, in_routine: bool) -> Response:
        if not matching.normalize(transcript):
            return self._prompt(transcript, "empty_input", "empty")
        flags = detect_red_flags(transcript)
        ranked = self._rank(transcript, in_routine)
        response = self._resolve(transcript, ranked, flagged=flags is not None)
        if flags is None:
            return response
        self._state.red_flag_seen = True
        return self._caution(response, flags.reasons)

    def _rank(self, transcript: str, in_routine: bool) -> list[IntentMatch]:
        if in_routine:
            controls = self.matcher.rank(transcript, allowed=set(IN_ROUTINE_INTENTS))
            if controls and controls[0].confidence >= self.threshold:
                return controls
        return self.matcher.rank(transcript)

    def _resolve(self, transcript: str, ranked: list[IntentMatch], flagged: bool) -> Response:
        pending = self._state.pending_options
        self._state.pending_options = ()
        top = ranked[0] if ranked else None
        if pending and top is not None and top.intent in {"yes", "no"}:
            if top.intent == "yes":
                return self._run(transcript, pending[0])
            return self._prompt(transcript, "start_over", "no")
        if top is None or top.confidence < self.threshold:
            if flagged:
                return self._answer(transcript, IntentMatch("when_doctor", 0.0), "when_doctor")
            return self._fallback(transcript, ranked)
        second = next((m for m in ranked[1:] if self._differs(top, m)), None)
        if (
            second is not None
            and top.confidence < 0.9
            and top.confidence - second.confidence < self.clarify_margin
        ):
            return self._clarify(transcript, top, second)
        return self._run(transcript, top)

    def _differs(self, a: IntentMatch, b: IntentMatch) -> bool:
        return self._answer_key(a) != self._answer_key(b) or a.intent != b.intent

    def _answer_key(self, match: IntentMatch) -> str | None:
        intent = self.data.intents.intents.get(match.intent)
        return intent.response_key(match.slots) if intent is not None else None

    # -- carrying it out ----------------------------------------------------------------------

    def _run(self, transcript: str, match: IntentMatch) -> Response:
        key = self._answer_key(match)
        if key is not None:
            return self._answer(transcript, match, key)
        intent = self.data.intents.intents[match.intent]
        action = intent.action or match.intent
        handler = getattr(self, f"_do_{action}", None)
        if handler is None:  # pragma: no cover - load_intents only allows known actions
            return self._fallback(transcript, [])
        result: Response = handler(transcript, match)
        return result

    def _answer(self, transcript: str, match: IntentMatch, key: str, part: int = 0) -> Response:
        answer = self.data.content.answers[key]
        self._state.topic, self._state.more_index = key, part
        return Response(
            transcript=transcript,
            intent=match.intent,
            confidence=match.confidence,
            text=answer.parts[part],
            kind="answer",
            sources=answer.sources,
            slots=dict(match.slots),
        )

    def _prompt(
        self,
        transcript: str,
        key: str,
        intent: str,
        match: IntentMatch | None = None,
        kind: str = "conversation",
        **values: str,
    ) -> Response:
        return Response(
            transcript=transcript,
            intent=intent,
            confidence=match.confidence if match else 0.0,
            text=self.data.content.prompt(key, **values),
            kind=kind,
        )

    def _fallback(self, transcript: str, ranked: list[IntentMatch]) -> Response:
        near = [
            self._label(m)
            for m in ranked
            if m.confidence >= self.threshold * 0.75 and self._answer_key(m) is not None
        ]
        near = [s for s in near if s] + list(_DEFAULT_SUGGESTIONS)
        first, second = near[0], next(s for s in near[1:] if s != near[0])
        response = self._prompt(
            transcript,
            "fallback",
            "fallback",
            kind="fallback",
            suggestion1=first,
            suggestion2=second,
        )
        return replace(response, confidence=ranked[0].confidence if ranked else 0.0)

    def _clarify(self, transcript: str, top: IntentMatch, second: IntentMatch) -> Response:
        self._state.pending_options = (top, second)
        return Response(
            transcript=transcript,
            intent="clarify",
            confidence=top.confidence,
            text=self.data.content.prompt(
                "clarify", option1=self._label(top), option2=self._label(second)
            ),
            kind="clarify",
        )

    def _caution(self, response: Response, reasons: tuple[str, ...]) -> Response:
        caution = self.data.content.prompt("red_flag")
        if response.kind == "routine":
            self._state.pending_yes = response.routine
            text = f"{caution} {self.data.content.prompt('red_flag_routine')}"
            return replace(response, text=text, kind="caution", routine=None, red_flags=reasons)
        return replace(
            response,
            text=f"{caution} {response.text}",
            red_flags=reasons,
            kind="caution" if response.kind in {"answer", "fallback"} else response.kind,
        )

    def _label(self, match: IntentMatch) -> str:
        return self.matcher.label(match.intent, match.slots)

    # -- actions ------------------------------------------------------------------------------

    def _do_help(self, transcript: str, match: IntentMatch) -> Response:
        return self._prompt(transcript, "help", "help", match)

    def _do_thanks(self, transcript: str, match: IntentMatch) -> Response:
        return self._prompt(transcript, "thanks", "thanks", match)

    def _do_goodbye(self, transcript: str, match: IntentMatch) -> Response:
        response = self._prompt(transcript, "goodbye", "goodbye", match, kind="goodbye")
        return replace(response, end_session=True)

    def _do_start_over(self, transcript: str, match: IntentMatch) -> Response:
        self._state = _State(last_spoken=self._state.last_spoken)
        return self._prompt(transcript, "start_over", "start_over", match)

    def _do_stop(self, transcript: str, match: IntentMatch) -> Response:
        return Response(transcript, "stop", match.confidence, "Okay.", "control", control="stop")

    def _do_repeat(self, transcript: str, match: IntentMatch) -> Response:
        if self._in_routine:
            return self._control(transcript, match)
        last = self._state.last_spoken
        if last is None:
            return self._prompt(transcript, "nothing_to_repeat", "repeat", match)
        return Response(transcript, "repeat", match.confidence, last, "conversation")

    def _do_more(self, transcript: str, match: IntentMatch) -> Response:
        topic = self._state.topic
        if topic is None:
            return replace(self._do_help(transcript, match), intent="more")
        answer = self.data.content.answers[topic]
        part = self._state.more_index + 1
        if part < len(answer.parts):
            response = self._answer(transcript, match, topic, part)
            return replace(response, intent="more")
        related = [self._answer_label(key) for key in answer.related]
        related_text = " or ".join(r for r in related if r) or "the treatments"
        return self._prompt(transcript, "no_more", "more", match, related=related_text)

    def _do_how_long(self, transcript: str, match: IntentMatch) -> Response:
        key = _HOW_LONG.get(self._state.topic or "", "spasm_duration")
        return replace(self._answer(transcript, match, key), intent="how_long")

    def _do_yes(self, transcript: str, match: IntentMatch) -> Response:
        routine, self._state.pending_yes = self._state.pending_yes, None
        if routine is not None:
            return self._start(transcript, match, routine)
        return self._prompt(transcript, "yes_no_without_question", "yes", match)

    def _do_no(self, transcript: str, match: IntentMatch) -> Response:
        if self._state.pending_yes is not None:
            self._state.pending_yes = None
            return self._prompt(transcript, "start_over", "no", match)
        return self._prompt(transcript, "yes_no_without_question", "no", match)

    def _do_list_routines(self, transcript: str, match: IntentMatch) -> Response:
        lines = [f"{r.title}: {r.summary}" for r in self.data.routines.values()]
        text = "I can guide you through " + " ".join(lines) + " Say the name of one to start."
        return Response(transcript, "list_routines", match.confidence, text, "conversation")

    def _do_start_routine(self, transcript: str, match: IntentMatch) -> Response:
        name = match.slots.get("routine")
        if name is None or name not in self.data.routines:
            titles = [r.title for r in self.data.routines.values()]
            choices = ", ".join(titles[:-1]) + f", or {titles[-1]}"
            return self._prompt(
                transcript, "routine_choice", "start_routine", match, routines=choices
            )
        if self._state.red_flag_seen:
            self._state.pending_yes = name
            text = self.data.content.prompt("red_flag_routine")
            caution = self.data.content.prompt("red_flag")
            return Response(
                transcript,
                "start_routine",
                match.confidence,
                f"{caution} {text}",
                "caution",
                slots=dict(match.slots),
            )
        return self._start(transcript, match, name)

    def _start(self, transcript: str, match: IntentMatch, name: str) -> Response:
        routine = self.data.routines[name]
        return Response(
            transcript=transcript,
            intent="start_routine",
            confidence=match.confidence,
            text=f"Starting the {routine.title[0].lower()}{routine.title[1:]}. {routine.intro}",
            kind="routine",
            slots={"routine": name},
            routine=name,
        )

    def _control(self, transcript: str, match: IntentMatch) -> Response:
        if not self._in_routine:
            return self._prompt(transcript, "not_in_routine", match.intent, match)
        return Response(
            transcript, match.intent, match.confidence, "", "control", control=match.intent
        )

    _do_pause = _do_resume = _do_next = _do_previous = _do_slower = _do_faster = _control

    def _answer_label(self, key: str) -> str:
        """How to ask for an answer: the label of the first intent that gives it."""
        for intent in self.data.intents.intents.values():
            if intent.response == key:
                return self.matcher.label(intent.name, {})
            if intent.response is not None and "{" in intent.response:
                prefix = intent.response.split("{", 1)[0]
                if key.startswith(prefix):
                    slot = intent.response.split("{", 1)[1].rstrip("}")
                    return self.matcher.label(intent.name, {slot: key[len(prefix) :]})
        return ""
