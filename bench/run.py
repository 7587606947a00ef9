"""Running the spoken set through Neck Coach the way the microphone path does.

Each WAV is streamed in 30 ms chunks (without sleeping) through ``audio.microphone.listen`` with
an ``Endpointer`` and a recognizer, then the transcript goes to a fresh conversation of the
``DialogueManager``.

Strategies are named as in ``audio.strategies.STRATEGIES``, each on the stock model or on its
own model folder (``--model-for NAME=PATH``). Any strategy runs generically: a recognizer from
``make_recognizer`` per batch, its own ``listen`` pass over the file. The four strategies built
from the stock model's open and constrained recognizers (``SHARED``: open, constrained,
corrected, hybrid) share one decoding pass instead, to fit the time budget: the open and
constrained Vosk recognizers see the same audio inside the real ``Hybrid`` (or a plain tee when
hybrid is not asked for), each records what it returned and how long each call took, and the
transcripts of ``open``, ``constrained`` and ``corrected`` are rebuilt from those records
exactly as ``make_recognizer`` builds them (a test checks ``hybrid`` hears what
``make_recognizer("hybrid")`` hears).

The shared pass always runs the stock model's open recognizer: its transcript is the reference
row ``stock open`` (Vosk as shipped, open vocabulary, Neck Coach's matcher and dialogue) and
what the peers (hassil strict, nearest sentence) are given, as Home Assistant and Rhasspy would
be. The ``open`` strategy on the stock model *is* ``stock open`` and is reported under that name.

Latency is the work left after the user stops talking: the endpointer's silence wait (counted
as audio time, since live audio needs that long to arrive) plus the measured time from the
moment the chunk that ends the utterance is fed until the dialogue returns its response. For the
rebuilt component strategies that time is the sum of their own calls; for ``hybrid`` and the
generic strategies it is the wall clock of ``listen`` from that chunk on.

Recognizers are reused over a batch of consecutive items in one voice and condition (as a
session reuses them between turns) and made fresh for every batch; batches are fixed, so the
results do not depend on ``--jobs``.
"""

from __future__ import annotations

import logging
import resource
import time
import wave
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audio.convert import chunks as split_chunks
from audio.endpoint import FRAME_MS, Endpointer, EndpointEvent
from audio.events import RATE, AudioChunk, Transcript
from audio.microphone import DEFAULT_TIMEOUT, listen
from audio.model import load_model, locate_model
from audio.recognizer import Recognizer, join_transcripts, known_words
from audio.strategies import (
    Corrected,
    Corrector,
    Hybrid,
    SpeechToText,
    make_recognizer,
    vocabulary_grammar,
)
from skill.app.recognition import domain_model_path
from skill.data import SkillData, default_data_dir, load_skill_data
from skill.dialogue import DialogueManager
from skill.matcher import Matcher
from skill.matcher_cache import load_matcher
from skill.response import Response
from skill.vocabulary import ROUTINE_ONLY as ROUTINE_CONTROLS

from .audio_set import Sample
from .peers import FALLBACK, FuzzyPeer, HassilPeer, PeerAnswer
from .sets import Question

_LOGGER = logging.getLogger(__name__)

CHUNK_MS = 30
# Items per batch: one set of recognizers serves a batch, in order.
BATCH = 40
# Strategies the shared decoding pass rebuilds from the stock open and constrained recognizers.
SHARED = ("open", "constrained", "corrected", "hybrid")
# The reference row: the stock model, open vocabulary, Neck Coach's matcher; the peers' input.
STOCK_OPEN = "stock open"
PEERS = ("hassil", "fuzzy")

Call = tuple[float, float]  # (start, seconds)


def _tail(calls: Sequence[Call], t0: float) -> float:
    return sum(seconds for start, seconds in calls if start >= t0)


def _total(calls: Sequence[Call]) -> float:
    return sum(seconds for _, seconds in calls)


