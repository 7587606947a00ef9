"""Load on the Wyoming server: many satellites asking at once, each checking its own answers.

    .venv/bin/python -m bench.wyoming_load [--clients 20] [--turns 50] [--workers N] [--uri URI]

Each client opens one connection and takes turns back to back (``transcript`` in, ``handled``
or ``not-handled`` out): a question, then a follow-up ("what else", "tell me more") that only
makes sense after that question. Questions are natural ones from the development sets, and
clients start at different places in them, so at any moment they ask different things and a
follow-up answered from another client's topic shows up at once. Every reply must be exactly
what a conversation of its own gives (worked out beforehand with the skill itself): any
difference is cross-talk or an error. Prints the turn-time percentiles and throughput.

With no ``--uri`` the server runs in this process on 127.0.0.1 (a free port) with ``--workers``
worker threads; with one, an already running ``neck-coach serve`` is measured. Localhost only:
the load is bounded by ``--clients`` and ``--turns``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from wyoming.asr import Transcript
from wyoming.client import AsyncTcpClient
from wyoming.handle import Handled, NotHandled

from skill.app.settings import Address, parse_uri
from skill.app.wyoming_events import Programs
from skill.app.wyoming_server import Server
from skill.app.wyoming_service import Service, default_workers
from skill.data import SkillData, load_skill_data
from skill.dialogue import DialogueManager
from skill.matcher import Matcher
from skill.matcher_cache import load_matcher
from skill.response import Kind
from skill.routine_steps import StepwiseDialogue

SETS = Path(__file__).resolve().parent / "sets"
QUESTION_FILES = ("dev_questions.yaml", "dev2_questions.yaml")
FOLLOW_UPS = ("what else", "tell me more")
# A plain answer sets the topic its follow-up continues, whatever came before it.
TOPIC_KINDS = {Kind.ANSWER}
READ_SECONDS = 120.0


@dataclass(frozen=True)
class Exchange:
    """One turn and the reply it must get: the event type and its text."""

    text: str
    reply_type: str
    reply: str


@dataclass
class LoadResult:
    clients: int
    turns: int
    questions: int
    workers: int | None
    wall_seconds: float = 0.0
    seconds: list[float] = field(default_factory=list)  # every turn's time
    errors: list[str] = field(default_factory=list)
    crossed: list[str] = field(default_factory=list)  # replies that were not this client's

    def percentile(self, share: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

    def report(self) -> str:
        turns = len(self.seconds)
        workers = "an external server" if self.workers is None else f"{self.workers} worker(s)"
        return (
            f"{self.clients} clients x {self.turns} turns ({self.questions} distinct questions, "
            f"{workers}): {turns} turns in {self.wall_seconds:.1f} s "
            f"({turns / max(self.wall_seconds, 1e-9):.0f} turns/s); "
            f"turn time p50 {1000 * self.percentile(0.5):.0f} ms, "
            f"p95 {1000 * self.percentile(0.95):.0f} ms, max {1000 * max(self.seconds):.0f} ms, "
            f"mean {1000 * statistics.fmean(self.seconds):.0f} ms; "
            f"{len(self.errors)} errors, {len(self.crossed)} cross-talk"
        )


def question_pool(data: SkillData, matcher: Matcher, count: int) -> list[tuple[Exchange, ...]]:
    """``count`` (question, follow-up) pairs whose replies do not depend on earlier turns: the
    question's answer sets the topic the follow-up continues. Replies from a fresh dialogue."""
    texts = [
        item["text"]
        for name in QUESTION_FILES
        for item in yaml.safe_load((SETS / name).read_text(encoding="utf-8"))
        if item.get("intent") not in {"fallback", "start_routine", "repeat"}
    ]
    pairs: list[tuple[Exchange, ...]] = []
    follow_ups = itertools.cycle(FOLLOW_UPS)
    for text in texts:
        dialogue = StepwiseDialogue(DialogueManager(data, matcher))
        first = dialogue.turn(text)
        if first.kind not in TOPIC_KINDS:
            continue
        follow_up = next(follow_ups)
        second = dialogue.turn(follow_up)
        pairs.append(
            (
                _exchange(text, first.kind, first.speech),
                _exchange(follow_up, second.kind, second.speech),
            )
        )
        if len(pairs) == count:
            return pairs
    raise ValueError(f"only {len(pairs)} usable questions in {', '.join(QUESTION_FILES)}")


