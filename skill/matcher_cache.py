"""The matcher's index on disk, so later starts skip expanding ~92k template sentences.

The cache file holds one pickled ``SentenceIndex``. Its name is a hash of everything the index
depends on: the intent files, the code that builds it, and the versions of Python, hassil,
rapidfuzz and numpy; any change to one makes a new name and so a fresh build. What is read back
is checked to be a ``SentenceIndex`` for these intents; anything else (a damaged or foreign file)
is rebuilt and replaced, never trusted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from importlib import metadata
from pathlib import Path

from .data import SkillData
from .index import SentenceIndex, build_index
from .intents import IntentSet
from .matcher import Matcher

_LOGGER = logging.getLogger(__name__)

# The modules whose code shapes the index.
_CODE = ("index.py", "intents.py", "intents_file.py", "slots.py", "text.py", "matcher_cache.py")
_LIBRARIES = ("hassil", "rapidfuzz", "numpy")


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("neck-coach"))


def load_matcher(
    data: SkillData, cache_dir: Path | None = None, *, semantic: bool = True
) -> Matcher:
    """The skill's ``Matcher``: its index read from the cache or built and then cached, with the
    semantic second opinion (``skill.semantic``) unless ``semantic`` is False or its embedding
    package cannot be loaded."""
    folder = cache_dir or default_cache_dir()
    path = folder / f"matcher-{cache_key(data.intents)}.pickle"
    index = _read(path, data.intents)
    if index is None:
        index = build_index(data.intents)
        _write(path, index)
    rescorer = None
    if semantic:
        from .semantic import load_rescorer

        rescorer = load_rescorer(data.intents, data.off_topic, cache_dir=folder)
    return Matcher(data.intents, index, rescorer)


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