class TimedRecognizer(Recognizer):
    """A ``Recognizer`` that remembers its results and the time of every call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[Call] = []
        self.results: list[Transcript] = []

    def accept(self, chunk: AudioChunk) -> Transcript | None:
        start = time.perf_counter()
        result = super().accept(chunk)
        self.calls.append((start, time.perf_counter() - start))
        if result is not None:
            self.results.append(result)
        return result

    def finish(self) -> Transcript:
        start = time.perf_counter()
        result = super().finish()
        self.calls.append((start, time.perf_counter() - start))
        self.results.append(result)
        return result

    def take(self) -> tuple[Transcript, list[Call]]:
        """This utterance's transcript (as ``listen`` would join it) and calls; then forget."""
        transcript = join_transcripts(self.results, self.source)
        calls = self.calls
        self.results, self.calls = [], []
        return transcript, calls


class TimedCorrector(Corrector):
    """A ``Corrector`` that remembers its outputs and the time of every call."""

    def __init__(self, sentences: Sequence[str]) -> None:
        super().__init__(sentences)
        self.calls: list[Call] = []
        self.results: list[Transcript] = []

    def __call__(self, transcript: Transcript) -> Transcript:
        start = time.perf_counter()
        result = super().__call__(transcript)
        self.calls.append((start, time.perf_counter() - start))
        self.results.append(result)
        return result

    def take(self, source: str) -> tuple[Transcript, list[Call]]:
        transcript = join_transcripts(self.results, source)
        calls = self.calls
        self.results, self.calls = [], []
        return transcript, calls


class TimedEndpointer(Endpointer):
    """An ``Endpointer`` that notes when the chunk ending the utterance was fed."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.last_start = 0.0
        self.ended_start: float | None = None
        self.ended_at: float | None = None

    def feed(self, chunk: AudioChunk) -> list[EndpointEvent]:
        start = time.perf_counter()
        events = super().feed(chunk)
        self.calls.append((start, time.perf_counter() - start))
        self.last_start = start
        for event in events:
            if event.kind == "speech_ended" and self.ended_start is None:
                self.ended_start, self.ended_at = start, event.at
        return events

    @property
    def silence_ms(self) -> int:
        return self.silence_frames * FRAME_MS


class Tee:
    """Feeds every chunk to several recognizers (when ``hybrid`` is not among the strategies)."""

    def __init__(self, parts: Sequence[SpeechToText]) -> None:
        self.parts = list(parts)
        self.source = self.parts[0].source

    def accept(self, chunk: AudioChunk) -> Transcript | None:
        for part in self.parts:
            part.accept(chunk)
        return None

    def partial(self) -> str:
        return ""

    def finish(self) -> Transcript:
        results = [part.finish() for part in self.parts]
        return results[0]

    def transcribe(self, chunks: Iterable[AudioChunk]) -> Transcript:
        for chunk in chunks:
            self.accept(chunk)
        return self.finish()


class FileSource:
    """A ``ChunkSource`` over a file's audio: 30 ms chunks as fast as they are taken."""

    def __init__(self, audio: bytes, chunk_ms: int = CHUNK_MS) -> None:
        self.audio = audio
        self.samples_per_chunk = RATE * chunk_ms // 1000
        self.fed_seconds = 0.0

    def chunks(self, timeout: float = DEFAULT_TIMEOUT) -> Iterator[AudioChunk]:
        for chunk in split_chunks(self.audio, samples_per_chunk=self.samples_per_chunk):
            self.fed_seconds += chunk.seconds
            yield chunk


def read_pcm(path: Path) -> bytes:
    with wave.open(str(path), "rb") as wav:
        if (wav.getframerate(), wav.getsampwidth(), wav.getnchannels()) != (RATE, 2, 1):
            raise ValueError(f"{path} is not 16 kHz 16-bit mono")
        return wav.readframes(wav.getnframes())


# -- judging ------------------------------------------------------------------------------------


