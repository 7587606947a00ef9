"""The terminal: how the conversation, routines, tables and errors look (rich).

``TerminalView`` is the session's ``View``: it lays out each ``Response`` (the answer, then its
article source, dimmed), captions what a routine says, shows a live countdown panel during a
routine, and sends notes and errors to stderr. It is the only thing that writes to the terminal.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from rich.console import Console
from rich.live import Live
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from audio.events import Transcript
from audio.synthesis import VoiceInfo
from skill.player_state import PlayerState, RunResult
from skill.response import Kind, Response
from skill.routines import Routine

from .routine_view import render_state

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
            self.print(f"[bold cyan]You:[/] {_escape(transcript.text)}")

    def said(self, response: Response) -> None:
        _LOGGER.info("%s %.2f %s", response.intent, response.confidence, response.kind)
        # A routine's opening is captioned line by line as the player speaks it.
        if response.kind is not Kind.ROUTINE and response.text:
            self.answer(response.text, response.sources)

    def caption(self, text: str) -> None:
        self.answer(text)

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

    def answer(self, text: str, sources: Sequence[str] = ()) -> None:
        self.print(f"[bold green]Neck Coach:[/] {_escape(text)}")
        if sources:
            self.print(f"[dim]  Source: {_escape(', '.join(sources))}.[/]")

    def note(self, text: str) -> None:
        print_note(text, self.err)

    def error(self, text: str) -> None:
        print_error(text, self.err)

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

    def voices(self, voices: Sequence[VoiceInfo]) -> None:
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


class FileProgress:
    """A progress bar on stderr for each long audio file being decoded."""

    def __init__(self, view: TerminalView) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            console=view.err,
            transient=True,
        )
        self._tasks: dict[Path, TaskID] = {}

    def __enter__(self) -> FileProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, path: Path, done: float, total: float) -> None:
        task = self._tasks.get(path)
        if task is None:
            task = self._tasks[path] = self._progress.add_task(_escape(path.name), total=total)
        self._progress.update(task, completed=done)


def _escape(text: str) -> str:
    """``text`` safe to print: no rich markup, and no control characters (escape sequences,
    NULs) that could reach the terminal from typed input or a file name."""
    from rich.markup import escape

    printable = "".join(c if c.isprintable() else " " for c in text)
    return escape(printable)


def print_note(text: str, console: Console | None = None) -> None:
    """A dimmed line on stderr: how things stand, not the conversation."""
    (console or _stderr()).print(f"[dim]{_escape(text)}[/]")


def print_error(text: str, console: Console | None = None) -> None:
    """What went wrong and what to do, on stderr."""
    (console or _stderr()).print(f"[bold red]Error:[/] {_escape(text)}")


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)
