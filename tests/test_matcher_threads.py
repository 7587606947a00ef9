"""One matcher serves several conversations at once (the Wyoming server's worker threads): threads
ranking different texts together get what one thread alone gets, while the cache of recent
rankings turns over."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from skill.data import SkillData
from skill.matcher import RECENT_QUERIES, Matcher


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