def in_routine(question: Question) -> bool:
    """Routine controls are asked during a routine, as the session would."""
    return question.intent in ROUTINE_CONTROLS


def answered(response: Response) -> bool:
    """Whether the response answers something (not a fallback, not "I didn't catch that")."""
    return response.kind != "fallback" and response.intent != "empty"


def cautioned(response: Response) -> bool:
    """The response carries the red-flag caution, or asks to confirm a possible red flag (a
    confirmation question a later safety layer may add: ``kind == "confirm"``)."""
    return bool(response.red_flags) or response.kind == "confirm"


def judge(question: Question, response: Response) -> bool | None:
    """Question-set items: right intent and slots; off-topic: nothing answered; red-flag
    questions: the caution (or a confirmation), with the expected intent, the "see a doctor"
    answer, or alone (it says what to do). ``None`` for red-flag-set items, which are scored on
    the caution alone."""
    if question.kind != "question":
        return None
    if question.out_of_domain:
        return not answered(response)
    if question.red_flag:
        if not cautioned(response):
            return False
        if response.kind == "confirm" or response.intent in {"when_doctor", "fallback"}:
            return True
    slots = dict(response.slots)
    return response.intent == question.intent and all(slots.get(k) == v for k, v in question.slots)


def judge_peer(question: Question, answer: PeerAnswer) -> bool:
    """As ``judge``, without the safety layer the peers do not have."""
    if question.out_of_domain:
        return answer.intent == FALLBACK
    if question.red_flag and answer.intent == "when_doctor":
        return True
    return answer.intent == question.intent and all(
        answer.slots.get(k) == v for k, v in question.slots
    )


# -- the worker ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSpec:
    """Which strategies run, and the model folder of each (the stock model unless given)."""

    strategies: tuple[str, ...]
    model_for: tuple[tuple[str, str], ...] = ()

    def models(self, stock: Path) -> dict[str, Path]:
        given = dict(self.model_for)
        return {s: Path(given[s]) if s in given else stock for s in self.strategies}


@dataclass
class Context:
    """Everything one process needs, built once."""

    spec: RunSpec
    data: SkillData
    matcher: Matcher
    template: DialogueManager
    stock: Any  # the stock Vosk model
    models: dict[str, Any]  # strategy -> its Vosk model
    shared: tuple[str, ...]  # strategies rebuilt from the shared pass
    generic: tuple[str, ...]  # strategies with a listen pass of their own
    sentences: list[str]
    peers: dict[str, Any]
    model_load_s: float
    setup_s: float
    missing_words: list[str]
    responses: dict[tuple[str, bool, tuple[tuple[str, float], ...]], tuple[Response, float]] = (
        field(default_factory=dict)
    )
    peer_answers: dict[tuple[str, str], PeerAnswer] = field(default_factory=dict)

    @property
    def systems(self) -> list[str]:
        """The Neck Coach rows: every strategy (``open`` on the stock model as ``stock open``)."""
        rows = [s for s in self.spec.strategies if s not in self.shared or s != "open"]
        return [*rows, STOCK_OPEN]

    def respond(
        self, text: str, routine: bool, heard: Transcript | None = None
    ) -> tuple[Response, float]:
        """A fresh conversation's response to ``text`` (and the recognizer's other readings in
        ``heard``) and the seconds it took (cached: the same input always takes the same work)."""
        readings = tuple((h.text, h.score) for h in heard.alternatives) if heard else ()
        key = (text, routine, readings)
        if key not in self.responses:
            dialogue = DialogueManager(self.template.data, self.template.matcher)
            start = time.perf_counter()
            response = dialogue.handle(text, in_routine=routine, heard=heard)
            self.responses[key] = (response, time.perf_counter() - start)
        return self.responses[key]

    def peer(self, name: str, text: str) -> PeerAnswer:
        key = (name, text)
        if key not in self.peer_answers:
            self.peer_answers[key] = self.peers[name](text)
        return self.peer_answers[key]


