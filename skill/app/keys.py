"""Keyboard and typed-word controls for a running routine, and the thread that reads them.

On a terminal single key presses act at once (cbreak mode, restored on exit); from a pipe each
line is a word or a key. Typed words are the control intents' own sentences (``control_words`` in
``skill.app.keyboard``), so the keyboard understands what the voice does.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import os
import re
import select
import threading
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, TextIO

from skill.vocabulary import Control

_LOGGER = logging.getLogger(__name__)

ESCAPE = "\x1b"

# The pause key toggles: the player treats PAUSE while paused as resume.
KEYMAP: dict[str, Control] = {
    " ": Control.PAUSE,
    "p": Control.PAUSE,
    "n": Control.NEXT,
    "b": Control.PREVIOUS,
    "r": Control.REPEAT,
    "s": Control.SLOWER,
    "-": Control.SLOWER,
    "f": Control.FASTER,
    "+": Control.FASTER,
    "q": Control.STOP,
    ESCAPE: Control.STOP,
}

LEGEND = "space pause · n next · b back · r repeat · s slower · f faster · q stop"

# Politeness and filler people type around a control word; dropped before the lookup.
_FILLER = {"please", "now", "ok", "okay", "the", "a", "bit", "little", "thanks"}
_POLL_SECONDS = 0.1
_ESCAPE_SEQUENCE_SECONDS = 0.05


def control_phrase(text: str) -> str:
    """A typed line as a lookup key: lower case, filler and punctuation dropped."""
    words = [w for w in re.sub(r"[^a-z+\-' ]+", " ", text.lower()).split() if w not in _FILLER]
    return " ".join(words)


def parse_line(text: str, words: Mapping[str, Control]) -> Control | None:
    """The control a typed line asks for ("go back", "n", "Stop please."), or None. ``words``
    are the control intents' sentences (``control_words``)."""
    phrase = control_phrase(text)
    return words.get(phrase) or KEYMAP.get(phrase)


class KeyReader:
    """Reads controls from ``stream`` on a thread and hands each to ``on_control``.

    Use it as a context manager (or call ``start`` and ``stop``) so a terminal is always put
    back in its normal mode, even when Ctrl-C ends the program.
    """

    def __init__(
        self,
        stream: TextIO,
        on_control: Callable[[Control], None],
        words: Mapping[str, Control],
    ) -> None:
        self._stream = stream
        self._words = words
        self._on_control = on_control
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._saved_mode: list[Any] | None = None
        self._fd = _fileno(stream)

    @property
    def is_terminal(self) -> bool:
        return self._fd is not None and os.isatty(self._fd)

    def start(self) -> None:
        if self._thread is not None:
            return
        if self.is_terminal:
            self._enter_cbreak()
        self._thread = threading.Thread(target=self._run, name="key-reader", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop reading and restore the terminal; safe to call twice."""
        self._stopping.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self._restore_mode()

    def join(self, timeout: float | None = None) -> None:
        """Wait until the input ends (a pipe's end of file) or ``stop`` is called."""
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> KeyReader:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    # -- the reading thread --------------------------------------------------------------------

    def _run(self) -> None:
        try:
            if self._fd is None:
                self._read_stream_lines()
            elif self.is_terminal:
                self._read_keys(self._fd)
            else:
                self._read_fd_lines(self._fd)
        except (OSError, ValueError) as error:
            # The stream closing under us is the normal way a pipe ends during shutdown.
            _LOGGER.debug("key reader stopped: %s", error)

    def _read_keys(self, fd: int) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="ignore")
        while not self._stopping.is_set():
            data = self._read_ready(fd, _POLL_SECONDS)
            if data is None:
                continue
            if not data:
                return
            keys = decoder.decode(data)
            for index, key in enumerate(keys):
                if key == ESCAPE and self._starts_sequence(fd, keys, index):
                    break  # an arrow or function key: ignore the rest of its sequence
                self._deliver(KEYMAP.get(key.lower()))

    def _starts_sequence(self, fd: int, keys: str, index: int) -> bool:
        """Whether the Esc at ``keys[index]`` starts an escape sequence, not a lone Esc press."""
        if index + 1 < len(keys):
            return True
        return bool(self._read_ready(fd, _ESCAPE_SEQUENCE_SECONDS))

    def _read_fd_lines(self, fd: int) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending = ""
        while not self._stopping.is_set():
            data = self._read_ready(fd, _POLL_SECONDS)
            if data is None:
                continue
            pending += decoder.decode(data, final=not data)
            *lines, pending = pending.split("\n")
            for line in lines:
                self._deliver(parse_line(line.strip(), self._words))
            if not data:
                if pending.strip():
                    self._deliver(parse_line(pending.strip(), self._words))
                return

    def _read_stream_lines(self) -> None:
        # A stream without a file descriptor (StringIO) cannot be polled; it ends at its end.
        for line in self._stream:
            if self._stopping.is_set():
                return
            self._deliver(parse_line(line.strip(), self._words))

    def _read_ready(self, fd: int, timeout: float) -> bytes | None:
        """Bytes available within ``timeout`` (b"" at end of file), or None if nothing came."""
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return None
        return os.read(fd, 1024)

    def _deliver(self, control: Control | None) -> None:
        if control is not None and not self._stopping.is_set():
            self._on_control(control)

    # -- terminal mode -------------------------------------------------------------------------

    def _enter_cbreak(self) -> None:
        import termios
        import tty

        assert self._fd is not None
        self._saved_mode = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)

    def _restore_mode(self) -> None:
        if self._saved_mode is None or self._fd is None:
            return
        import termios

        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved_mode)
        self._saved_mode = None


def _fileno(stream: TextIO) -> int | None:
    try:
        return stream.fileno()
    except (io.UnsupportedOperation, AttributeError, ValueError):
        return None
