"""The commands: the options each takes, and what each does with the settings.

Each ``cmd_*`` function gets the parsed arguments for its own positional inputs, the ``Settings``
for everything else, and the terminal view; it returns the exit code. Errors propagate to
``skill.app.cli``, which shows them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from audio.strategies import DEFAULT_STRATEGY, STRATEGIES
from skill.data import SkillData, is_data_dir, load_skill_data
from skill.dialogue import DialogueManager
from skill.matcher_cache import load_matcher

from .ask import cmd_ask, cmd_transcribe
from .hints import with_hint
from .keyboard import KeyboardListener, control_words, routine_keys
from .mouth import make_voice
from .serve import cmd_serve
from .session import Session
from .settings import (
    DEFAULT_SERVE_URI,
    Settings,
    parse_device,
    parse_path,
    parse_rate,
    parse_time_scale,
    parse_uri,
    parse_volume,
    parse_workers,
)
from .terminal import TerminalView

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
# A Maven Central mirror to fetch the model from (the checksum is the same).
MAVEN_MIRROR_ENV = "NECK_COACH_MAVEN_MIRROR"

Command = Callable[[argparse.Namespace, Settings, TerminalView], int]


def version() -> str:
    try:
        return metadata.version("neck-coach")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown (not installed)"


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
    parser.add_argument("--version", action="version", version=f"neck-coach {version()}")
    _add_common(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, suppress=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=help)

    add("chat", "type questions (works with a pipe, line by line)")
    add("voice", "speak questions into the microphone")
    ask = add("ask", "answer one question and exit")
    ask.add_argument("text", nargs="?", help="the question (omit with --audio)")
    ask.add_argument("--json", action="store_true", help="print JSON (one line per input)")
    ask.add_argument("--audio", nargs="+", type=parse_path, metavar="WAV", help="spoken questions")
    stretch = add("stretch", "run a guided stretch routine")
    stretch.add_argument("name", nargs="?", default="desk_break", help="routine name or alias")
    add("routines", "list the stretch routines")
    validate = add("validate", "check the intent, answer and routine files")
    validate.add_argument(
        "dir",
        nargs="?",
        type=parse_path,
        help="a data folder (intents/, content/, routines/) or an intents folder",
    )
    transcribe = add("transcribe", "print what the recognizer hears in WAVs")
    transcribe.add_argument("files", nargs="+", type=parse_path, metavar="WAV")
    add("voices", "list the speech voices")
    model = add("model", "check, download or show the speech model")
    model.add_argument(
        "action",
        choices=["check", "download", "build", "path"],
        help="check it loads and recognizes; download it; build the graph biased toward "
        "the skill's questions; print where it is",
    )
    model.add_argument(
        "--to", type=parse_path, metavar="DIR", help="download into this models folder"
    )
    serve = add("serve", "answer Home Assistant and Rhasspy satellites (Wyoming protocol)")
    serve.description = (
        "Serve speech-to-text, a conversation agent and intent recognition over the Wyoming "
        "protocol, for Home Assistant (Wyoming Protocol integration) and Rhasspy 3. Wyoming has "
        "no authentication: anyone who can reach the address can use it, so it listens on this "
        "machine only unless --uri names another address."
    )
    serve.add_argument(
        "--uri",
        type=parse_uri,
        default=parse_uri(DEFAULT_SERVE_URI),
        metavar="tcp://HOST:PORT",
        help=f"where to listen (default {DEFAULT_SERVE_URI}, this machine only; "
        "tcp://0.0.0.0:10700 lets any machine that can reach this one in, with no password)",
    )
    serve.add_argument(
        "--workers",
        type=parse_workers,
        default=None,
        metavar="N",
        help="threads for recognition and matching (default: one per CPU, at most 4)",
    )
    return parser


def _add_common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Options that work before or after the command (``neck-coach chat --mute``)."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    add = parser.add_argument
    add(
        "--data-dir",
        type=parse_path,
        default=default(None),
        help="folder with intents/, content/, routines/",
    )
    add("--mute", action="store_true", default=default(False), help="print answers, don't speak")
    add("--voice", default=default(None), help="speech voice id or name (see: neck-coach voices)")
    add(
        "--rate",
        type=parse_rate,
        default=default(None),
        help="speaking rate, words per minute (80-450)",
    )
    add("--volume", type=parse_volume, default=default(None), help="speaking volume, 0.0 to 1.0")
    add(
        "--model",
        type=parse_path,
        default=default(None),
        help="Vosk model folder (default: $NECK_COACH_MODEL, models/)",
    )
    add(
        "--device",
        type=parse_device,
        default=default(None),
        help="microphone: index or part of its name",
    )
    add(
        "--strategy",
        choices=STRATEGIES,
        default=default(DEFAULT_STRATEGY),
        help="how speech is recognized (see README: Recognition)",
    )
    add(
        "--time-scale",
        type=parse_time_scale,
        default=default(1.0),
        help="routine speed (0.01 runs fast)",
    )
    add("-v", "--verbose", action="store_true", default=default(False), help="log to stderr")


def run_command(name: str, args: argparse.Namespace, settings: Settings, view: TerminalView) -> int:
    return COMMANDS[name](args, settings, view)


def _data(settings: Settings) -> SkillData:
    return load_skill_data(settings.data_dir)


def _session(settings: Settings, view: TerminalView, data: SkillData) -> Session:
    voice = make_voice(settings.speech, view.note)
    return Session(DialogueManager(data), voice, view, time_scale=settings.time_scale)


def cmd_start(args: argparse.Namespace, settings: Settings, view: TerminalView) -> int:
    """Voice mode when a microphone and a usable model are there, else the keyboard."""
    from audio.microphone import has_microphone

    data = _data(settings)
    ready, reason = has_microphone()
    if not ready:
        view.note(f"Keyboard mode: {reason}")
        return _chat(settings, view, data)
    return _voice(settings, view, data)


def cmd_chat(args: argparse.Namespace, settings: Settings, view: TerminalView) -> int:
    return _chat(settings, view, _data(settings))


def _chat(settings: Settings, view: TerminalView, data: SkillData) -> int:
    _session(settings, view, data).run(KeyboardListener())
    return EXIT_OK


def cmd_voice(args: argparse.Namespace, settings: Settings, view: TerminalView) -> int:
    return _voice(settings, view, _data(settings))


def _voice(settings: Settings, view: TerminalView, data: SkillData) -> int:
    from audio.errors import AudioError

    from .ears import MicrophoneListener
    from .recognition import load_recognition

    session = _session(settings, view, data)
    try:
        recognition = load_recognition(
            settings.listening, data, session.dialogue.matcher, view.note
        )
        listener = MicrophoneListener.open(
            settings.listening.device, recognition, view, session.voice
        )
    except AudioError as error:  # no microphone, or no model that can recognize
        view.note(f"Keyboard mode: {with_hint(error)}")
        session.run(KeyboardListener())
        return EXIT_OK
    # Closed before the interpreter exits: recognition left running on the session's reading
    # thread could still be inside Vosk or PortAudio when it shuts down.
    with contextlib.closing(listener):
        session.run(listener.with_keyboard_fallback(KeyboardListener()))
    return EXIT_OK


def cmd_stretch(args: argparse.Namespace, settings: Settings, view: TerminalView) -> int:
    from skill.routines import find_routine

    data = _data(settings)
    routine = data.routines.get(args.name) or find_routine(data.routines, args.name)
    if routine is None:
        names = ", ".join(data.routines)
        view.error(f"No routine called {args.name!r}. Choose one of: {names}")
        return EXIT_USAGE
    session = Session(
        DialogueManager(data, load_matcher(data)),
        make_voice(settings.speech, view.note),
        view,
        time_scale=settings.time_scale,
        routine_controls=routine_keys(sys.stdin, control_words(data.intents)),
    )
    result = session.run_routine(routine.name)
    return EXIT_OK if result.completed or result.stopped else EXIT_ERROR


def cmd_routines(args: argparse.Namespace, settings: Settings, view: TerminalView) -> int:
    view.routines(_data(settings).routines.values())
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, settings: Settings, view: TerminalView) -> int:
    folder: Path | None = args.dir
    if folder is not None and not folder.is_dir():
        view.error(f"{folder} is not a folder. Give a data folder or an intents folder.")
        return EXIT_USAGE
    if folder is not None and is_data_dir(folder):
        data = load_skill_data(folder)
    else:
        data = load_skill_data(settings.data_dir, intents_dir=folder)
    sentences = sum(1 for _ in data.intents.samples())
    view.note(
        f"OK: {len(data.intents.intents)} intents ({sentences} sentences), "
        f"{len(data.content.answers)} answers, {len(data.routines)} routines."
    )
    _note_domain_graph(settings, data, view)
    return EXIT_OK


def _note_domain_graph(settings: Settings, data: SkillData, view: TerminalView) -> None:
    """Whether the speech model's graph was built from these intents (a note, never an error:
    the data is valid either way)."""
    from audio.domain_graph import domain_model_status
    from audio.errors import AudioError
    from audio.model import check_model, locate_model
    from skill.index import recognizer_sentences
    from skill.matcher_cache import cache_key

    from .recognition import domain_cache_dir

    try:
        stock = check_model(locate_model(settings.listening.model))
        status = domain_model_status(
            stock,
            lambda: recognizer_sentences(data.intents, load_matcher(data, semantic=False).index),
            domain_cache_dir(),
            corpus_key=cache_key(data.intents),
        )
    except AudioError:
        return  # no speech model here: nothing to be stale
    if status.state != "current":
        view.note(
            f"The speech model's graph is {status.state} for these intents; it is rebuilt "
            "on the next spoken start, or now with: neck-coach model build"
        )


def cmd_voices(args: argparse.Namespace, settings: Settings, view: TerminalView) -> int:
    from audio.synthesis import Synthesizer

    view.voices(Synthesizer().voices())
    return EXIT_OK


def cmd_model(args: argparse.Namespace, settings: Settings, view: TerminalView) -> int:
    from audio import model

    if args.action == "path":
        print(model.locate_model(settings.listening.model))
        return EXIT_OK
    if args.action == "check":
        path = model.locate_model(settings.listening.model)
        model.load_model(path)
        view.note(f"OK: the model at {model.check_model(path)} loads and recognizes speech.")
        return EXIT_OK
    if args.action == "build":
        from .recognition import domain_model_path

        data = _data(settings)
        stock = model.check_model(model.locate_model(settings.listening.model))
        # The matcher with its second opinions: the set-up runs this, so their caches (the
        # semantic exemplars, the trained classifier) are ready before the first question.
        built = domain_model_path(stock, data, load_matcher(data, train=True), view.note)
        if built == stock:
            return EXIT_ERROR
        view.note(f"The speech model biased toward Neck Coach's questions is at {built}.")
        return EXIT_OK
    from audio.model_download import MAVEN_CENTRAL, download_model, english_model

    target: Path = args.to or model.user_models_dir()
    archive = english_model(os.environ.get(MAVEN_MIRROR_ENV) or MAVEN_CENTRAL)
    installed = view.download(lambda progress: download_model(target, archive, progress=progress))
    view.note(f"The speech model is at {installed}.")
    return EXIT_OK


COMMANDS: dict[str, Command] = {
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
    "serve": cmd_serve,
}