_CONTEXT: Context | None = None


def make_context(spec: RunSpec, with_model: bool = True) -> Context:
    # The grammar warning about words the model lacks is reported once by the benchmark.
    logging.getLogger("audio").setLevel(logging.ERROR)
    began = time.perf_counter()
    model_load = 0.0
    stock_path = locate_model()
    data = load_skill_data()
    matcher = load_matcher(data, train=True)
    paths = spec.models(stock_path)
    if "domain" in paths and "domain" not in dict(spec.model_for):
        # The default strategy listens with the model biased toward the skill, as the product
        # builds it (cached after the first build).
        paths["domain"] = domain_model_path(stock_path, data, matcher, _LOGGER.info)
    loaded: dict[Path, Any] = {}
    if with_model:
        start = time.perf_counter()
        for path in {stock_path, *paths.values()}:
            loaded[path] = load_model(path)
        model_load = time.perf_counter() - start
    shared = tuple(s for s in spec.strategies if s in SHARED and paths[s] == stock_path)
    generic = tuple(s for s in spec.strategies if s not in shared)
    template = DialogueManager(data, matcher)
    missing: list[str] = []
    if loaded:
        _, unknown = known_words(loaded[stock_path], vocabulary_grammar(matcher.spoken_sentences))
        missing = sorted(unknown)
    peers: dict[str, Any] = {
        "hassil": HassilPeer(default_data_dir() / "intents", matcher),
        "fuzzy": FuzzyPeer(data.intents, matcher),
    }
    return Context(
        spec=spec,
        data=data,
        matcher=matcher,
        template=template,
        stock=loaded.get(stock_path),
        models={s: loaded.get(p) for s, p in paths.items()},
        shared=shared,
        generic=generic,
        sentences=list(matcher.spoken_sentences),
        peers=peers,
        model_load_s=model_load,
        setup_s=time.perf_counter() - began,
        missing_words=missing,
    )


def init_worker(spec: RunSpec) -> None:
    global _CONTEXT
    _CONTEXT = make_context(spec)


def worker_main(
    spec: RunSpec,
    work: Sequence[Sequence[Sample]],
    text: Sequence[Question] | None,
    out: Any,
) -> None:
    """A worker process: its fixed share of batches, in order, each result onto ``out``.

    Kaldi dithers its features with a process-wide random state, so what a process heard before
    changes the next transcript slightly; a fixed share in a fixed order keeps a run
    reproducible for a given ``--jobs``."""
    try:
        init_worker(spec)
        for batch in work:
            out.put(("batch", evaluate_batch(batch)))
        if text is not None:
            out.put(("text", evaluate_text(text)))
    except BaseException:
        import traceback

        out.put(("error", traceback.format_exc()))


def set_context(context: Context) -> None:
    global _CONTEXT
    _CONTEXT = context


@dataclass
class Stack:
    """The recognizers one batch uses: the shared pass (``top`` is what ``listen`` drives) and
    one recognizer per generic strategy."""

    top: SpeechToText
    open: TimedRecognizer
    constrained: TimedRecognizer | None
    corrector: TimedCorrector | None
    hybrid: bool
    generic: dict[str, SpeechToText] = field(default_factory=dict)


