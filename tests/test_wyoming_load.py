"""The Wyoming server under load on localhost: 20 clients taking 50 turns each at once, with two
worker threads. No turn may fail and every reply must be the one that client's own
conversation gives (no cross-talk); the turn-time percentiles are printed
(``pytest tests/test_wyoming_load.py -s``; ``python -m bench.wyoming_load`` measures the same)."""

from __future__ import annotations

import asyncio

import pytest

from bench.wyoming_load import run_load
from skill.data import SkillData
from skill.matcher import Matcher

pytestmark = pytest.mark.slow


def test_twenty_clients_fifty_turns_each_without_errors_or_cross_talk(
    data: SkillData, matcher: Matcher
) -> None:
    result = asyncio.run(run_load(data, matcher, clients=20, turns=50, workers=2))
    print(f"\n{result.report()}")
    assert result.errors == []
    assert result.crossed == []
    assert len(result.seconds) == 20 * 50
