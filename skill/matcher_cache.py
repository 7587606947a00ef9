"""The matcher's index on disk, so later starts skip expanding ~92k template sentences, and the
intent classifier trained on them (``skill.classifier``), so later starts skip training it.

The index's cache file holds one pickled ``SentenceIndex``; the classifier's, its arrays (no
pickle). Their names carry a hash of everything they depend on: the intent files, the code that
builds them, and the versions of Python, hassil, rapidfuzz, numpy and scikit-learn; any change to
one makes a new name and so a fresh build (the classifier's also carries the off-topic examples).
What is read back is checked to be a ``SentenceIndex`` for these intents, or a classifier; anything
else (a damaged or foreign file) is rebuilt and replaced, never trusted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from importlib import metadata
from pathlib import Path

from .classifier import (
    NOT_QUESTIONS,
    ClassifierError,
    ClassifierRescorer,
    IntentClassifier,
    train,
    training_data,
)
from .data import SkillData
from .index import SentenceIndex, build_index
from .intents import IntentSet
from .matcher import Matcher, Rescorer
from .vocabulary import ROUTINE_ONLY

_LOGGER = logging.getLogger(__name__)

# The modules whose code shapes the index.
_CODE = (
    "index.py",
    "intents.py",
    "intents_file.py",
    "slots.py",
    "text.py",
    "matcher_cache.py",
    "classifier.py",
)
_LIBRARIES = ("hassil", "rapidfuzz", "numpy", "scikit-learn")


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("neck-coach"))


def load_matcher(
    data: SkillData, cache_dir: Path | None = None, *, semantic: bool = True, train: bool = False
) -> Matcher:
    """The skill's ``Matcher``: its index read from the cache or built and then cached, with the
    second opinions unless ``semantic`` is False: the semantic blend (``skill.semantic``, unless
    its embedding package cannot be loaded) and the intent classifier's rescue
    (``skill.classifier``) when it is cached, or trained now (about 15 s) with ``train``. The
    set-up trains it (``neck-coach model build``); a session never waits for the training, and
    never trains on a thread that the end of the program could cut off in native code."""
    folder = cache_dir or default_cache_dir()
    key = cache_key(data.intents)
    path = folder / f"matcher-{key}.pickle"
    index = _read(path, data.intents)
    if index is None:
        index = build_index(data.intents)
        _write(path, index)
    if not semantic:
        return Matcher(data.intents, index)
    from .semantic import load_rescorer

    rescorer: Rescorer | None = load_rescorer(data.intents, data.off_topic, cache_dir=folder)
    off_topic = hashlib.sha256("\n".join(data.off_topic).encode()).hexdigest()[:8]
    classifier_path = folder / f"classifier-{key}-{off_topic}.npz"
    classifier = read_classifier(classifier_path)
    if classifier is None and train:
        classifier = train_classifier(data, index, classifier_path)
    if classifier is None:
        _LOGGER.info("the intent classifier is not trained yet: run `neck-coach model build`")
    else:
        rescorer = ClassifierRescorer(classifier, index, rescorer, frozenset(ROUTINE_ONLY))
    return Matcher(data.intents, index, rescorer)


def read_classifier(path: Path) -> IntentClassifier | None:
    """The intent classifier cached at ``path``; ``None`` when it is missing or damaged."""
    try:
        classifier = IntentClassifier.read(path)
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged archive can raise almost anything
        _LOGGER.info("retraining the intent classifier %s: %s", path, error)
        return None
    if set(classifier.labels) >= NOT_QUESTIONS:
        return classifier
    _LOGGER.info("retraining the intent classifier %s: it holds something else", path)
    return None


def train_classifier(data: SkillData, index: SentenceIndex, path: Path) -> IntentClassifier | None:
    """The intent classifier trained on ``data`` and written to ``path``; ``None`` (with a
    warning in the log) where it cannot be trained."""
    try:
        classifier = train(*training_data(data.intents, index.canonical, data.off_topic))
    except ClassifierError as error:
        _LOGGER.warning("the intent classifier is off: %s", error)
        return None
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        classifier.save(partial)
        partial.replace(path)
    except OSError as error:
        _LOGGER.info("cannot write the intent classifier %s: %s", path, error)
        partial.unlink(missing_ok=True)
    return classifier


def cache_key(intents: IntentSet) -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in (*sorted(intents.sources), *(here / name for name in _CODE)):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(sys.version.encode())
    for library in _LIBRARIES:
        digest.update(f"{library}=={_version(library)}".encode())
    return digest.hexdigest()[:20]


def _version(library: str) -> str:
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "unknown"


def _read(path: Path, intents: IntentSet) -> SentenceIndex | None:
    try:
        with path.open("rb") as file:
            loaded = pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged pickle can raise almost anything
        _LOGGER.info("rebuilding the matcher cache %s: %s", path, error)
        return None
    if not isinstance(loaded, SentenceIndex) or set(loaded.names) - set(intents.intents):
        _LOGGER.info("rebuilding the matcher cache %s: it holds something else", path)
        return None
    return loaded


def _write(path: Path, index: SentenceIndex) -> None:
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as file:
            pickle.dump(index, file, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
    except OSError as error:
        _LOGGER.info("cannot write the matcher cache %s: %s", path, error)
        partial.unlink(missing_ok=True)
