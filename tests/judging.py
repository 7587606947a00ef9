"""How a typed question's response is judged right, shared by the accuracy tests: the right
intent and slots; off-topic, no answer; a red flag, the caution first (naming the sign), then
the expected answer, the "see a doctor" one, or nothing more (the caution says what to do)."""

from __future__ import annotations

from collections.abc import Mapping

from skill.data import SkillData
from skill.response import Response


def caution_opening(data: SkillData) -> str:
    """How every caution begins ("You mentioned ...")."""
    return data.content.prompts["red_flag_heard"].split("{")[0]


def cautioned(response: Response, caution: str) -> bool:
    """The caution came first and the response carries the sign (typed, a sign is never only
    possible)."""
    return bool(response.red_flags) and response.text.startswith(caution)


def resolved(item: Mapping[str, object], response: Response, caution: str) -> bool:
    expected = item["intent"]
    if expected == "fallback":
        return response.kind == "fallback"
    if item.get("red_flag"):
        if not cautioned(response, caution):
            return False
        if response.intent in {"when_doctor", "fallback"}:
            return True
    slots = item.get("slots") or {}
    assert isinstance(slots, Mapping)
    return response.intent == expected and all(
        response.slots.get(str(k)) == v for k, v in slots.items()
    )