def _exchange(text: str, kind: Kind, speech: str) -> Exchange:
    reply = "not-handled" if kind is Kind.FALLBACK else "handled"
    return Exchange(text, reply, speech)


def script_for(client: int, pairs: Sequence[tuple[Exchange, ...]], turns: int) -> list[Exchange]:
    """Client ``client``'s turns: the pairs from its own place in the pool onwards."""
    offset = (client * 7) % len(pairs)
    turns_in_order = [exchange for pair in [*pairs[offset:], *pairs[:offset]] for exchange in pair]
    rounds = -(-turns // len(turns_in_order))
    return (turns_in_order * rounds)[:turns]


async def run_client(
    address: Address, number: int, script: Sequence[Exchange], result: LoadResult
) -> None:
    connection = AsyncTcpClient(address.host, address.port, read_timeout=READ_SECONDS)
    try:
        await connection.connect()
        for turn, expected in enumerate(script):
            started = time.perf_counter()
            await connection.write_event(Transcript(text=expected.text).event())
            event = await connection.read_event()
            result.seconds.append(time.perf_counter() - started)
            where = f"client {number} turn {turn} ({expected.text!r})"
            if event is None:
                result.errors.append(f"{where}: connection closed")
                return
            if not (Handled.is_type(event.type) or NotHandled.is_type(event.type)):
                result.errors.append(f"{where}: got {event.type} {event.data}")
                continue
            if (event.type, event.data.get("text")) != (expected.reply_type, expected.reply):
                result.crossed.append(f"{where}: got {event.data.get('text')!r}")
    except (OSError, TimeoutError) as error:
        result.errors.append(f"client {number}: {type(error).__name__}: {error}")
    finally:
        await connection.disconnect()


async def measure(
    address: Address,
    pairs: Sequence[tuple[Exchange, ...]],
    clients: int,
    turns: int,
    result: LoadResult,
) -> LoadResult:
    scripts = [script_for(number, pairs, turns) for number in range(clients)]
    started = time.perf_counter()
    await asyncio.gather(
        *(run_client(address, number, script, result) for number, script in enumerate(scripts))
    )
    result.wall_seconds = time.perf_counter() - started
    return result


async def run_load(
    data: SkillData,
    matcher: Matcher,
    clients: int = 20,
    turns: int = 50,
    questions: int = 100,
    workers: int | None = None,
    address: Address | None = None,
) -> LoadResult:
    """The load against ``address``, or against a server started here with ``workers``."""
    pairs = question_pool(data, matcher, questions)
    if address is not None:
        result = LoadResult(clients, turns, len(pairs), None)
        return await measure(address, pairs, clients, turns, result)
    service = Service(data, matcher, None, workers=workers or default_workers())
    server = Server(service, Address("127.0.0.1", 0), Programs(version="bench", model=None))
    bound = await server.start()
    try:
        result = LoadResult(clients, turns, len(pairs), service.workers)
        return await measure(bound, pairs, clients, turns, result)
    finally:
        await server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.wyoming_load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--turns", type=int, default=50, help="turns per client")
    parser.add_argument("--questions", type=int, default=100, help="distinct questions")
    parser.add_argument("--workers", type=int, default=None, help="server threads (in-process)")
    parser.add_argument("--uri", type=parse_uri, default=None, help="measure a running server")
    args = parser.parse_args(argv)
    if args.uri is not None and not args.uri.loopback:
        parser.error("--uri must be on this machine (127.0.0.1 or localhost)")
    data = load_skill_data()
    matcher = load_matcher(data)
    result = asyncio.run(
        run_load(data, matcher, args.clients, args.turns, args.questions, args.workers, args.uri)
    )
    print(result.report())
    for problem in (result.errors + result.crossed)[:10]:
        print(f"  {problem}", file=sys.stderr)
    return 0 if not result.errors and not result.crossed else 1


if __name__ == "__main__":
    sys.exit(main())
