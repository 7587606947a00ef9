"""Paraphrases written independently of the templates: how often the dialogue resolves them to the
right intent (the product's floor is 95%), and every red-flag question gets the caution."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from judging import caution_opening, cautioned, resolved

from skill.data import SkillData
from skill.dialogue import DialogueManager
from skill.matcher import Matcher
from skill.response import Response
from skill.vocabulary import ROUTINE_ONLY as ROUTINE_CONTROLS

ROOT = Path(__file__).resolve().parent.parent
PARAPHRASES = Path(__file__).resolve().parent / "data" / "paraphrases.yaml"
FLOOR = 0.95

Item = dict[str, Any]


@pytest.fixture(scope="module")
def items() -> list[Item]:
    loaded = yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))
    assert isinstance(loaded, list) and loaded
    return loaded


@pytest.fixture(scope="module")
def results(data: SkillData, matcher: Matcher, items: list[Item]) -> list[tuple[Item, Response]]:
    """Each paraphrase answered by a fresh conversation over the session's one matcher."""
    out = []
    for item in items:
        dm = DialogueManager(data, matcher)
        in_routine = item["intent"] in ROUTINE_CONTROLS
        out.append((item, dm.handle(item["text"], in_routine=in_routine)))
    return out


def test_the_paraphrase_file_names_known_intents(data: SkillData, items: list[Item]) -> None:
    known = set(data.intents.intents) | {"fallback"}
    assert [i["text"] for i in items if i["intent"] not in known] == []
    assert all(isinstance(i["text"], str) and i["text"].strip() for i in items)


def test_the_paraphrases_cover_every_intent(data: SkillData, items: list[Item]) -> None:
    covered = {i["intent"] for i in items}
    assert set(data.intents.intents) - covered == set()


def test_paraphrase_accuracy_meets_the_floor(
    data: SkillData, results: list[tuple[Item, Response]]
) -> None:
    caution = caution_opening(data)
    failures = [(i, r) for i, r in results if not resolved(i, r, caution)]
    accuracy = 1 - len(failures) / len(results)
    print(f"\n{'text':60} {'expected':28} {'got':28} conf")
    for item, response in failures:
        want = item["intent"] + (f" {item['slots']}" if item.get("slots") else "")
        got = response.intent if response.kind != "fallback" else "fallback"
        got += f" {dict(response.slots)}" if response.slots else ""
        print(f"{item['text'][:60]:60} {want[:28]:28} {got[:28]:28} {response.confidence:.2f}")
    print(f"paraphrase accuracy: {len(results) - len(failures)}/{len(results)} = {accuracy:.1%}")
    assert accuracy >= FLOOR


def test_every_red_flag_paraphrase_gets_the_caution(
    data: SkillData, results: list[tuple[Item, Response]]
) -> None:
    caution = caution_opening(data)
    flagged = [(i, r) for i, r in results if i.get("red_flag")]
    assert flagged
    missed = [i["text"] for i, r in flagged if not cautioned(r, caution)]
    assert missed == []


def test_no_fallback_paraphrase_gets_a_caution_or_a_routine(
    data: SkillData, results: list[tuple[Item, Response]]
) -> None:
    wrong = [
        i["text"]
        for i, r in results
        if i["intent"] == "fallback"
        and (r.red_flags or r.possible_red_flags or r.routine is not None)
    ]
    assert wrong == []
