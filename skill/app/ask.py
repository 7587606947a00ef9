"""One-shot commands: ``ask`` (a typed question or WAV files) and ``transcribe`` (WAV files).

With ``--json`` each input gets exactly one line, in order, even when it fails (then with an
``error`` field), so a script can pair answers with inputs. File names are shown as valid UTF-8
whatever bytes they hold.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from audio.errors import AudioError
from audio.events import Transcript
from skill.data import SkillData, load_skill_data
from skill.dialogue import DialogueManager
from skill.matcher import Matcher
from skill.matcher_cache import load_matcher
from skill.response import Response

from .settings import Settings
from .terminal import FileProgress, TerminalView

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def display_name(path: Path) -> str:
    """``path`` as text that is always valid UTF-8 (undecodable bytes become U+FFFD)."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def response_record(response: Response) -> dict[str, Any]:
    """The JSON shape of an answer (``ask --json``)."""
    return {
        "transcript": response.transcript,
        "intent": response.intent,
        "confidence": round(response.confidence, 3),
        "slots": dict(response.slots),
        "answer": response.speech,
        "sources": list(response.sources),
        "kind": str(response.kind),
        "red_flags": list(response.red_flags),
        "possible_red_flags": list(response.possible_red_flags),
        "routine": response.routine,
        "control": response.control,
        "end_session": response.end_session,
    }


def cmd_ask(args: argparse.Namespace, settings: Settings, view: TerminalView) -> int:
    if args.audio is None and args.text is None:
        view.error('Give a question, e.g. neck-coach ask "what causes neck spasms", or --audio.')
        return EXIT_USAGE
    if args.audio is not None and args.text is not None:
        view.error("Give either a typed question or --audio files, not both.")
        return EXIT_USAGE
    data = load_skill_data(settings.data_dir)
    matcher = load_matcher(data)
    status = EXIT_OK
    with FileProgress(view) as progress:
        for name, item in _inputs(args, settings, data, matcher, progress, view):
            if isinstance(item, AudioError):
                status = EXIT_ERROR
                if args.json:
                    _print_json({"input": name, "error": _safe(str(item))})
                else:
                    view.error(_safe(str(item)))
                continue
            response = DialogueManager(data, matcher).handle(item.text, heard=item)
            if args.json:
                _print_json({"input": name, **response_record(response)})
            else:
                if args.audio is not None:
                    view.note(f"{name}: heard {item.text!r}")
                view.answer(response.text, response.sources)
    return status


def _inputs(
    args: argparse.Namespace,
    settings: Settings,
    data: SkillData,
    matcher: Matcher,
    progress: FileProgress,
    view: TerminalView,
) -> Iterator[tuple[str, Transcript | AudioError]]:
    """(name, transcript or error) for the typed question or each audio file, in order."""
    if args.audio is None:
        yield args.text, Transcript(args.text, source="text")
        return
    from .ears import transcribe_files
    from .recognition import load_recognition

    recognition = load_recognition(settings.listening, data, matcher, view.note)
    results = transcribe_files(recognition, args.audio, progress)
    for path, result in zip(args.audio, results, strict=True):
        yield display_name(path), result


def cmd_transcribe(args: argparse.Namespace, settings: Settings, view: TerminalView) -> int:
    from .ears import transcribe_files
    from .recognition import load_recognition

    data = load_skill_data(settings.data_dir)
    recognition = load_recognition(settings.listening, data, load_matcher(data), view.note)
    status = EXIT_OK
    with FileProgress(view) as progress:
        results = transcribe_files(recognition, args.files, progress)
        for path, item in zip(args.files, results, strict=True):
            if isinstance(item, AudioError):
                view.error(_safe(str(item)))
                status = EXIT_ERROR
            else:
                print(f"{display_name(path)}\t{item.text}", flush=True)
    return status


def _safe(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _print_json(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)
