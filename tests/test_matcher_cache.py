"""The matcher's start-up cache: same answers from the cache, rebuilt when it cannot be read."""

from __future__ import annotations

from pathlib import Path

from skill.data import load_skill_data
from skill.matcher import load_matcher


def test_a_cached_matcher_ranks_like_a_fresh_one(tmp_path: Path) -> None:
    intents = load_skill_data().intents
    fresh = load_matcher(intents, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("matcher-*.pickle"))) == 1
    cached = load_matcher(intents, cache_dir=tmp_path)
    for text in ("can stres cause spasms", "what helps a stiff neck", "tell me a joke"):
        assert cached.rank(text)[:3] == fresh.rank(text)[:3]


def test_an_unreadable_cache_is_rebuilt(tmp_path: Path) -> None:
    intents = load_skill_data().intents
    load_matcher(intents, cache_dir=tmp_path)
    (cache,) = tmp_path.glob("matcher-*.pickle")
    cache.write_bytes(b"not a pickle")
    matcher = load_matcher(intents, cache_dir=tmp_path)
    assert matcher.rank("what causes neck pain")[0].intent == "pain_causes"
    assert cache.read_bytes() != b"not a pickle"
