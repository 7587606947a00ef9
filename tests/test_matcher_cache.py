"""The matcher's start-up cache: same answers from the cache, rebuilt when it cannot be read."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from skill import matcher_cache
from skill.data import load_skill_data
from skill.index import SentenceIndex
from skill.matcher_cache import cache_key, load_matcher


def test_a_cached_matcher_ranks_like_a_fresh_one(tmp_path: Path) -> None:
    data = load_skill_data()
    fresh = load_matcher(data, cache_dir=tmp_path, semantic=False)
    assert len(list(tmp_path.glob("matcher-*.pickle"))) == 1
    cached = load_matcher(data, cache_dir=tmp_path, semantic=False)
    for text in ("can stres cause spasms", "what helps a stiff neck", "tell me a joke"):
        assert cached.rank(text)[:3] == fresh.rank(text)[:3]


def test_a_new_build_removes_the_files_of_older_builds(tmp_path: Path) -> None:
    """Each change of the intents or the code makes a new cache file; the old ones (18 MB each)
    go, others' kinds and files still being written stay."""
    older = tmp_path / "matcher-0123456789abcdef0123.pickle"
    older.write_bytes(b"an older version's index")
    writing = tmp_path / "matcher-0123456789abcdef0123.4242.tmp"
    writing.write_bytes(b"another process's half-written index")
    classifier = tmp_path / "classifier-0123456789abcdef0123-01234567.npz"
    classifier.write_bytes(b"an older classifier")
    load_matcher(load_skill_data(), cache_dir=tmp_path, semantic=False)
    (current,) = tmp_path.glob("matcher-*.pickle")
    assert current != older
    assert not older.exists()
    assert writing.exists()
    assert classifier.exists()  # only a new classifier replaces the old classifiers


def test_an_unreadable_cache_is_rebuilt(tmp_path: Path) -> None:
    data = load_skill_data()
    load_matcher(data, cache_dir=tmp_path, semantic=False)
    (cache,) = tmp_path.glob("matcher-*.pickle")
    cache.write_bytes(b"not a pickle")
    matcher = load_matcher(data, cache_dir=tmp_path, semantic=False)
    assert matcher.rank("what causes neck pain")[0].intent == "pain_causes"
    assert cache.read_bytes() != b"not a pickle"


@pytest.mark.parametrize("foreign", [{}, [], 42, "index"])
def test_a_well_formed_but_foreign_cache_is_rebuilt_not_trusted(
    tmp_path: Path, foreign: object
) -> None:
    data = load_skill_data()
    intents = data.intents
    path = tmp_path / f"matcher-{cache_key(intents)}.pickle"
    path.write_bytes(pickle.dumps(foreign))
    matcher = load_matcher(data, cache_dir=tmp_path, semantic=False)
    assert matcher.rank("what causes neck pain")[0].intent == "pain_causes"
    assert isinstance(pickle.loads(path.read_bytes()), SentenceIndex)


def test_the_cache_key_names_the_libraries_that_shape_the_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = load_skill_data()
    intents = data.intents
    before = cache_key(intents)
    real = matcher_cache._version
    monkeypatch.setattr(
        matcher_cache, "_version", lambda name: "9.9" if name == "rapidfuzz" else real(name)
    )
    assert cache_key(intents) != before
