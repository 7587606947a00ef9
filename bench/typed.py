"""Typed understanding of question sets: ``python -m bench.typed dev dev2 ... dev7``.

Each question's text goes through the dialogue as the benchmark's "typed text" column scores it
(right intent and slots; off-topic questions get no answer; routine controls are asked during a
routine), with no speech at all. It takes seconds where a spoken run takes most of an hour, so
it is the measure for a change to the templates or the matcher on the development sets.

The frozen ``test`` set is refused unless ``--held-out`` says the figure is for reporting, once
per change, never for tuning: a set tuned against stops being held out.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from skill.response import Response

from .run import RunSpec, answered, in_routine, judge, make_context
from .sets import QUESTION_KIND, SetError, load_file, set_paths

# What the benchmark's context answers: the response to a text, asked in a routine or not.
Respond = Callable[[str, bool], tuple[Response, float]]

HELD_OUT = "test"


@dataclass(frozen=True)
class Score:
    """One set's typed result."""

    name: str
    right: int
    total: int
    off_topic_answered: int
    off_topic: int
    misses: tuple[str, ...]

    def line(self) -> str:
        return (
            f"{self.name}: right {self.right}/{self.total} = {self.right / self.total:.1%}; "
            f"off-topic answered {self.off_topic_answered}/{self.off_topic} = "
            f"{self.off_topic_answered / max(1, self.off_topic):.1%}"
        )


def score(name: str, respond: Respond) -> Score:
    """How many of the set's questions the dialogue gets right, typed."""
    questions = [q for q in load_file(set_paths(name)[0]) if q.kind == QUESTION_KIND]
    right = off_topic = off_topic_answered = 0
    misses = []
    for question in questions:
        response, _ = respond(question.text, in_routine(question))
        good = bool(judge(question, response))
        right += good
        if question.out_of_domain:
            off_topic += 1
            off_topic_answered += answered(response)
        if not good:
            want = question.intent + (f" {dict(question.slots)}" if question.slots else "")
            got = response.intent + (f" {dict(response.slots)}" if response.slots else "")
            misses.append(f"  {question.text!r}: want {want}, got {got} ({response.kind})")
    return Score(name, right, len(questions), off_topic_answered, off_topic, tuple(misses))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.typed", description=__doc__)
    parser.add_argument("sets", nargs="+", help="set names (bench/sets/NAME_questions.yaml)")
    parser.add_argument("--misses", action="store_true", help="list every question got wrong")
    parser.add_argument(
        "--held-out",
        action="store_true",
        help=f"allow the frozen '{HELD_OUT}' set (reporting only: it lists no misses)",
    )
    args = parser.parse_args(argv)
    if HELD_OUT in args.sets and not args.held_out:
        parser.error(f"'{HELD_OUT}' is the frozen held-out set: add --held-out to report on it")
    context = make_context(RunSpec(strategies=("open",)), with_model=False)
    total_right = total = 0
    for name in args.sets:
        try:
            result = score(name, context.respond)
        except SetError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(result.line())
        total_right, total = total_right + result.right, total + result.total
        if args.misses and name != HELD_OUT:
            print("\n".join(result.misses))
    if len(args.sets) > 1:
        print(f"all: right {total_right}/{total} = {total_right / total:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
