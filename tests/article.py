"""The article, as far as the tests need it, without shipping it: a fingerprint.

The answers must never copy the article's sentences, and their section names must be the
article's own headings. Both checks need only hashes: of every run of ``RUN`` consecutive words,
and of every line. ``tests/data/article_fingerprint.json`` holds them; it is compared with
``../shared/article.txt`` whenever that file is there (always under ``CI=true``).

Regenerate after the article changes: ``python tests/article.py ../shared/article.txt``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT.parent / "shared" / "article.txt"
FINGERPRINT = Path(__file__).resolve().parent / "data" / "article_fingerprint.json"
RUN = 6  # this many consecutive words shared with the article count as copying


def words(text: str) -> list[str]:
    """Lower-case words, punctuation and apostrophes dropped ("What’s" -> "whats")."""
    text = text.lower().replace("’", "").replace("'", "")
    return re.sub(r"[^a-z0-9]+", " ", text).split()


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def run_hashes(text: str, size: int = RUN) -> set[str]:
    w = words(text)
    return {digest(" ".join(w[i : i + size])) for i in range(len(w) - size + 1)}


def fingerprint(text: str) -> dict[str, object]:
    lines = {line.strip() for line in text.splitlines() if line.strip()}
    return {
        "article_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "run": RUN,
        "runs": sorted(run_hashes(text)),
        "lines": sorted(digest(line) for line in lines),
    }


def load_fingerprint() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(FINGERPRINT.read_text(encoding="utf-8"))
    return loaded


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ARTICLE
    FINGERPRINT.write_text(
        json.dumps(fingerprint(source.read_text(encoding="utf-8")), indent=0) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {FINGERPRINT}")
