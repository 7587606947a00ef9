"""Keeping the skill's cache folder to what the running version uses.

Each cache file's name is its kind and a hash of what it was built from ("matcher-<key>.pickle",
"classifier-<key>-<key>.npz", "semantic-<key>.npz"), so every change of the intents, the code or
a library makes a new file and the old one is never read again. Left alone they pile up: a
matcher index is about 18 MB, and each upgrade or edit of the intents would leave one behind.
When a new file of a kind has been written, the others of that kind go.

Another version of Neck Coach sharing the folder (a second checkout) loses its files too; it
rebuilds them on its next start, which costs time, never correctness: a file in use stays
readable after it is removed, and a reader that finds none builds its own.
"""

from __future__ import annotations

import logging
from pathlib import Path

_LOGGER = logging.getLogger(__name__)


def remove_others(kept: Path) -> list[Path]:
    """Remove the files of ``kept``'s kind (the name before its first "-", the same suffix)
    beside it, except ``kept`` and files still being written; return what was removed."""
    kind = kept.name.split("-", 1)[0]
    removed = []
    for other in kept.parent.glob(f"{kind}-*{kept.suffix}"):
        if other == kept or ".tmp" in other.name:
            continue
        try:
            other.unlink()
        except FileNotFoundError:
            continue  # another process removed it first
        except OSError as error:
            _LOGGER.info("cannot remove the stale cache file %s: %s", other, error)
            continue
        _LOGGER.info("removed the stale cache file %s", other)
        removed.append(other)
    return removed
