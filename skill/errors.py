"""The skill's exceptions: each carries a message a person can act on.

The face catches ``NeckCoachError`` (and the audio layer's ``AudioError``) once, shows it and
exits non-zero; nothing prints a traceback. ``DataError`` lists every problem in the data files,
each with its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class NeckCoachError(Exception):
    """Base class: ``str(error)`` is what the user sees."""


@dataclass(frozen=True)
class Problem:
    """One problem in a data file, located by file and line (1-based; 0 when unknown)."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class DataError(NeckCoachError):
    """One or more data files (intents, answers, routines) are invalid."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the data files:\n{lines}")
