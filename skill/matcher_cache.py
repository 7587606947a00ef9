"""The matcher's index on disk, so later starts skip expanding ~444k template sentences, and
the intent classifier trained on them (``skill.classifier``), so later starts skip training it.

The index's cache file holds one pickled ``SentenceIndex``; the classifier's, its arrays (no
pickle). The index's name is a hash of everything it depends on: the intent files, the code that
builds it, and the versions of Python, hassil, rapidfuzz and numpy. The classifier's adds its own
code, scikit-learn's version and the off-topic examples, so changing those retrains it without
rebuilding the index (or the speech graph, which shares the index's key). Any change makes a new
name and so a fresh build, and the files of older builds are removed
(``skill.cache_files``). What is read back is checked to be what it should be; anything else (a
damaged or foreign file) is rebuilt and replaced, never trusted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from .cache_files import remove_others
from .classifier import (
    NOT_QUESTIONS,
    ClassifierError,
    ClassifierRescorer,
    IntentClassifier,
    training_data,
)
from .classifier import train as fit
from .data import SkillData
from .index import SentenceIndex, build_index
from .intents import IntentSet
from .matcher import Matcher, Rescorer
from .vocabulary import COMMANDS, ROUTINE_ONLY

# Intents the classifier never rescues: a routine's controls, and the conversation's commands.
# The templates know these word for word: no command of the development sets needed a rescue,
# typed or spoken, while in 10 dB noise off-topic questions were rescued into them ("what's
# different yeah" for yes, "what else is in my brain" for more). Help and thanks stay rescued: their
# paraphrases are real ("i'm a bit lost how does this work") and a wrong one does nothing.
NEVER_RESCUED: frozenset[str] = ROUTINE_ONLY | COMMANDS

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")
_HERE = Path(__file__).parent

# The modules whose code shapes the index.
_CODE = ("index.py", "intents.py", "intents_file.py", "slots.py", "text.py", "matcher_cache.py")
_LIBRARIES = ("hassil", "rapidfuzz", "numpy")
# ...and what shapes the classifier besides.
_CLASSIFIER_CODE = ("classifier.py",)
_CLASSIFIER_LIBRARIES = ("scikit-learn",)


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("neck-coach"))


def load_matcher(
    data: SkillData, cache_dir: Path | None = None, *, semantic: bool = True, train: bool = False
) -> Matcher:
    """The skill's ``Matcher``: its index read from the cache or built and then cached, with the
    second opinions unless ``semantic`` is False: the semantic blend (``skill.semantic``, unless
    its embedding package cannot be loaded) and the intent classifier's rescue and off-topic
    judgement (``skill.classifier``) when it is cached, or trained now (about 30 s) with
    ``train``. The set-up trains it (``neck-coach model build``); a session never waits for the
    training, and never trains on a thread that the end of the program could cut off in native
    code."""
    folder = cache_dir or default_cache_dir()
    key = cache_key(data.intents)
    path = folder / f"matcher-{key}.pickle"
    index = _load(path, _unpickle, lambda loaded: _fits(loaded, data.intents), "matcher cache")
    if index is None:
        index = build_index(data.intents)
        if _store(path, lambda partial: _pickle(index, partial), "matcher cache"):
            remove_others(path)
    if not semantic:
        return Matcher(data.intents, index)
    from .semantic import load_rescorer

    rescorer: Rescorer | None = load_rescorer(data.intents, data.off_topic, cache_dir=folder)
    classifier_path = folder / f"classifier-{key}-{_classifier_key(data.off_topic)}.npz"
    classifier = read_classifier(classifier_path)
    if classifier is None and train:
        classifier = train_classifier(data, index, classifier_path)
    if classifier is None:
        _LOGGER.info("the intent classifier is not trained yet: run `neck-coach model build`")
        return Matcher(data.intents, index, rescorer)
    rescorer = ClassifierRescorer(classifier, index, rescorer, NEVER_RESCUED)
    return Matcher(data.intents, index, rescorer, off_topic_judge=classifier)


def read_classifier(path: Path) -> IntentClassifier | None:
    """The intent classifier cached at ``path``; ``None`` when it is missing or damaged."""
    return _load(
        path,
        IntentClassifier.read,
        lambda loaded: set(loaded.labels) >= NOT_QUESTIONS,
        "intent classifier",
    )


def train_classifier(data: SkillData, index: SentenceIndex, path: Path) -> IntentClassifier | None:
    """The intent classifier trained on ``data`` and written to ``path``; ``None`` (with a
    warning in the log) where it cannot be trained."""
    try:
        classifier = fit(*training_data(data.intents, index.canonical, data.off_topic))
    except ClassifierError as error:
        _LOGGER.warning("the intent classifier is off: %s", error)
        return None
    if _store(path, classifier.save, "intent classifier"):
        remove_others(path)
    return classifier


def cache_key(intents: IntentSet) -> str:
    """The index's key (the speech graph's too): the intent files, the code, the libraries."""
    return _digest((*sorted(intents.sources), *(_HERE / name for name in _CODE)), _LIBRARIES, ())[
        :20
    ]


def _classifier_key(off_topic: tuple[str, ...]) -> str:
    return _digest(
        tuple(_HERE / name for name in _CLASSIFIER_CODE), _CLASSIFIER_LIBRARIES, off_topic
    )[:8]


def _digest(files: tuple[Path, ...], libraries: tuple[str, ...], texts: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(sys.version.encode())
    for library in libraries:
        digest.update(f"{library}=={_version(library)}".encode())
    digest.update("\n".join(texts).encode())
    return digest.hexdigest()


def _version(library: str) -> str:
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "unknown"


def _load(path: Path, read: Callable[[Path], T], fits: Callable[[T], bool], what: str) -> T | None:
    """What ``read`` finds at ``path`` if it ``fits``; ``None`` when the file is missing,
    damaged or holds something else (the caller then rebuilds it)."""
    try:
        loaded = read(path)
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged file can raise almost anything
        _LOGGER.info("rebuilding the %s %s: %s", what, path, error)
        return None
    if not fits(loaded):
        _LOGGER.info("rebuilding the %s %s: it holds something else", what, path)
        return None
    return loaded


def _store(path: Path, write: Callable[[Path], None], what: str) -> bool:
    """``write`` to a temporary name beside ``path``, then into place (a reader never sees half
    a file); a cache that cannot be written is only logged. Whether it was written."""
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(partial)
        partial.replace(path)
    except OSError as error:
        _LOGGER.info("cannot write the %s %s: %s", what, path, error)
        partial.unlink(missing_ok=True)
        return False
    return True


def _unpickle(path: Path) -> Any:
    with path.open("rb") as file:
        return pickle.load(file)


def _pickle(index: SentenceIndex, path: Path) -> None:
    with path.open("wb") as file:
        pickle.dump(index, file, protocol=pickle.HIGHEST_PROTOCOL)


def _fits(loaded: Any, intents: IntentSet) -> bool:
    """Whether ``loaded`` is an index for these intents."""
    return isinstance(loaded, SentenceIndex) and not set(loaded.names) - set(intents.intents)