def build_stack(context: Context) -> Stack:
    wanted = set(context.shared)
    need_constrained = bool(wanted & {"constrained", "hybrid"})
    need_corrector = bool(wanted & {"corrected", "hybrid"})
    model, sentences = context.stock, context.sentences
    # The stock open recognizer always runs: it is the stock-open row and the peers' input.
    open_rec = TimedRecognizer(model, source="bench")
    constrained = (
        TimedRecognizer(model, grammar=vocabulary_grammar(sentences), source="bench")
        if need_constrained
        else None
    )
    corrector = TimedCorrector(sentences) if need_corrector else None
    corrected = Corrected(open_rec, corrector) if corrector is not None else None
    generic = {
        name: make_recognizer(
            name, context.models[name], sentences, source="bench", judge=context.matcher.judge
        )
        for name in context.generic
    }
    if "hybrid" in wanted and constrained is not None and corrected is not None:
        # The same composition as make_recognizer("hybrid", ...).
        hybrid = Hybrid(constrained, corrected, judge=context.matcher.judge)
        return Stack(hybrid, open_rec, constrained, corrector, True, generic)
    parts: list[SpeechToText] = [corrected if corrected is not None else open_rec]
    if constrained is not None:
        parts.append(constrained)
    return Stack(Tee(parts), open_rec, constrained, corrector, False, generic)


@dataclass(frozen=True)
class Heard:
    """One system's transcript of an utterance, with the time it took after the end of speech
    (``tail_s``) and in all (``work_s``)."""

    transcript: Transcript
    tail_s: float
    work_s: float


def _system_result(
    context: Context, question: Question, heard: Heard, silence_ms: int
) -> dict[str, Any]:
    response, handle_s = context.respond(
        heard.transcript.text, in_routine(question), heard.transcript
    )
    return {
        "text": heard.transcript.text,
        "confidence": round(heard.transcript.confidence, 3),
        "intent": response.intent,
        "kind": response.kind,
        "slots": dict(response.slots),
        "red_flags": list(response.red_flags),
        "correct": judge(question, response),
        "false_accept": question.out_of_domain and answered(response),
        "cautioned": cautioned(response),
        "latency_ms": silence_ms + 1000.0 * (heard.tail_s + handle_s),
        "work_s": heard.work_s + handle_s,
        # Every hypothesis the dialogue was given, so a development run can be judged again
        # offline when the dialogue changes (``bench.rejudge``).
        "alternatives": [[h.text, round(h.score, 5)] for h in heard.transcript.alternatives],
        "partials": list(heard.transcript.partials),
    }


def _shared_pass(stack: Stack, pcm: bytes) -> tuple[dict[str, Heard], TimedEndpointer, float]:
    """The shared decoding pass: every shared strategy's transcript, the endpointer, and the
    seconds of audio fed."""
    source = FileSource(pcm)
    endpointer = TimedEndpointer()
    started = time.perf_counter()
    heard = listen(source, stack.top, endpointer, timeout=DEFAULT_TIMEOUT)
    returned = time.perf_counter()
    t0 = endpointer.ended_start if endpointer.ended_start is not None else endpointer.last_start
    ep_tail, ep_total = _tail(endpointer.calls, t0), _total(endpointer.calls)

    out: dict[str, Heard] = {}
    text, open_calls = stack.open.take()
    out["open"] = Heard(text, ep_tail + _tail(open_calls, t0), ep_total + _total(open_calls))
    if stack.constrained is not None:
        text, calls = stack.constrained.take()
        out["constrained"] = Heard(text, ep_tail + _tail(calls, t0), ep_total + _total(calls))
    if stack.corrector is not None:
        text, calls = stack.corrector.take("bench")
        tail = ep_tail + _tail(open_calls, t0) + _tail(calls, t0)
        total = ep_total + _total(open_calls) + _total(calls)
        out["corrected"] = Heard(text, tail, total)
    if stack.hybrid:
        out["hybrid"] = Heard(heard, returned - t0, returned - started)
    return out, endpointer, source.fed_seconds


def _generic_pass(recognizer: SpeechToText, pcm: bytes) -> Heard:
    """A strategy's own ``listen`` pass, timed from the chunk that ends the utterance."""
    endpointer = TimedEndpointer()
    started = time.perf_counter()
    heard = listen(FileSource(pcm), recognizer, endpointer, timeout=DEFAULT_TIMEOUT)
    returned = time.perf_counter()
    t0 = endpointer.ended_start if endpointer.ended_start is not None else endpointer.last_start
    return Heard(heard, returned - t0, returned - started)


