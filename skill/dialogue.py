"""The dialogue manager: from what the user said to what Neck Coach says back.

It owns the conversation's state: the current topic (so "tell me more", "what else" and "how
long does that last?" resolve against it), the last thing said (so "repeat" repeats it exactly),
and a pending question (a clarification, a routine choice, a yes after a caution, or "did you
say ...?" about a warning sign). Safety comes first (``skill.safety`` judges every hypothesis
the recognizer had): a warning sign heard for certain gets the caution, naming it and saying
what to do, before anything else, and no routine starts on top of one without that caution; a
sign only possibly heard is asked back in one short question, and "yes" gives the caution and
then the answer to what was asked, "no" the answer alone.

What each action does lives in ``skill.actions``; how responses are worded in ``skill.replies``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace

from audio.events import Transcript

from . import matcher as matching
from .actions import Actions, DialogueState, PendingConfirmation
from .data import SkillData
from .matcher import IntentMatch, Matcher
from .matcher_cache import load_matcher
from .replies import Replies
from .response import Kind, Response
from .safety import check, signs_in
from .text import TOPIC_WORDS, has_content, normalize, question_tails
from .vocabulary import ACTIONS, ROUTINE_ONLY, Action, Control
from .warning_signs import Sign

_LOGGER = logging.getLogger(__name__)

MAX_INPUT_CHARS = 400
# What a running routine listens for; everything else is treated as a question.
IN_ROUTINE_INTENTS = frozenset(Control)
# A reading this sure is taken without asking, however close the next one is.
SURE_ENOUGH = 0.9


@dataclass(frozen=True)
class Thresholds:
    """How sure the dialogue must be to act."""

    answer: float = matching.THRESHOLD  # below: fall back
    clarify_margin: float = 0.03  # top two (different answers) this close, below SURE: ask


class DialogueManager:
    """Answers one utterance at a time, keeping the conversation's context."""

    def __init__(
        self,
        data: SkillData,
        matcher: Matcher | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.data = data
        self.matcher = matcher or load_matcher(data)
        self.thresholds = thresholds or Thresholds()
        self.replies = Replies(data.content, data.intents)
        self._state = DialogueState()
        self._actions = Actions(data, self.replies, self._state)

    def greeting(self) -> str:
        content = self.data.content
        return f"{content.prompt('welcome')} {content.prompt('disclaimer_once')}"

    def handle(
        self, text: str, in_routine: bool = False, heard: Transcript | None = None
    ) -> Response:
        """Answer one utterance. Never raises for any text.

        ``heard`` is what the recognizer made of the utterance when it was spoken: its other
        readings (``alternatives``) are judged by meaning when ``text`` itself means nothing
        the skill can answer, and every hypothesis it had (alternatives and partials) is
        judged for warning signs.
        """
        transcript = " ".join(text.split())[:MAX_INPUT_CHARS]
        self._state.in_routine = in_routine
        if heard is not None and len(heard.alternatives) > 1:
            transcript = self._best_reading(transcript, heard, in_routine)
        response = self._respond(transcript, in_routine, heard)
        if response.intent != Control.REPEAT and response.text:
            self._state.last_spoken = response.speech
        _LOGGER.debug("%r -> %s (%.2f)", transcript, response.intent, response.confidence)
        return response

    # -- resolving what was meant ------------------------------------------------------------

    def _respond(self, transcript: str, in_routine: bool, heard: Transcript | None) -> Response:
        pending, self._state.pending_confirmation = self._state.pending_confirmation, None
        if pending is not None:
            answered = self._confirmed(transcript, pending, in_routine)
            if answered is not None:
                return answered
        safety = check(transcript, heard)
        if safety.certain:
            return self._answer(transcript, in_routine, safety.certain, safety.rest)
        if safety.possible:
            # Neither silent nor a guess: ask, and answer what was asked once the person says.
            self._state.pending_confirmation = PendingConfirmation(
                transcript, safety.possible, safety.rest
            )
            self._state.pending_options = ()
            confidence = heard.confidence if heard is not None else 1.0
            return self.replies.confirm(transcript, safety.possible, confidence)
        if not has_content(transcript):
            # A lone "the" or "so" from the recognizer never starts, stops or changes anything.
            if in_routine:
                return self.replies.prompt(transcript, "empty_input", "empty", kind=Kind.CONTROL)
            return self.replies.prompt(transcript, "empty_input", "empty")
        return self._answer(transcript, in_routine, ())

    def _answer(
        self, transcript: str, in_routine: bool, signs: tuple[Sign, ...], rest: str = ""
    ) -> Response:
        """What ``transcript`` asks for, after the caution for ``signs`` if there are any.
        ``rest`` is the transcript without the words about a sign: when it reads more surely,
        the answer is to it."""
        ranked = self._rank(transcript, in_routine)
        if rest and rest != transcript:
            other = self._rank(rest, in_routine)
            if other and (not ranked or other[0].confidence > ranked[0].confidence):
                ranked = other
        if signs:
            # After a caution only what the matcher itself is sure of is answered: a reading a
            # second opinion rescued from the words around a symptom is too slight a guess.
            ranked = [match for match in ranked if not match.rescued]
        response = self._resolve(transcript, ranked)
        if not signs:
            return response
        if response.control is not None:
            # A symptom outranks steering: the routine stops and the caution comes first.
            response = self.replies.answer(
                transcript, IntentMatch("when_doctor", 0.0), "when_doctor"
            )
        self._state.red_flag_seen = True
        if response.kind is Kind.CLARIFY:
            # "Did you mean ...?" after a caution asks about nothing that matters now: the
            # caution is said alone, and the response says it answered nothing else.
            self._state.pending_options = ()
            response = replace(response, intent="fallback", kind=Kind.FALLBACK)
        if response.kind is Kind.ROUTINE:
            self._state.pending_routine = response.routine
        return self.replies.caution(response, signs)

    def _confirmed(
        self, transcript: str, pending: PendingConfirmation, in_routine: bool
    ) -> Response | None:
        """The answer to "did you say ...?": yes, the caution and then the answer to what was
        asked; no, that answer alone. None when the reply is neither (it is a new turn)."""
        ranked = self.matcher.rank(transcript)
        top = ranked[0] if ranked else None
        if top is None or top.confidence < self.thresholds.answer:
            return None
        if top.intent == Control.REPEAT:
            self._state.pending_confirmation = pending  # still waiting for the answer
            return None
        if top.intent == Action.YES:
            return self._answer(pending.transcript, in_routine, pending.signs, pending.rest)
        if top.intent == Action.NO:
            response = self._answer(pending.transcript, in_routine, (), pending.rest)
            if response.kind in {Kind.FALLBACK, Kind.CLARIFY}:
                # Nothing else clearly asked: say so rather than "I can't answer that" or "did
                # you mean ...?" about words that were misheard.
                self._state.pending_options = ()
                return self.replies.declined(transcript, in_routine)
            return response
        return None

    def _rank(self, transcript: str, in_routine: bool) -> list[IntentMatch]:
        """What ``transcript`` may mean, best first, with the question after a story."""
        ranked = self._rank_reading(transcript, in_routine)
        if self._sure(ranked) and not self._torn(ranked):
            return ranked
        return self._after_story(transcript, in_routine, ranked)

    def _rank_reading(self, transcript: str, in_routine: bool) -> list[IntentMatch]:
        """One reading as the matcher ranks it (in a routine, its controls first). The
        recognizer's other readings are ranked this way only: looking for a question after a
        story in each would cost a turn up to thirty rankings more."""
        if in_routine:
            controls = self.matcher.rank(transcript, allowed=set(IN_ROUTINE_INTENTS))
            if controls and controls[0].confidence >= self.thresholds.answer:
                return controls
        return self._ranked(transcript, in_routine)

    def _ranked(self, text: str, in_routine: bool) -> list[IntentMatch]:
        ranked = self.matcher.rank(text)
        if not in_routine:
            # Routine controls mean nothing outside a routine: never offer them as a reading.
            ranked = [m for m in ranked if m.intent not in ROUTINE_ONLY or m is ranked[0]]
        return ranked

    def _after_story(
        self, transcript: str, in_routine: bool, ranked: list[IntentMatch]
    ) -> list[IntentMatch]:
        """The ranking of the question a story ends with, when it reads more surely than the
        whole: "i've had three spasms since christmas and i'm sick of it, what can i do so it
        doesn't keep coming back". Only a story about the neck, and not someone else's question:
        the question's own words ("what could be behind it") say nothing of whose it is."""
        tails = question_tails(normalize(transcript))
        if not tails or not TOPIC_WORDS & set(self.matcher.canonical(transcript).split()):
            return ranked
        if self.matcher.off_topic(transcript):
            return ranked
        best = ranked[0].confidence if ranked else 0.0
        for tail in tails:
            other = self._ranked(tail, in_routine)
            if (
                self._sure(other)
                and not self._torn(other)
                and other[0].confidence > best
                and self._answers_alone(other[0])
            ):
                ranked, best = other, other[0].confidence
        return ranked

    @staticmethod
    def _answers_alone(match: IntentMatch) -> bool:
        """Whether a question cut from the end of a story may be answered as it reads: one of
        the article's answers with no slot ("what could be behind it" knows no cause), and
        neither a command ("what causes that" is no "more") nor a second opinion's rescue."""
        return match.intent not in ACTIONS and not match.slots and not match.rescued

    def _resolve(self, transcript: str, ranked: list[IntentMatch]) -> Response:
        pending, self._state.pending_options = self._state.pending_options, ()
        top = ranked[0] if ranked else None
        if pending and top is not None and top.intent in {Action.YES, Action.NO}:
            if top.intent == Action.YES:
                return self._actions.run(transcript, pending[0])
            return self.replies.prompt(transcript, "start_over", "no")
        if top is None or top.confidence < self.thresholds.answer:
            near = [m for m in ranked if m.confidence >= self.thresholds.answer * NEAR_FACTOR]
            return self.replies.fallback(transcript, near, top.confidence if top else 0.0)
        rival = self._rival(ranked)
        if rival is not None:
            self._state.pending_options = (top, rival)
            return self.replies.clarify(transcript, top, rival)
        return self._actions.run(transcript, top)

    def _best_reading(self, text: str, heard: Transcript, in_routine: bool) -> str:
        """The recognizer's first reading if the skill can answer it; else the reading that is
        answerable and most likely, weighing what each means against how surely it was heard.
        A first reading that reports a warning sign is kept. Off-topic speech keeps its own
        words: when a likely reading is someone else's question ("how do i strengthen my
        knees"), it is taken even over a first reading the skill could answer ("how do i
        strength in my neck"), since the recognizer's language model pulls unclear speech
        toward the skill's sentences and not away from them."""
        if signs_in(text, by_sound=False).hits:
            # A warning sign in the first reading keeps it: the sign stays certain.
            return text
        if not in_routine:
            # A routine's short commands mean nothing to the off-topic judge.
            off_topic = next(
                (
                    h.text
                    for h in heard.alternatives
                    if h.score >= OFF_TOPIC_READING and self.matcher.off_topic(h.text)
                ),
                None,
            )
            if off_topic is not None:
                _LOGGER.debug("heard %r, and likely %r: off-topic", text, off_topic)
                return off_topic
        if self._sure(self._rank(text, in_routine)):
            return text
        best, best_score = text, -math.inf
        likely = [h for h in heard.alternatives if h.score >= MIN_READING_POSTERIOR]
        self.matcher.prepare(h.text for h in likely)
        commands = FIRST_READING_ONLY if not in_routine and not self._waiting() else frozenset()
        for hypothesis in likely:
            ranked = self._rank_reading(hypothesis.text, in_routine)
            if not self._sure(ranked) or ranked[0].intent in commands:
                continue
            score = ranked[0].confidence + READING_WEIGHT * math.log(hypothesis.score)
            if score > best_score:
                best, best_score = hypothesis.text, score
        if best != text:
            _LOGGER.debug("heard %r, read %r", text, best)
        return best

    def _waiting(self) -> bool:
        """Whether the last response asked something a yes, a no or a choice answers."""
        state = self._state
        return bool(state.pending_confirmation or state.pending_options or state.pending_routine)

    def _sure(self, ranked: list[IntentMatch]) -> bool:
        return bool(ranked) and ranked[0].confidence >= self.thresholds.answer

    def _rival(self, ranked: list[IntentMatch]) -> IntentMatch | None:
        """The different reading too close to the best one to answer without asking, if any."""
        top = ranked[0]
        second = next((m for m in ranked[1:] if self._differs(top, m)), None)
        if (
            second is not None
            and top.confidence < SURE_ENOUGH
            and top.confidence - second.confidence < self.thresholds.clarify_margin
        ):
            return second
        return None

    def _torn(self, ranked: list[IntentMatch]) -> bool:
        return self._rival(ranked) is not None

    def _differs(self, a: IntentMatch, b: IntentMatch) -> bool:
        return a.intent != b.intent or self.replies.answer_key(a) != self.replies.answer_key(b)


# n-best by meaning: how much the recognizer's log posterior counts against the matcher's
# confidence, and the posterior below which a reading is too unlikely to take (development set).
READING_WEIGHT = 0.1
MIN_READING_POSTERIOR = 0.02
# Commands taken from the recognizer's first reading only, unless the conversation waits for a
# reply: each settles what was asked (yes, no) or ends or resets the conversation (goodbye, start
# over), and in a weaker reading of a longer, garbled utterance one is noise far more often than
# a command (development runs in 10 dB noise: "you sound like" taken for yes in a question about
# a song, and a goodbye found in a question about the kitchen lights; no spoken command needed
# it).
FIRST_READING_ONLY: frozenset[str] = frozenset(
    {Action.YES, Action.NO, Action.GOODBYE, Action.START_OVER}
)
# A reading this likely that is someone else's question makes the utterance off-topic (development
# runs in babble and pink noise at 10 dB: in-domain utterances almost never have one).
OFF_TOPIC_READING = 0.1
# Readings at least this fraction of the answer threshold are "near" enough to suggest.
NEAR_FACTOR = 0.75
