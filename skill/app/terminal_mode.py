"""Whatever happens, the terminal is left as it was found.

The routine's key reader puts the terminal in cbreak mode and restores it when it stops; this is
the outer guard around the whole command, for the ways a program can be cut short (a second
Ctrl-C, SIGTERM, an error on another thread) before the inner clean-up has run.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any, TextIO


@contextlib.contextmanager
def saved_terminal_mode(stream: TextIO) -> Iterator[None]:
    """Save ``stream``'s terminal attributes (when it is a terminal) and restore them on exit."""
    saved: list[Any] | None = None
    fd = -1
    try:
        import termios

        fd = stream.fileno()
        if os.isatty(fd):
            saved = termios.tcgetattr(fd)
    except (ImportError, OSError, ValueError, AttributeError):
        saved = None  # no file descriptor (a test's StringIO), or no terminal support
    try:
        yield
    finally:
        if saved is not None:
            import termios

            with contextlib.suppress(OSError, termios.error):
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)
