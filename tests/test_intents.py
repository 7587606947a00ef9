"""Intent templates: every sentence they produce matches back to its own intent, and broken intent
files are reported with file and line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from skill.data import SkillData, load_skill_data
from skill.errors import DataError
from skill.index import MAX_COMPARED_PER_INTENT
from skill.intents_file import load_intents
from skill.matcher import Matcher

ROOT = Path(__file__).resolve().parent.parent


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line containing ``fragment``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def problems(directory: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(DataError) as caught:
        load_intents(directory)
    return [(p.path.name, p.line, p.message) for p in caught.value.problems]


def assert_reported(found: list[tuple[str, int, str]], name: str, line: int, words: str) -> None:
    hits = [p for p in found if p[0] == name and p[1] == line and words in p[2]]
    assert hits, f"expected {name}:{line} '{words}', got {found}"


# -- every template round-trips -------------------------------------------------------------


def test_every_template_sentence_matches_its_own_intent(data: SkillData, matcher: Matcher) -> None:
    # The index keeps a sample of each large intent's sentences: those must come back exactly;
    # a fixed sample of the others, found by similarity and the slot spotter, nearly always.
    table = matcher.index.table
    samples = list(data.intents.samples())
    kept = [s for s in samples if matcher.canonical(s[1]) in table]
    others = [s for s in samples if matcher.canonical(s[1]) not in table][::500]
    for name, group, floor in (("kept", kept, 0.99), ("others", others, 0.95)):
        failures = []
        for intent, sentence, slots in group:
            ranked = matcher.rank(sentence)
            top = ranked[0] if ranked else None
            if top is None or top.intent != intent or dict(top.slots) != dict(slots):
                got = (top.intent, dict(top.slots)) if top else None
                failures.append((intent, sentence, dict(slots), got))
        rate = 1 - len(failures) / len(group)
        print(f"\nround trip, {name}: {len(group) - len(failures)}/{len(group)} = {rate:.4%}")
        for failure in failures[:20]:
            print("  FAIL", failure)
        print("  failures by intent:", dict(Counter(f[0] for f in failures)))
        assert rate >= floor, failures[:20]


def test_a_long_slot_list_is_compared_by_a_sample_that_keeps_every_value(
    data: SkillData, matcher: Matcher
) -> None:
    index = matcher.index
    sizes = {name: end - start for name, (start, end) in index.slices.items()}
    assert max(sizes.values()) <= MAX_COMPARED_PER_INTENT
    assert len(index.table) > len(index.sentences)  # the templates say more than is compared
    for name in ("ask_cause", "ask_treatment", "start_routine"):
        start, end = index.slices[name]
        compared = {index.table[s][1] for s in index.sentences[start:end]}
        said = {slots for intent, _, slots in data.intents.samples() if intent == name}
        assert compared == said, name


_SAMPLE_FINGERPRINT = """
import hashlib
from skill.data import load_skill_data
from skill.index import MAX_KEPT_PER_INTENT, balanced_samples
rows = balanced_samples(load_skill_data().intents, MAX_KEPT_PER_INTENT)
print(hashlib.sha256(repr(rows).encode()).hexdigest())
"""


def test_the_balanced_sample_is_the_same_in_every_process() -> None:
    """The classifier is trained on this sample, in this order: were it to follow a set's order
    (which changes with each process's string hashing), two set-ups would train two different
    classifiers and a question could be rescued in one and not in the other."""
    fingerprints = {
        subprocess.run(
            [sys.executable, "-c", _SAMPLE_FINGERPRINT],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(fingerprints) == 1, fingerprints


def test_slot_combinations_are_those_of_the_expanded_sentences(data: SkillData) -> None:
    """Loading checks every slot combination has an answer without expanding a sentence; it
    must find exactly the combinations the sentences carry."""
    for intent in data.intents.intents.values():
        expanded = {tuple(sorted(slots)) for _, slots in data.intents.expand(intent)}
        combined = {tuple(sorted(slots)) for slots in data.intents.slot_combinations(intent)}
        assert combined == expanded, intent.name


def test_every_intent_has_sentences(data: SkillData) -> None:
    counts = Counter(name for name, _, _ in data.intents.samples())
    assert set(counts) == set(data.intents.intents)


def test_every_intent_has_a_sentence_that_matches_it_exactly(
    data: SkillData, matcher: Matcher
) -> None:
    missing = []
    for intent in data.intents.intents.values():
        if not any(
            (top := matcher.rank(text)) and top[0].intent == intent.name
            for text, _ in data.intents.expand(intent)
        ):
            missing.append(intent.name)
    assert missing == []


@pytest.mark.parametrize("text", ["okay", "ok"])
def test_yes_words_that_are_also_filler_still_match_yes(matcher: Matcher, text: str) -> None:
    ranked = matcher.rank(text)
    assert ranked and ranked[0].intent == "yes"


# -- expansion ------------------------------------------------------------------------------

SMALL = """\
intents:
  greet:
    response: greet.{who}
    sentences:
      - "(hi|hello) [there] {who}"
      - "<polite> {who}"
expansion_rules:
  polite: "good (morning|evening)"
lists:
  who:
    values:
      - in: "(bob|robert)"
        out: bob
      - sue
"""


def test_expand_produces_every_sentence_with_its_slots(tmp_path: Path) -> None:
    write(tmp_path, "small.yaml", SMALL)
    intents = load_intents(tmp_path)
    produced = sorted(intents.expand(intents.intents["greet"]))
    expected = sorted(
        [
            (f"{hello}{there} {name}", (("who", value),))
            for hello in ("hi", "hello")
            for there in ("", " there")
            for name, value in (("bob", "bob"), ("robert", "bob"), ("sue", "sue"))
        ]
        + [
            (f"good {when} {name}", (("who", value),))
            for when in ("morning", "evening")
            for name, value in (("bob", "bob"), ("robert", "bob"), ("sue", "sue"))
        ]
    )
    assert produced == expected


def test_samples_name_the_intent_and_response_keys_fill_the_slot(tmp_path: Path) -> None:
    write(tmp_path, "small.yaml", SMALL)
    intents = load_intents(tmp_path)
    samples = list(intents.samples())
    assert {name for name, _, _ in samples} == {"greet"}
    assert ("greet", "hello there sue", (("who", "sue"),)) in samples
    greet = intents.intents["greet"]
    assert greet.response_key({"who": "sue"}) == "greet.sue"
    assert greet.response_key({}) is None


def test_slot_values_and_phrases_of_a_list(tmp_path: Path) -> None:
    write(tmp_path, "small.yaml", SMALL)
    intents = load_intents(tmp_path)
    assert intents.slot_values("who") == ["bob", "sue"]
    assert sorted(intents.phrases(intents.lists["who"][0])) == ["bob", "robert"]


# -- broken intent files: file and line -----------------------------------------------------

GOOD_INTENT = """\
intents:
  hello:
    action: help
    sentences:
      - "hello there"
"""


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    text = 'intents:\n  hello:\n    action: help\n    sentences: ["hello there"\n  bye:\n'
    write(tmp_path, "broken.yaml", text)
    found = problems(tmp_path)
    assert len(found) == 1
    name, line, message = found[0]
    assert (name, "YAML syntax error" in message) == ("broken.yaml", True)
    assert 4 <= line <= 5


def test_unknown_intent_key_names_its_line(tmp_path: Path) -> None:
    text = GOOD_INTENT.replace("    action: help\n", "    action: help\n    respnse: x\n")
    write(tmp_path, "a.yaml", text)
    assert_reported(problems(tmp_path), "a.yaml", line_of(text, "respnse"), "unknown key 'respnse'")


def test_unknown_file_key_names_its_line(tmp_path: Path) -> None:
    text = GOOD_INTENT + "slots: {}\n"
    write(tmp_path, "a.yaml", text)
    assert_reported(problems(tmp_path), "a.yaml", line_of(text, "slots:"), "unknown key 'slots'")


def test_unknown_action_names_its_line(tmp_path: Path) -> None:
    text = GOOD_INTENT.replace("action: help", "action: dance")
    write(tmp_path, "a.yaml", text)
    assert_reported(problems(tmp_path), "a.yaml", line_of(text, "dance"), "unknown action 'dance'")


def test_response_and_action_together_are_reported(tmp_path: Path) -> None:
    text = GOOD_INTENT.replace("    action: help\n", "    action: help\n    response: x\n")
    write(tmp_path, "a.yaml", text)
    assert_reported(
        problems(tmp_path), "a.yaml", line_of(text, "hello:"), "exactly one of response, action"
    )


def test_neither_response_nor_action_is_reported(tmp_path: Path) -> None:
    text = GOOD_INTENT.replace("    action: help\n", "")
    write(tmp_path, "a.yaml", text)
    assert_reported(
        problems(tmp_path), "a.yaml", line_of(text, "hello:"), "exactly one of response, action"
    )


def test_duplicate_intent_across_files_names_both_places(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD_INTENT)
    other = "# the same name again\n" + GOOD_INTENT
    write(tmp_path, "b.yaml", other)
    found = problems(tmp_path)
    assert_reported(found, "b.yaml", line_of(other, "hello:"), "duplicate intent name 'hello'")
    assert f"a.yaml:{line_of(GOOD_INTENT, 'hello:')}" in found[0][2]


def test_empty_template_names_its_line(tmp_path: Path) -> None:
    text = GOOD_INTENT + '      - ""\n'
    write(tmp_path, "a.yaml", text)
    assert_reported(problems(tmp_path), "a.yaml", line_of(text, '- ""'), "empty template")


def test_unparsable_template_names_its_line(tmp_path: Path) -> None:
    text = GOOD_INTENT + '      - "what (is"\n'
    write(tmp_path, "a.yaml", text)
    assert_reported(
        problems(tmp_path), "a.yaml", line_of(text, "what (is"), "cannot parse template"
    )


def test_intent_without_sentences_is_reported(tmp_path: Path) -> None:
    text = "intents:\n  hello:\n    action: help\n    sentences: []\n"
    write(tmp_path, "a.yaml", text)
    assert_reported(problems(tmp_path), "a.yaml", 3, "has no sentences")


def test_unknown_list_reference_is_reported(tmp_path: Path) -> None:
    text = GOOD_INTENT.replace('"hello there"', '"hello {nobody}"')
    write(tmp_path, "a.yaml", text)
    assert_reported(problems(tmp_path), "a.yaml", line_of(text, "hello:"), "unknown list 'nobody'")


def test_unknown_rule_reference_is_reported(tmp_path: Path) -> None:
    text = GOOD_INTENT.replace('"hello there"', '"hello <nowhere>"')
    write(tmp_path, "a.yaml", text)
    assert_reported(problems(tmp_path), "a.yaml", line_of(text, "hello:"), "unknown rule 'nowhere'")


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD_INTENT.replace("action: help", "action: dance"))
    write(tmp_path, "b.yaml", "intents:\n  x: [\n")
    found = problems(tmp_path)
    assert {name for name, _, _ in found} == {"a.yaml", "b.yaml"}


def test_empty_directory_is_reported(tmp_path: Path) -> None:
    assert "no intent files" in problems(tmp_path)[0][2]


# -- cross-file checks in load_skill_data ---------------------------------------------------


def data_dir_with(tmp_path: Path, intents_text: str) -> Path:
    """A data folder with the real content/ and routines/ and one intents file."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "routines", tmp_path / "routines")
    (tmp_path / "intents").mkdir()
    write(tmp_path / "intents", "x.yaml", intents_text)
    return tmp_path


def skill_problems(root: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(DataError) as caught:
        load_skill_data(root)
    return [(p.path.name, p.line, p.message) for p in caught.value.problems]


def test_the_real_data_loads(data: SkillData) -> None:
    assert data.intents.intents and data.content.answers and data.routines


def test_a_response_without_an_answer_is_reported(tmp_path: Path) -> None:
    text = 'intents:\n  ghost:\n    response: no_such_answer\n    sentences: ["boo"]\n'
    found = skill_problems(data_dir_with(tmp_path, text))
    assert_reported(found, "x.yaml", 2, "no answer 'no_such_answer'")


def test_a_slot_response_missing_one_answer_names_that_key(tmp_path: Path) -> None:
    text = (
        "intents:\n"
        "  about:\n"
        '    response: "cause.{cause}"\n'
        '    sentences: ["{cause}"]\n'
        "lists:\n"
        "  cause:\n"
        "    values: [stress, moonlight]\n"
    )
    found = skill_problems(data_dir_with(tmp_path, text))
    assert [m for _, _, m in found] == ["intent 'about': no answer 'cause.moonlight'"]


def test_a_routine_list_value_naming_no_routine_is_reported(tmp_path: Path) -> None:
    text = (
        "intents:\n"
        "  go:\n"
        "    action: start_routine\n"
        '    sentences: ["start {routine}"]\n'
        "lists:\n"
        "  routine:\n"
        "    values: [desk_break, yoga_marathon]\n"
    )
    found = skill_problems(data_dir_with(tmp_path, text))
    unknown = [(f, line) for f, line, m in found if "unknown routine 'yoga_marathon'" in m]
    assert unknown and unknown[0][1] == 7, found  # the file and line of the values list
    assert not any("unknown routine 'desk_break'" in m for _, _, m in found)


# -- statements: what people tell, for the recognizer only ----------------------------------

STATEMENTS = """\
statements:
  weakness:
    description: a weak hand
    sentences:
      - "my (hand|arm) feels weak"
      - "i keep dropping things"
"""


def test_statements_expand_for_the_recognizer_and_need_no_intents(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD_INTENT)
    write(tmp_path, "b.yaml", STATEMENTS)
    intents = load_intents(tmp_path)
    assert sorted(intents.statement_sentences()) == [
        "i keep dropping things",
        "my arm feels weak",
        "my hand feels weak",
    ]
    assert list(intents.intents) == ["hello"]


def test_statements_without_sentences_or_with_unknown_keys_are_reported(tmp_path: Path) -> None:
    text = STATEMENTS.replace("    description: a weak hand\n", "    response: x\n")
    text += "  fever:\n    sentences: []\n"
    write(tmp_path, "b.yaml", text)
    found = problems(tmp_path)
    assert_reported(found, "b.yaml", line_of(text, "response: x"), "unknown key 'response'")
    assert_reported(found, "b.yaml", line_of(text, "fever:") + 1, "has no sentences")


def test_a_file_with_neither_intents_nor_statements_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "lists: {}\n")
    assert_reported(problems(tmp_path), "a.yaml", 1, "needs 'intents' or 'statements'")


def test_the_recognizer_expects_the_warning_signs_but_the_matcher_answers_no_statement(
    data: SkillData, matcher: Matcher
) -> None:
    from skill.index import recognizer_sentences

    said = set(recognizer_sentences(data.intents, matcher.index))
    statements = set(data.intents.statement_sentences())
    told = {"my hand feels weak", "i can't feel my fingers", "i fell off my bike"}
    assert told <= statements & said
    assert not told & set(matcher.spoken_sentences)
