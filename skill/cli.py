"""The ``neck-coach`` command: one argparse, thin commands, and the only place that prints or exits.

Every ``NeckCoachError`` (bad data, missing model, no sound device, a bad WAV) is caught here once
and shown as a message saying what is wrong and what to do; Ctrl-C ends any command cleanly.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from audio.events import Transcript
from audio.strategies import DEFAULT_STRATEGY, STRATEGIES

from .data import SkillData, load_skill_data
from .dialogue import DialogueManager
from .errors import AudioError, ModelError, NeckCoachError
from .frontends import (
    KeyboardListener,
    TerminalView,
    make_voice,
    routine_keys,
)
from .matcher import load_matcher
from .session import Session

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neck-coach",
        description=(
            "Offline answers about neck pain and neck spasms, from one article with Dr. Kaliq "
            "Chang of Atlantic Spine Center, and guided stretch routines. With no command, "
            "starts voice mode when a microphone and model are present, else keyboard mode."
        ),
        epilog="General information only, not medical advice.",
    )
    _add_common(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, suppress=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser(
        parents=[common], name="chat", help="type questions (works with a pipe, line by line)"
    )
    commands.add_parser(parents=[common], name="voice", help="speak questions into the microphone")
    ask = commands.add_parser(parents=[common], name="ask", help="answer one question and exit")
    ask.add_argument("text", nargs="?", help="the question (omit with --audio)")
    ask.add_argument("--json", action="store_true", help="print JSON (one line per input)")
    ask.add_argument("--audio", nargs="+", type=Path, metavar="WAV", help="spoken questions")
    stretch = commands.add_parser(
        parents=[common], name="stretch", help="run a guided stretch routine"
    )
    stretch.add_argument("name", nargs="?", default="desk_break", help="routine name or alias")
    commands.add_parser(parents=[common], name="routines", help="list the stretch routines")
    validate = commands.add_parser(
        parents=[common], name="validate", help="check the intent, answer and routine files"
    )
    validate.add_argument("dir", nargs="?", type=Path, help="intents folder to check")
    transcribe = commands.add_parser(
        parents=[common], name="transcribe", help="print what the recognizer hears in WAVs"
    )
    transcribe.add_argument("files", nargs="+", type=Path, metavar="WAV")
    commands.add_parser(parents=[common], name="voices", help="list the speech voices")
    model = commands.add_parser(
        parents=[common], name="model", help="check or download the speech model"
    )
    model.add_argument("action", choices=["check", "download", "path"])
    return parser


def _add_common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Options that work before or after the command (``neck-coach chat --mute``)."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    add = parser.add_argument
    add(
        "--data-dir",
        type=Path,
        default=default(None),
        help="folder with intents/, content/, routines/",
    )
    add("--mute", action="store_true", default=default(False), help="print answers, don't speak")
    add("--voice", default=default(None), help="speech voice id or name (see: neck-coach voices)")
    add("--rate", type=int, default=default(None), help="speaking rate, words per minute (80-450)")
    add("--volume", type=float, default=default(None), help="speaking volume, 0.0 to 1.0")
    add(
        "--model",
        default=default(None),
        help="Vosk model folder (default: $NECK_COACH_MODEL, models/)",
    )
    add("--device", default=default(None), help="microphone: index or part of its name")
    add(
        "--strategy",
        choices=STRATEGIES,
        default=default(DEFAULT_STRATEGY),
        help="how speech is recognized (see README: Recognition)",
    )
    add("--time-scale", type=float, default=default(1.0), help="routine speed (0.01 runs fast)")
    add("-v", "--verbose", action="store_true", default=default(False), help="log to stderr")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    view = TerminalView()
    command: Callable[[argparse.Namespace, TerminalView], int] = COMMANDS.get(
        args.command or "start", cmd_start
    )
    try:
        return command(args, view)
    except KeyboardInterrupt:
        view.close()
        view.note("Stopped. Take care of your neck.")
        return EXIT_INTERRUPTED
    except NeckCoachError as error:
        view.error(str(error))
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:
        report = _write_crash_report()
        view.error(
            f"Something went wrong inside Neck Coach ({type(error).__name__}: {error}). "
            f"The details are in {report}; please include that file in a bug report."
        )
        return EXIT_ERROR
    finally:
        view.close()


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


def _data(args: argparse.Namespace) -> SkillData:
    return load_skill_data(args.data_dir)


def _session(args: argparse.Namespace, view: TerminalView, data: SkillData) -> Session:
    voice = make_voice(args, view)
    return Session(DialogueManager(data), voice, view, time_scale=args.time_scale)


def cmd_start(args: argparse.Namespace, view: TerminalView) -> int:
    from .frontends import voice_available

    data = _data(args)
    ready, reason = voice_available(args)
    if ready:
        return cmd_voice(args, view, data)
    view.note(f"Keyboard mode: {reason}")
    return cmd_chat(args, view, data)


def cmd_chat(args: argparse.Namespace, view: TerminalView, data: SkillData | None = None) -> int:
    session = _session(args, view, data or _data(args))
    session.run(KeyboardListener(view))
    return EXIT_OK


def cmd_voice(args: argparse.Namespace, view: TerminalView, data: SkillData | None = None) -> int:
    from .frontends import MicrophoneListener

    data = data or _data(args)
    session = _session(args, view, data)
    try:
        listener = MicrophoneListener.open(args, view, session.voice, session.dialogue.matcher)
    except (AudioError, ModelError) as error:
        view.note(f"Keyboard mode: {error}")
        session.run(KeyboardListener(view))
        return EXIT_OK
    session.run(listener.with_keyboard_fallback(KeyboardListener(view)))
    return EXIT_OK


def cmd_ask(args: argparse.Namespace, view: TerminalView) -> int:
    data = _data(args)
    matcher = load_matcher(data.intents)
    if args.audio:
        from .frontends import transcribe_files

        transcripts = transcribe_files(args, matcher, args.audio)
    elif args.text is not None:
        transcripts = iter([Transcript(args.text, source="text")])
    else:
        view.error('Give a question, e.g. neck-coach ask "what causes neck spasms", or --audio.')
        return EXIT_USAGE
    status = EXIT_OK
    for item in transcripts:
        if isinstance(item, NeckCoachError):
            view.error(str(item))
            status = EXIT_ERROR
            continue
        response = DialogueManager(data, matcher).handle(item.text)
        record: dict[str, Any] = {"input": item.source if args.audio else item.text}
        record.update(response.to_dict())
        if args.json:
            print(json.dumps(record), flush=True)
        else:
            if args.audio:
                view.note(f"{item.source}: heard {item.text!r}")
            view.answer(response.spoken)
    return status


def cmd_stretch(args: argparse.Namespace, view: TerminalView) -> int:
    from .routines import find_routine

    data = _data(args)
    routine = data.routines.get(args.name) or find_routine(data.routines, args.name)
    if routine is None:
        names = ", ".join(data.routines)
        view.error(f"No routine called {args.name!r}. Choose one of: {names}")
        return EXIT_USAGE
    session = Session(
        DialogueManager(data),
        make_voice(args, view),
        view,
        time_scale=args.time_scale,
        routine_controls=routine_keys(sys.stdin),
    )
    result = session.run_routine(routine.name)
    return EXIT_OK if result.completed or result.stopped else EXIT_ERROR


def cmd_routines(args: argparse.Namespace, view: TerminalView) -> int:
    view.routines(_data(args).routines.values())
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, view: TerminalView) -> int:
    data = load_skill_data(args.data_dir, intents_dir=args.dir)
    sentences = sum(1 for _ in data.intents.samples())
    view.note(
        f"OK: {len(data.intents.intents)} intents ({sentences} sentences), "
        f"{len(data.content.answers)} answers, {len(data.routines)} routines."
    )
    return EXIT_OK


def cmd_transcribe(args: argparse.Namespace, view: TerminalView) -> int:
    from .frontends import transcribe_files

    status = EXIT_OK
    for item in transcribe_files(args, load_matcher(_data(args).intents), args.files):
        if isinstance(item, NeckCoachError):
            view.error(str(item))
            status = EXIT_ERROR
        else:
            print(f"{item.source}\t{item.text}", flush=True)
    return status


def cmd_voices(args: argparse.Namespace, view: TerminalView) -> int:
    from audio.synthesis import Synthesizer

    view.voices(Synthesizer().voices())
    return EXIT_OK


def cmd_model(args: argparse.Namespace, view: TerminalView) -> int:
    from audio import model

    if args.action == "path":
        print(model.locate_model(args.model))
        return EXIT_OK
    if args.action == "check":
        path = model.check_model(model.locate_model(args.model))
        model.load_model(path)
        view.note(f"OK: the model at {path} loads.")
        return EXIT_OK
    target = Path(args.model) if args.model else model.user_model_dir()
    path = view.download(lambda progress: model.download_model(target, progress=progress))
    view.note(f"Installed the model at {path}. Point at it with --model or NECK_COACH_MODEL.")
    return EXIT_OK


COMMANDS: dict[str, Callable[..., int]] = {
    "start": cmd_start,
    "chat": cmd_chat,
    "voice": cmd_voice,
    "ask": cmd_ask,
    "stretch": cmd_stretch,
    "routines": cmd_routines,
    "validate": cmd_validate,
    "transcribe": cmd_transcribe,
    "voices": cmd_voices,
    "model": cmd_model,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
