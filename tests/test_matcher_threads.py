"""One matcher serves several conversations at once (the Wyoming server's worker threads): threads
ranking different texts together get what one thread alone gets, while the cache of recent
rankings turns over; and texts prepared together rank as they would one by one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from skill.data import SkillData
from skill.matcher import RECENT_QUERIES, IntentMatch, Matcher


def test_threads_ranking_at_once_get_what_one_thread_gets(data: SkillData) -> None:
    matcher = Matcher(data.intents)
    # Exact template sentences rank in microseconds, so the cache turns over many times.
    texts = sorted(set(matcher.spoken_sentences))[: RECENT_QUERIES * 4]
    alone = {text: Matcher(data.intents, matcher.index).rank(text) for text in texts}

    def rank_all(offset: int) -> list[bool]:
        order = texts[offset:] + texts[:offset]
        return [matcher.rank(text) == alone[text] for text in order * 3]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(rank_all, range(0, 4 * 37, 37)))
    assert all(all(same) for same in results)


def test_readings_prepared_together_rank_as_they_would_one_by_one(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The dialogue prepares the recognizer's other readings in one go: paraphrases, slips, an
    # exact sentence, filler and off-topic words.
    readings = [
        "what simple things can help with make pain",
        "what simple thing can help with neck pain",
        "how long does a neck spasm last",
        "does the weather in peru cause this",
        "um",
        "what simple things can help with make pain",  # a repeat is ranked once
    ]
    alone = [matcher.with_rescorer(matcher.rescorer).rank(text) for text in readings]
    prepared = matcher.with_rescorer(matcher.rescorer)
    prepared.prepare(readings)

    def not_again(text: str, allowed: set[str] | None) -> list[IntentMatch]:
        raise AssertionError(f"{text!r} was ranked again")

    monkeypatch.setattr(prepared, "_rank", not_again)
    assert [prepared.rank(text) for text in readings] == alone
