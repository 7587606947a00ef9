"""The ``neck-coach`` command: one argparse, and the only place that reads options or exits.

``main`` parses and validates the options (bad ones: a usage message and exit 2), turns them
into ``Settings``, runs the command, and catches every error once: a ``NeckCoachError`` or an
``AudioError`` is shown as a message saying what is wrong and what to do (exit 1); anything
unexpected becomes one line plus a crash report, never a traceback. Ctrl-C, however often and
whenever it is pressed, puts the terminal back and exits 130; SIGTERM exits 143 after the same
clean-up.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
STOPPED = "Stopped. Take care of your neck."


def _interrupted(signum: int, frame: FrameType | None) -> None:
    """The first Ctrl-C unwinds the program; later ones are ignored so clean-up can finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def _terminated(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(EXIT_TERMINATED)


def run() -> None:
    """The console script: signals first, before anything slow is imported."""
    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _terminated)
    code = main()
    if code == EXIT_INTERRUPTED:
        # Threads still speaking or reading must not hold the exit up (or print on the way).
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # Pressed before the command started, perhaps mid-import: say it without importing more.
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"{STOPPED}\n")
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    from .terminal import TerminalView
    from .terminal_mode import saved_terminal_mode

    with saved_terminal_mode(sys.stdin):
        view: TerminalView | None = None
        data_dir: str | None = None
        try:
            from .commands import build_parser, run_command
            from .settings import Settings

            parser = build_parser()
            args = parser.parse_args(argv)
            data_dir = None if args.data_dir is None else str(args.data_dir)
            _configure_logging(args.verbose)
            view = TerminalView()
            _check_voice(parser, args)
            return run_command(args.command or "start", args, Settings.from_args(args), view)
        except KeyboardInterrupt:
            if view is not None:
                view.close()
            _note(STOPPED)
            return EXIT_INTERRUPTED
        except SystemExit as leaving:
            return leaving.code if isinstance(leaving.code, int) else EXIT_ERROR
        except BrokenPipeError:
            return EXIT_OK
        except Exception as error:
            return _show_error(error, data_dir)
        finally:
            if view is not None:
                view.close()


def _show_error(error: Exception, data_dir: str | None) -> int:
    from audio.errors import AudioError
    from skill.errors import DataError, NeckCoachError

    from .hints import data_hint, with_hint

    if isinstance(error, DataError):
        _error(f"{error}\n{data_hint(data_dir)}")
        return EXIT_ERROR
    if isinstance(error, NeckCoachError | AudioError):
        _error(with_hint(error))
        return EXIT_ERROR
    report = _write_crash_report()
    _error(
        f"Something went wrong inside Neck Coach ({type(error).__name__}: {error}). "
        f"The details are in {report}; please include that file in a bug report."
    )
    return EXIT_ERROR


def _check_voice(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """An unknown --voice is a usage error, found before anything starts."""
    if args.voice is None or args.mute:
        return
    from audio.errors import AudioError
    from audio.synthesis import Synthesizer

    try:
        Synthesizer(voice=args.voice).voice_id  # noqa: B018 - resolving it is the check
    except AudioError as error:
        from .hints import VOICES_HINT

        parser.error(f"--voice: {error} {VOICES_HINT}")


def _configure_logging(verbose: bool) -> None:
    from audio.model import set_recognizer_logging

    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        # Wall-clock milliseconds: what happened when, e.g. from the end of speech to the answer.
        format="%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    # Kaldi's own warnings are for the debug log only.
    set_recognizer_logging(verbose)


def _error(text: str) -> None:
    from .terminal import print_error

    print_error(text)


def _note(text: str) -> None:
    from .terminal import print_note

    print_note(text)


def _write_crash_report() -> Path:
    import tempfile
    import traceback

    from platformdirs import user_log_dir

    text = traceback.format_exc()
    for folder in (Path(user_log_dir("neck-coach")), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "crash.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return Path("(nowhere: no writable folder)")


if __name__ == "__main__":  # pragma: no cover
    run()
