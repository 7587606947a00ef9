"""What each dialogue action does: answering, follow-ups, yes and no, routines, controls.

``Actions.run`` carries out one chosen reading (an ``IntentMatch``): an intent with an article
answer answers; an intent with an action runs its handler, one per ``Action`` and ``Control``
in ``skill.vocabulary``. Handlers read and change the ``DialogueState`` the dialogue manager
owns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .data import SkillData
from .matcher import IntentMatch
from .replies import Replies
from .response import Kind, Response
from .vocabulary import ROUTINE_ONLY, Action, Control
from .warning_signs import Sign

# "How long does that last?" after these topics has an answer of its own.
_HOW_LONG = {"treatment.ice_heat": "treatment.ice_heat", "recovery": "spasm_duration"}

Handler = Callable[[str, IntentMatch], Response]


@dataclass(frozen=True)
class PendingConfirmation:
    """A warning sign possibly heard and asked about: what was said, and which signs."""

    transcript: str
    signs: tuple[Sign, ...]
    rest: str  # what else was asked (``SafetyCheck.rest``)


@dataclass
class DialogueState:
    """What the conversation remembers between turns."""

    topic: str | None = None
    more_index: int = 0
    last_spoken: str | None = None
    pending_routine: str | None = None  # the routine to start on "yes" (after a caution)
    pending_options: tuple[IntentMatch, ...] = ()  # the readings a clarification offered
    pending_confirmation: PendingConfirmation | None = None  # "did you say ...?" was asked
    red_flag_seen: bool = False
    in_routine: bool = False

    def forget(self) -> None:
        """Start over: everything but what was last said (so "repeat" still works) and whether a
        routine runs."""
        fresh = DialogueState(last_spoken=self.last_spoken, in_routine=self.in_routine)
        vars(self).update(vars(fresh))


class Actions:
    """The handlers, one per action, over shared dialogue state."""

    def __init__(self, data: SkillData, replies: Replies, state: DialogueState) -> None:
        self._data = data
        self._replies = replies
        self._state = state
        self._handlers: dict[str, Handler] = {
            Action.HELP: self._help,
            Action.MORE: self._more,
            Action.HOW_LONG: self._how_long,
            Action.START_OVER: self._start_over,
            Action.GOODBYE: self._goodbye,
            Action.GREET: self._greet,
            Action.YES: self._yes,
            Action.NO: self._no,
            Action.THANKS: self._thanks,
            Action.LIST_ROUTINES: self._list_routines,
            Action.START_ROUTINE: self._start_routine,
            Control.STOP: self._stop,
            Control.REPEAT: self._repeat,
            **{control: self._control for control in ROUTINE_ONLY},
        }

    def run(self, transcript: str, match: IntentMatch) -> Response:
        key = self._replies.answer_key(match)
        if key is not None:
            return self.answer(transcript, match, key)
        action = self._data.intents.intents[match.intent].action or match.intent
        return self._handlers[action](transcript, match)

    def answer(self, transcript: str, match: IntentMatch, key: str, part: int = 0) -> Response:
        self._state.topic, self._state.more_index = key, part
        return self._replies.answer(transcript, match, key, part)

    def _prompt(self, transcript: str, key: str, match: IntentMatch, **values: str) -> Response:
        return self._replies.prompt(transcript, key, match.intent, match.confidence, values=values)

    def _help(self, transcript: str, match: IntentMatch) -> Response:
        return self._prompt(transcript, "help", match)

    def _greet(self, transcript: str, match: IntentMatch) -> Response:
        return self._prompt(transcript, "greeting", match)

    def _thanks(self, transcript: str, match: IntentMatch) -> Response:
        return self._prompt(transcript, "thanks", match)

    def _goodbye(self, transcript: str, match: IntentMatch) -> Response:
        response = self._prompt(transcript, "goodbye", match)
        return replace(response, kind=Kind.GOODBYE, end_session=True)

    def _start_over(self, transcript: str, match: IntentMatch) -> Response:
        self._state.forget()
        return self._prompt(transcript, "start_over", match)

    def _stop(self, transcript: str, match: IntentMatch) -> Response:
        text = self._replies.content.prompt("stopped_speaking")
        return Response(
            transcript, match.intent, match.confidence, text, Kind.CONTROL, control=Control.STOP
        )

    def _repeat(self, transcript: str, match: IntentMatch) -> Response:
        if self._state.in_routine:
            return self._control(transcript, match)
        last = self._state.last_spoken
        if last is None:
            return self._prompt(transcript, "nothing_to_repeat", match)
        return Response(transcript, match.intent, match.confidence, last, Kind.CONVERSATION)

    def _more(self, transcript: str, match: IntentMatch) -> Response:
        topic = self._state.topic
        if topic is None:
            return self._help(transcript, match)
        answer = self._data.content.answers[topic]
        part = self._state.more_index + 1
        if part < len(answer.parts):
            return replace(self.answer(transcript, match, topic, part), intent=match.intent)
        asks = [self._replies.ask_for_answer(key) for key in answer.related]
        related = ", or ".join(a for a in asks if a) or self._data.content.suggestions[0]
        return self._prompt(transcript, "no_more", match, related=related)

    def _how_long(self, transcript: str, match: IntentMatch) -> Response:
        key = _HOW_LONG.get(self._state.topic or "", "spasm_duration")
        return replace(self.answer(transcript, match, key), intent=match.intent)

    def _yes(self, transcript: str, match: IntentMatch) -> Response:
        routine, self._state.pending_routine = self._state.pending_routine, None
        if routine is not None:
            return self._start(transcript, match, routine)
        return self._prompt(transcript, "yes_no_without_question", match)

    def _no(self, transcript: str, match: IntentMatch) -> Response:
        if self._state.pending_routine is not None:
            self._state.pending_routine = None
            return self._prompt(transcript, "start_over", match)
        return self._prompt(transcript, "yes_no_without_question", match)

    def _list_routines(self, transcript: str, match: IntentMatch) -> Response:
        lines = " ".join(f"{r.title}: {r.summary}" for r in self._data.routines.values())
        return self._prompt(transcript, "list_routines", match, routines=lines)

    def _start_routine(self, transcript: str, match: IntentMatch) -> Response:
        name = match.slots.get("routine")
        if name is None or name not in self._data.routines:
            titles = [r.title for r in self._data.routines.values()]
            choices = ", ".join(titles[:-1]) + f", or {titles[-1]}"
            return self._prompt(transcript, "routine_choice", match, routines=choices)
        if self._state.red_flag_seen:
            self._state.pending_routine = name
            content = self._data.content
            text = f"{content.prompt('red_flag')} {content.prompt('red_flag_routine')}"
            return Response(
                transcript,
                match.intent,
                match.confidence,
                text,
                Kind.CAUTION,
                slots=dict(match.slots),
            )
        return self._start(transcript, match, name)

    def _start(self, transcript: str, match: IntentMatch, name: str) -> Response:
        routine = self._data.routines[name]
        title = routine.title[0].lower() + routine.title[1:]
        opening = self._data.content.prompt("routine_start", title=title)
        return Response(
            transcript=transcript,
            intent=Action.START_ROUTINE,
            confidence=match.confidence,
            text=f"{opening} {routine.intro}",
            kind=Kind.ROUTINE,
            slots={"routine": name},
            routine=name,
        )

    def _control(self, transcript: str, match: IntentMatch) -> Response:
        if not self._state.in_routine:
            return self._prompt(transcript, "not_in_routine", match)
        return Response(
            transcript, match.intent, match.confidence, "", Kind.CONTROL, control=match.intent
        )
