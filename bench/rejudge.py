"""Judging a development run again with today's dialogue: ``python -m bench.rejudge OUT``.

A benchmark run (``python -m bench --out OUT``) records, for every utterance, every hypothesis
the recognizer gave the dialogue: its readings with their posteriors and the partial results.
Recognition is the slow part of a run; the dialogue's choices (which reading to take, when to
fall back) cost milliseconds. This tool rebuilds each ``Transcript`` from the record, asks a
fresh dialogue again, and judges the response as the run does, so a change to the dialogue can
be measured on a development run in seconds instead of re-running the audio.

It refuses a run of the frozen ``test`` set: that set is for reporting, and a dialogue tuned by
re-judging it would no longer be measured on held-out speech. The figures only stay valid while
recognition is unchanged (the same graph, the same model): after a change to the intents, whose
templates build the domain graph, record a new development run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from audio.events import Hypothesis, Transcript
from skill.data import load_skill_data
from skill.dialogue import DialogueManager
from skill.matcher_cache import load_matcher

from .run import answered, cautioned, in_routine, judge
from .sets import QUESTION_KIND, Question

SYSTEM = "domain"
FROZEN_SET = "test"


def records(out: Path) -> Iterator[dict[str, Any]]:
    with (out / "utterances.jsonl").open() as lines:
        for line in lines:
            yield json.loads(line)


def question_of(record: Mapping[str, Any]) -> Question:
    """The item as the run judged it (what ``bench.run.item_fields`` recorded)."""
    kind = record["item_kind"] if record["item_kind"] == QUESTION_KIND else "red_flag"
    return Question(
        index=int(record["question"][1:]),
        text=record["reference"],
        intent=record["expected"] if kind == QUESTION_KIND else "",
        red_flag=bool(record["red_flag"]),
        kind=kind,
        sign=record["sign"],
        control=record["control"],
    )


def transcript_of(system: Mapping[str, Any]) -> Transcript:
    return Transcript(
        text=system["text"],
        confidence=system["confidence"],
        source="bench",
        alternatives=tuple(Hypothesis(text, score) for text, score in system["alternatives"]),
        partials=tuple(system["partials"]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a development run's output folder")
    parser.add_argument("--show", type=int, default=0, help="print up to N changed verdicts")
    args = parser.parse_args(argv)
    meta = json.loads((args.out / "results.json").read_text())["meta"]
    if meta.get("set") == FROZEN_SET:
        print(f"{args.out} is a run of the frozen test set: it is never re-judged.")
        return 2
    data = load_skill_data()
    # As the run answered: with the intent classifier, trained now if this version has none.
    matcher = load_matcher(data, train=True)
    # Per group: right in the run, right now, items.
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    changed = []
    for record in records(args.out):
        system = record["systems"].get(SYSTEM)
        if system is None or "alternatives" not in system:
            continue
        question = question_of(record)
        response = DialogueManager(data, matcher).handle(
            system["text"], in_routine=in_routine(question), heard=transcript_of(system)
        )
        group = "clean" if record["condition"] == "clean" else "noise"
        if question.kind != QUESTION_KIND:
            # Right: a caution for a sign, none for a control.
            key = f"red-flag set right, {group}"
            due = question.sign != "none"
            verdict, before = cautioned(response) == due, bool(system["cautioned"]) == due
        elif question.out_of_domain:
            key = f"off-topic accepted, {group}"
            verdict, before = answered(response), bool(system["false_accept"])
        else:
            key = f"in-domain right, {group}"
            verdict, before = bool(judge(question, response)), bool(system["correct"])
        row = tally[key]
        row[0] += before
        row[1] += verdict
        row[2] += 1
        if verdict != before:
            changed.append((key, record["reference"], system["text"], response.intent, verdict))
    for key in sorted(tally):
        then, now, n = tally[key]
        print(
            f"{key:28} run {then:4d}/{n} = {100 * then / n:5.1f}%   now {now:4d}/{n} = "
            f"{100 * now / n:5.1f}%"
        )
    for key, reference, heard, intent, verdict in changed[: args.show]:
        print(f"  {key}: {reference!r} heard {heard!r} -> {intent} ({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
