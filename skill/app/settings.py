"""Settings as data: frozen dataclasses built once from the command line, then passed down.

Nothing below the CLI sees ``argparse``; each part gets the settings it needs. Every numeric
option is checked here, at parse time (``parse_*`` raise ``argparse.ArgumentTypeError``, which
argparse turns into a usage message and exit 2).
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from audio.strategies import DEFAULT_STRATEGY
from audio.synthesis import MAX_RATE, MIN_RATE

# Routines can be sped up for demos and tests, or slowed down, within these bounds.
TIME_SCALE_RANGE = (0.001, 10.0)
# The Wyoming server listens on this machine only unless told otherwise (it has no passwords).
DEFAULT_SERVE_URI = "tcp://127.0.0.1:10700"
WORKERS_RANGE = (1, 32)


@dataclass(frozen=True)
class SpeechSettings:
    """The mouth: whether to speak, and with which voice, rate and volume."""

    mute: bool = False
    voice: str | None = None
    rate: int | None = None
    volume: float | None = None


@dataclass(frozen=True)
class ListeningSettings:
    """The ears: the speech model, the microphone and how speech is recognized."""

    model: Path | None = None
    device: int | str | None = None
    strategy: str = DEFAULT_STRATEGY


@dataclass(frozen=True)
class Settings:
    """Everything a command needs from the command line."""

    data_dir: Path | None = None
    speech: SpeechSettings = SpeechSettings()
    listening: ListeningSettings = ListeningSettings()
    time_scale: float = 1.0
    verbose: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Settings:
        return cls(
            data_dir=args.data_dir,
            speech=SpeechSettings(
                mute=args.mute, voice=args.voice, rate=args.rate, volume=args.volume
            ),
            listening=ListeningSettings(
                model=args.model, device=args.device, strategy=args.strategy
            ),
            time_scale=args.time_scale,
            verbose=args.verbose,
        )


@dataclass(frozen=True)
class Address:
    """Where a server listens: a host name or address, and a port (0: any free one)."""

    host: str
    port: int

    @property
    def uri(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"tcp://{host}:{self.port}"

    @property
    def loopback(self) -> bool:
        """Only this machine can connect."""
        return self.host == "localhost" or self.host == "::1" or self.host.startswith("127.")


def parse_uri(text: str) -> Address:
    """``tcp://HOST:PORT`` (``[::1]`` for an IPv6 address)."""
    parts = urlsplit(text.strip())
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "tcp" or not parts.hostname or port is None or parts.path not in ("", "/"):
        raise argparse.ArgumentTypeError(
            f"--uri must be tcp://HOST:PORT with a port from 0 to 65535, not {text!r}"
        )
    return Address(parts.hostname, port)


def parse_workers(text: str) -> int:
    low, high = WORKERS_RANGE
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"--workers must be a whole number {low} to {high}")
    return value


def _finite(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{what} must be a number, not {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{what} must be a finite number, not {text!r}")
    return value


def parse_time_scale(text: str) -> float:
    low, high = TIME_SCALE_RANGE
    value = _finite(text, "--time-scale")
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"--time-scale must be between {low:g} and {high:g} (1 is real time), not {text}"
        )
    return value


def parse_rate(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--rate must be a whole number of words per minute, not {text!r}"
        ) from None
    if not MIN_RATE <= value <= MAX_RATE:
        raise argparse.ArgumentTypeError(
            f"--rate must be {MIN_RATE} to {MAX_RATE} words per minute, not {value}"
        )
    return value


def parse_volume(text: str) -> float:
    value = _finite(text, "--volume")
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"--volume must be from 0.0 to 1.0, not {text}")
    return value


def parse_device(text: str) -> int | str:
    """A microphone by index ("2") or by part of its name ("USB")."""
    text = text.strip()
    if not text:
        raise argparse.ArgumentTypeError("--device needs a device number or part of a name")
    return int(text) if text.isdigit() else text


def parse_path(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("the path is empty")
    return Path(text)
