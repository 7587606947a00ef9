"""Finding, checking and loading the Vosk speech model.

Where the model comes from, in order: an explicit path, the environment variable
``NECK_COACH_MODEL``, the ``models/`` folder of a source checkout (filled by the set-up), and
the user data folder (filled by the download). All of them hold the same model under the same
name, ``MODEL_NAME``. A model is usable only once Vosk has loaded it, created a recognizer on
it and decoded a moment of audio: a truncated graph file passes a look at the folder and fails
only there. Every failure is a ``ModelError`` saying what is wrong with which folder.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ModelError
from .events import RATE, WIDTH

if TYPE_CHECKING:
    import vosk

_LOGGER = logging.getLogger(__name__)

ENV_VAR = "NECK_COACH_MODEL"
MODEL_VERSION = "0.3.45"
# Alpha Cephei's small US English model as published in the vosk-model-en Android package.
MODEL_NAME = f"vosk-model-en-us-{MODEL_VERSION}"

REQUIRED_FILES = (
    "am/final.mdl",
    "conf/model.conf",
    "conf/mfcc.conf",
    "ivector/final.ie",
    "ivector/final.dubm",
    "ivector/final.mat",
    "ivector/global_cmvn.stats",
    "ivector/online_cmvn.conf",
    "ivector/splice.conf",
)
# A dynamic graph (accepts a runtime grammar) or a static one.
GRAPHS = (("graph/HCLr.fst", "graph/Gr.fst"), ("graph/HCLG.fst",))

_loaded: dict[Path, vosk.Model] = {}
_load_lock = threading.Lock()
# Kaldi prints warnings straight to stderr; they are for a debug log, not a person's terminal.
_KALDI_QUIET = -2  # errors only
_KALDI_VERBOSE = 0  # warnings and notes
_kaldi_level = _KALDI_QUIET


def set_recognizer_logging(verbose: bool) -> None:
    """Let Kaldi print its warnings (verbose) or only its errors; before any model loads."""
    global _kaldi_level
    _kaldi_level = _KALDI_VERBOSE if verbose else _KALDI_QUIET


def checkout_models_dir() -> Path:
    """``models/`` at the top of a source checkout (the set-up fills it); absent when installed."""
    return Path(__file__).resolve().parent.parent / "models"


def user_models_dir() -> Path:
    """The per-user folder the download fills."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("neck-coach")) / "models"


def locate_model(explicit: str | Path | None = None) -> Path:
    """The model folder to use (not yet checked): the first source that names one.

    An explicit path or the environment variable wins even if it is wrong, so a typo is reported
    rather than silently replaced by another model.
    """
    if explicit is not None:
        return _expand(str(explicit))
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return _expand(from_env)
    checkout = checkout_models_dir() / MODEL_NAME
    if checkout.is_dir():
        return checkout
    return user_models_dir() / MODEL_NAME


def _expand(text: str) -> Path:
    """``~`` and ``~user`` expanded; an unknown user or an empty path is a ``ModelError``."""
    if not text.strip():
        raise ModelError("The speech model path is empty.")
    try:
        path = Path(text).expanduser()
    except RuntimeError:  # "~someone" for a user this machine does not have
        path = Path(text)
    if str(path).startswith("~"):
        raise ModelError(f"Cannot find the home folder in the speech model path {text!r}.")
    return path


def missing_files(path: Path) -> list[str]:
    """The files Vosk needs that ``path`` lacks, relative to it (empty when complete)."""
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    graphs_present = [all((path / name).is_file() for name in graph) for graph in GRAPHS]
    if not any(graphs_present):
        missing.append(" + ".join(GRAPHS[0]) + " (or " + " + ".join(GRAPHS[1]) + ")")
    return missing


def looks_like_a_model(path: Path) -> bool:
    """Whether ``path`` holds at least part of a Vosk model (so replacing it loses nothing else)."""
    return (path / "am").is_dir() or (path / "conf" / "model.conf").is_file()


def check_model(path: str | Path) -> Path:
    """``path`` as an absolute Path if it holds a complete Vosk model, else ``ModelError``."""
    path = _expand(str(path))
    if not path.is_dir():
        raise ModelError(f"No speech model at {path}.")
    missing = missing_files(path)
    if not missing:
        return path.resolve()
    if looks_like_a_model(path):
        raise ModelError(
            f"The speech model at {path} is incomplete: missing {', '.join(missing)}. "
            "Delete that model folder and get it again."
        )
    raise ModelError(f"{path} is not a speech model folder (it has no {missing[0]}).")


def load_model(path: str | Path | None = None) -> vosk.Model:
    """The checked, verified model at ``path`` (located if None), loaded once per process."""
    checked = check_model(locate_model(path))
    with _load_lock:
        cached = _loaded.get(checked)
        if cached is not None:
            return cached
        model = _load(checked)
        verify_model(model, checked)
        _loaded[checked] = model
        _LOGGER.info("loaded speech model %s", checked)
        return model


def _load(path: Path) -> vosk.Model:
    try:
        import vosk
    except (ImportError, OSError) as error:
        raise ModelError(
            f"The vosk package cannot be loaded ({error}). Reinstall it: pip install vosk"
        ) from error
    vosk.SetLogLevel(_kaldi_level)
    try:
        return vosk.Model(str(path))
    except Exception as error:
        raise ModelError(
            f"Vosk could not load the speech model at {path} ({error}); it may be damaged. "
            "Delete that model folder and get it again."
        ) from error


def verify_model(model: vosk.Model, path: Path) -> None:
    """Create a recognizer on ``model`` and decode a quarter second of silence with it.

    Loading reads only some of the files; a damaged graph shows up when a recognizer is made.
    """
    import vosk

    try:
        recognizer = vosk.KaldiRecognizer(model, RATE)
        recognizer.AcceptWaveform(bytes(RATE * WIDTH // 4))
        recognizer.FinalResult()
    except Exception as error:
        raise ModelError(
            f"The speech model at {path} loads but cannot recognize speech ({error}); a file in "
            "it is damaged. Delete that model folder and get it again."
        ) from error