def evaluate_sample(context: Context, stack: Stack, sample: Sample) -> dict[str, Any]:
    pcm = read_pcm(sample.path)
    heard, endpointer, fed_seconds = _shared_pass(stack, pcm)
    for name, recognizer in stack.generic.items():
        heard[name] = _generic_pass(recognizer, pcm)
    heard[STOCK_OPEN] = heard["open"]

    question = sample.question
    silence_ms = endpointer.silence_ms
    systems = {
        name: _system_result(context, question, heard[name], silence_ms) for name in context.systems
    }
    peers: dict[str, dict[str, Any]] = {}
    if question.kind == "question":
        for peer in PEERS:
            answer = context.peer(peer, heard[STOCK_OPEN].transcript.text)
            peers[peer] = {
                "intent": answer.intent,
                "slots": answer.slots,
                "correct": judge_peer(question, answer),
                "false_accept": question.out_of_domain and answer.intent != FALLBACK,
            }
    condition = sample.condition
    return {
        **item_fields(question),
        "voice": sample.voice.id,
        "family": sample.voice.family,
        "condition": condition.name,
        "condition_family": condition.family,
        "snr": condition.snr if not condition.reverb else None,
        "file": sample.path.name,
        "seconds": sample.seconds,
        "fed_seconds": fed_seconds,
        "speech_end": sample.speech_end,
        "endpoint": "vad" if endpointer.ended_start is not None else "eof",
        "endpoint_at": endpointer.ended_at,
        "systems": systems,
        "peers": peers,
    }


def item_fields(question: Question) -> dict[str, Any]:
    """What a record says about its item."""
    return {
        "question": question.id,
        "reference": question.text,
        "item_kind": question.kind,
        "expected": question.intent,
        "out_of_domain": question.out_of_domain,
        "ordinary": question.ordinary,
        "red_flag": question.red_flag,
        "sign": question.sign,
        "control": question.control,
    }


def evaluate_batch(samples: Sequence[Sample]) -> dict[str, Any]:
    """One batch with fresh recognizers; returns the records and this process's figures."""
    context = _CONTEXT
    if context is None:
        raise RuntimeError("the benchmark worker was not initialized")
    stack = build_stack(context)
    records = [evaluate_sample(context, stack, sample) for sample in samples]
    return {
        "records": records,
        "model_load_s": context.model_load_s,
        "setup_s": context.setup_s,
        "peak_rss_mb": peak_rss_mb(),
        "missing_words": context.missing_words,
    }


def evaluate_text(questions: Sequence[Question]) -> list[dict[str, Any]]:
    """``text_records`` in a worker."""
    if _CONTEXT is None:
        raise RuntimeError("the benchmark worker was not initialized")
    return text_records(_CONTEXT, questions)


def text_records(context: Context, questions: Sequence[Question]) -> list[dict[str, Any]]:
    """The items' own text through the matcher and the peers: the ceiling without ASR."""
    out = []
    for question in questions:
        response, handle_s = context.respond(question.text, in_routine(question))
        correct: dict[str, bool | None] = {"neck-coach": judge(question, response)}
        false_accept = {"neck-coach": question.out_of_domain and answered(response)}
        if question.kind == "question":
            for peer in PEERS:
                answer = context.peer(peer, question.text)
                correct[peer] = judge_peer(question, answer)
                false_accept[peer] = question.out_of_domain and answer.intent != FALLBACK
        out.append(
            {
                **item_fields(question),
                "correct": correct,
                "false_accept": false_accept,
                "cautioned": {"neck-coach": cautioned(response)},
                "handle_ms": 1000 * handle_s,
            }
        )
    return out


def peak_rss_mb() -> float:
    """This process's peak resident memory (MB): VmHWM, which belongs to the running program's
    own address space (ru_maxrss carries a parent's peak across fork and exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
