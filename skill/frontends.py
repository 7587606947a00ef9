"""The front ends a session plugs in: the terminal (rich), the keyboard, and the audio parts.

This is where the CLI composes ``audio`` (ears and mouth) with the brain. No sound is processed
here: recognition, capture, synthesis and playback stay in ``audio``; this module only wires
them to the ``Listener`` and ``Voice`` shapes the session expects.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn
from rich.table import Table

from audio.events import Transcript

if TYPE_CHECKING:
    from audio.strategies import SpeechToText

from .dialogue import IN_ROUTINE_INTENTS, Response
from .errors import AudioError, ModelError, NeckCoachError
from .keys import KeyReader, parse_line
from .matcher import Matcher
from .player import Control, PlayerState, RoutinePlayer, RunResult, Voice
from .routine_view import render_state
from .routines import Routine

_LOGGER = logging.getLogger(__name__)


class TerminalView:
    """Shows the conversation: answers, their sources, routine progress, errors."""

    def __init__(self, console: Console | None = None) -> None:
        # soft_wrap: long answers stay one line in pipes and logs; terminals wrap them anyway.
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)
        self._live: Live | None = None
        self.prompt_for_typing = sys.stdin.isatty()

    # -- the session's View --------------------------------------------------------------------

    def heard(self, transcript: Transcript) -> None:
        if transcript.source != "keyboard" or not self.console.is_terminal:
            self.print(f"[bold cyan]You:[/] {transcript.text}")

    def said(self, response: Response) -> None:
        _LOGGER.info("%s %.2f %s", response.intent, response.confidence, response.kind)

    def routine_started(self, title: str) -> None:
        if self.console.is_terminal:
            self._live = Live(console=self.console, refresh_per_second=8, transient=True)
            self._live.start()

    def routine_state(self, state: PlayerState) -> None:
        if self._live is not None:
            self._live.update(render_state(state))

    def ready(self) -> None:
        """Invite the next typed question (voice mode shows its own listening state)."""
        if self.prompt_for_typing and self.console.is_terminal:
            self.console.print("[bold cyan]You:[/] ", end="")

    def close(self) -> None:
        """Put the terminal back as it was (the live routine view hides the cursor)."""
        if self._live is not None:
            self._live.stop()
            self._live = None

    def routine_ended(self, result: RunResult) -> None:
        self.close()
        verdict = "finished" if result.completed else "stopped"
        self.note(f"Routine {verdict} after {result.steps_done} step(s).")

    # -- output for the commands ---------------------------------------------------------------

    def print(self, markup: str) -> None:
        target = self._live.console if self._live is not None else self.console
        target.print(markup)

    def answer(self, text: str) -> None:
        body, _, source = text.partition(" Source: ")
        self.print(f"[bold green]Neck Coach:[/] {_escape(body)}")
        if source:
            self.print(f"[dim]  Source: {_escape(source)}[/]")

    def note(self, text: str) -> None:
        self.err.print(f"[dim]{_escape(text)}[/]")

    def error(self, text: str) -> None:
        self.err.print(f"[bold red]Error:[/] {_escape(text)}")

    def partial(self, text: str) -> None:
        if self.console.is_terminal:
            self.console.print(f"[dim]… {_escape(text)}[/]", end="\r")

    def state(self, text: str) -> None:
        self.note(text)

    def routines(self, routines: Iterable[Routine]) -> None:
        table = Table(title="Stretch routines", show_lines=False)
        for column in ("name", "title", "level", "position", "minutes", "summary"):
            table.add_column(column)
        for r in routines:
            minutes = f"{r.estimated_seconds / 60:.0f}"
            table.add_row(r.name, r.title, r.level, r.position, minutes, r.summary)
        self.console.print(table)

    def voices(self, voices: Sequence[Any]) -> None:
        table = Table(title="Speech voices")
        table.add_column("id")
        table.add_column("name")
        for v in voices:
            table.add_row(v.id, v.name)
        self.console.print(table)

    def download(self, run: Callable[[Callable[[int, int], None]], Path]) -> Path:
        columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn())
        with Progress(*columns, console=self.err) as progress:
            task = progress.add_task("model", total=None)

            def update(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total or None)

            return run(update)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


class EchoVoice:
    """Prints everything said; speaks it too when a real voice is attached."""

    def __init__(self, view: TerminalView, speech: Voice | None) -> None:
        self._view = view
        self._speech = speech
        self.current_text = ""

    def say(self, text: str) -> bool:
        self._view.answer(text)
        if self._speech is None:
            return True
        self.current_text = text
        try:
            return self._speech.say(text)
        except AudioError as error:
            self._view.note(f"Speech is off: {error}")
            self._speech = None
            return True
        finally:
            self.current_text = ""

    def stop(self) -> None:
        if self._speech is not None:
            self._speech.stop()

    @property
    def speaking(self) -> threading.Event | None:
        return getattr(self._speech, "speaking", None)


def make_voice(args: argparse.Namespace, view: TerminalView) -> EchoVoice:
    """The mouth: printed text, plus speech unless --mute or speech is unavailable (warned once)."""
    if args.mute:
        return EchoVoice(view, None)
    try:
        from audio.playback import Player
        from audio.speech import Speech
        from audio.synthesis import Synthesizer

        synthesizer = Synthesizer(voice=args.voice, rate=args.rate, volume=args.volume)
        synthesizer.voice_id  # noqa: B018 - fail now on an unknown voice, not mid-answer
        player = Player()
        return EchoVoice(view, Speech(synthesizer, player))
    except AudioError as error:
        view.note(f"Speech is off, answers are printed only: {error}")
        return EchoVoice(view, None)


class KeyboardListener:
    """Typed lines, from a terminal or a pipe; None at the end of input."""

    def __init__(self, view: TerminalView, stream: IO[str] | None = None) -> None:
        self._view = view
        self._stream = stream or sys.stdin

    def listen(self) -> Transcript | None:
        line = self._stream.readline()
        if not line:
            return None
        text = line.strip()
        control = parse_line(text)
        if control is not None and len(text) <= 2:
            text = control.value  # single keys typed during a routine
        return Transcript(text, source="keyboard")


def routine_keys(stream: TextIO) -> Callable[[RoutinePlayer], Callable[[], None]]:
    """Keyboard controls for a routine run on its own: keys on a terminal, words in a pipe."""

    def start(player: RoutinePlayer) -> Callable[[], None]:
        def deliver(control: Control) -> None:
            player.control(control)

        reader = KeyReader(stream, deliver)
        reader.start()
        return reader.stop

    return start


def voice_available(args: argparse.Namespace) -> tuple[bool, str]:
    """Whether voice mode can start: a microphone and a complete model. Says why not."""
    from audio import model
    from audio.microphone import has_microphone

    ok, reason = has_microphone()
    if not ok:
        return False, reason
    try:
        model.check_model(model.locate_model(args.model))
    except ModelError as error:
        return False, str(error)
    return True, ""


def _model(args: argparse.Namespace) -> Any:
    from audio import model

    return model.load_model(model.locate_model(args.model))


def make_stt(args: argparse.Namespace, matcher: Matcher, source: str) -> SpeechToText:
    """The ears for --strategy, expecting the sentences the intent templates make."""
    from audio.strategies import make_recognizer

    return make_recognizer(
        args.strategy, _model(args), matcher.spoken_sentences, source=source, judge=matcher.judge
    )


def transcribe_files(
    args: argparse.Namespace, matcher: Matcher, paths: Sequence[Path]
) -> Iterator[Transcript | NeckCoachError]:
    """Each file's transcript in order (the model is loaded once); a bad file yields its error
    so the other files still get their answer."""
    from audio.wavfile import read_wav

    stt = make_stt(args, matcher, source="file")
    for path in paths:
        try:
            transcript = stt.transcribe(read_wav(path))
        except AudioError as error:
            yield error
            continue
        yield replace(transcript, source=str(path))


class MicrophoneListener:
    """Utterances from the microphone, recognized by Vosk, with a visible listening state.

    It has two modes: the conversation, with the full recognition strategy, and a running
    routine, with a small grammar of the routine controls so they are heard quickly and
    reliably; in both, barge-in words cut the speech short.
    """

    def __init__(
        self, mic: Any, endpointer: Any, view: TerminalView, voice: Voice, modes: dict[str, Any]
    ) -> None:
        self._mic = mic
        self._voice = voice
        self._endpointer = endpointer
        self._view = view
        self._modes = modes
        self._mode = "conversation"
        self._fallback: KeyboardListener | None = None

    @classmethod
    def open(
        cls, args: argparse.Namespace, view: TerminalView, voice: Voice, matcher: Matcher
    ) -> MicrophoneListener:
        from audio.bargein import BARGE_IN_WORDS, BargeIn
        from audio.endpoint import Endpointer
        from audio.microphone import Microphone, find_device
        from audio.recognizer import Recognizer
        from audio.strategies import Hybrid

        mic = Microphone(device=find_device(args.device))
        model = _model(args)
        controls = matcher.spoken_for(IN_ROUTINE_INTENTS)
        own_words: Callable[[], str] = lambda: getattr(voice, "current_text", "")  # noqa: E731
        conversation = make_stt(args, matcher, source="microphone")
        modes = {
            "conversation": (conversation, BargeIn(model, own_words)),
            # The control grammar decides when it is sure; anything else (a question, goodbye)
            # is still heard in full, so nothing said during a routine is lost.
            "routine": (
                Hybrid(Recognizer(model, grammar=controls, source="microphone"), conversation),
                BargeIn(model, own_words, words=(*BARGE_IN_WORDS, *controls)),
            ),
        }
        mic.start()
        listener = cls(mic, Endpointer(), view, voice, modes)
        speaking = getattr(voice, "speaking", None)
        if speaking is not None:
            # Half-duplex: while the mouth speaks, what the microphone hears only goes to the
            # barge-in listener, never into an utterance.
            mic.muted = speaking
        listener.set_routine_mode(False)
        return listener

    def set_routine_mode(self, running: bool) -> None:
        """Listen for routine controls only (True) or for the whole conversation (False)."""
        self._mode = "routine" if running else "conversation"
        if getattr(self._voice, "speaking", None) is not None:
            self._mic.while_muted = self._modes[self._mode][1]

    def with_keyboard_fallback(self, keyboard: KeyboardListener) -> MicrophoneListener:
        self._fallback = keyboard
        self._view.prompt_for_typing = False
        return self

    def listen(self) -> Transcript | None:
        from audio.bargein import BargeInHeard
        from audio.microphone import listen

        if self._fallback is not None and self._mic is None:
            return self._fallback.listen()
        if self._mode == "conversation":
            self._view.state("Listening…")
        recognizer = self._modes[self._mode][0]
        try:
            transcript: Transcript = listen(
                self._mic, recognizer, self._endpointer, on_partial=self._view.partial
            )
        except BargeInHeard as heard:
            self._voice.stop()
            return Transcript(heard.word, source="microphone")
        except AudioError as error:
            self._view.error(f"{error} Carrying on with the keyboard.")
            self._mic = None
            self._view.prompt_for_typing = True
            return self._fallback.listen() if self._fallback is not None else None
        return transcript
