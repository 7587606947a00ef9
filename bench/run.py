"""Running the spoken set through Neck Coach the way the microphone path does.

Each WAV is streamed in 30 ms chunks (without sleeping) through ``audio.microphone.listen`` with
an ``Endpointer`` and the recognizers, then the transcript goes to a fresh conversation of the
``DialogueManager``. All strategies share one decoding pass: the open and constrained Vosk
recognizers see the same audio inside the real ``Hybrid`` (or a plain tee when hybrid is not
asked for), and each records what it returned and how long each call took. The transcript of
``open``, ``constrained`` and ``corrected`` is rebuilt from those records exactly as
``make_recognizer`` would have produced it; ``hybrid`` is what ``listen`` returned.

Latency is the work left after the user stops talking: the endpointer's silence wait (counted
as audio time, since live audio needs that long to arrive) plus the measured time from the
moment the chunk that ends the utterance is fed until the dialogue returns its response
(``finish`` of every recognizer the strategy uses, the correction, and the matching). For the
component strategies that time is the sum of their own calls; for ``hybrid`` it is the wall
clock of ``listen`` itself.

Recognizers are reused over a batch of consecutive questions in one voice and noise level (as a
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
from audio.model import load_model
from audio.recognizer import Recognizer, join_transcripts, known_words
from audio.strategies import Corrected, Corrector, Hybrid, SpeechToText, vocabulary_grammar
from skill.data import SkillData, default_data_dir, load_skill_data
from skill.dialogue import DialogueManager
from skill.matcher import Matcher
from skill.response import Response
from skill.vocabulary import ROUTINE_ONLY as ROUTINE_CONTROLS

from .audio_set import Question, Sample
from .peers import FALLBACK, FuzzyPeer, HassilPeer, PeerAnswer

CHUNK_MS = 30
# Questions per batch: one set of recognizers serves a batch, in order.
BATCH = 40
# Peers run on the transcripts of these strategies' recognizers.
PEER_SOURCES = ("open", "constrained")
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


def judge(question: Question, response: Response) -> bool:
    """Right intent and slots; out-of-domain: nothing answered; red flags: the caution, with the
    expected intent, the "see a doctor" answer, or alone (it says what to do)."""
    if question.out_of_domain:
        return not answered(response)
    if question.red_flag:
        if not response.red_flags:
            return False
        if response.intent in {"when_doctor", "fallback"}:
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


@dataclass
class Context:
    """Everything one process needs, built once."""

    strategies: tuple[str, ...]
    data: SkillData
    matcher: Matcher
    template: DialogueManager
    model: Any
    sentences: list[str]
    peers: dict[str, Any]
    model_load_s: float
    setup_s: float
    missing_words: list[str]
    responses: dict[tuple[str, bool], tuple[Response, float]] = field(default_factory=dict)
    peer_answers: dict[tuple[str, str], PeerAnswer] = field(default_factory=dict)

    def respond(self, text: str, routine: bool) -> tuple[Response, float]:
        """A fresh conversation's response to ``text`` and the seconds it took (cached: the
        same text always takes the same work)."""
        key = (text, routine)
        if key not in self.responses:
            dialogue = DialogueManager(self.template.data, self.template.matcher)
            start = time.perf_counter()
            response = dialogue.handle(text, in_routine=routine)
            self.responses[key] = (response, time.perf_counter() - start)
        return self.responses[key]

    def peer(self, name: str, text: str) -> PeerAnswer:
        key = (name, text)
        if key not in self.peer_answers:
            self.peer_answers[key] = self.peers[name](text)
        return self.peer_answers[key]


_CONTEXT: Context | None = None


def make_context(strategies: Sequence[str], with_model: bool = True) -> Context:
    # The grammar warning about words the model lacks is reported once by the benchmark.
    logging.getLogger("audio").setLevel(logging.ERROR)
    began = time.perf_counter()
    model_load = 0.0
    model = None
    if with_model:
        start = time.perf_counter()
        model = load_model()
        model_load = time.perf_counter() - start
    data = load_skill_data()
    matcher = Matcher(data.intents)
    template = DialogueManager(data, matcher)
    missing: list[str] = []
    if model is not None:
        _, unknown = known_words(model, vocabulary_grammar(matcher.spoken_sentences))
        missing = sorted(unknown)
    peers: dict[str, Any] = {
        "hassil": HassilPeer(default_data_dir() / "intents", matcher),
        "fuzzy": FuzzyPeer(data.intents, matcher),
    }
    return Context(
        strategies=tuple(strategies),
        data=data,
        matcher=matcher,
        template=template,
        model=model,
        sentences=list(matcher.spoken_sentences),
        peers=peers,
        model_load_s=model_load,
        setup_s=time.perf_counter() - began,
        missing_words=missing,
    )


def init_worker(strategies: Sequence[str]) -> None:
    global _CONTEXT
    _CONTEXT = make_context(strategies)


def worker_main(
    strategies: Sequence[str], work: Sequence[Sequence[Sample]], text: Any, out: Any
) -> None:
    """A worker process: its fixed share of batches, in order, each result onto ``out``.

    Kaldi dithers its features with a process-wide random state, so what a process heard before
    changes the next transcript slightly; a fixed share in a fixed order keeps a run
    reproducible for a given ``--jobs``."""
    try:
        init_worker(strategies)
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
    """The recognizers one batch uses, and the object ``listen`` drives."""

    top: SpeechToText
    open: TimedRecognizer | None
    constrained: TimedRecognizer | None
    corrector: TimedCorrector | None
    hybrid: bool


def build_stack(context: Context) -> Stack:
    wanted = set(context.strategies)
    need_open = bool(wanted & {"open", "corrected", "hybrid"})
    need_constrained = bool(wanted & {"constrained", "hybrid"})
    need_corrector = bool(wanted & {"corrected", "hybrid"})
    model, sentences = context.model, context.sentences
    open_rec = TimedRecognizer(model, source="bench") if need_open else None
    constrained = (
        TimedRecognizer(model, grammar=vocabulary_grammar(sentences), source="bench")
        if need_constrained
        else None
    )
    corrector = TimedCorrector(sentences) if need_corrector else None
    corrected = (
        Corrected(open_rec, corrector) if open_rec is not None and corrector is not None else None
    )
    if "hybrid" in wanted and constrained is not None and corrected is not None:
        # The same composition as make_recognizer("hybrid", ...).
        hybrid = Hybrid(constrained, corrected, judge=context.matcher.judge)
        return Stack(hybrid, open_rec, constrained, corrector, True)
    parts: list[SpeechToText] = []
    if corrected is not None:
        parts.append(corrected)
    elif open_rec is not None:
        parts.append(open_rec)
    if constrained is not None:
        parts.append(constrained)
    return Stack(Tee(parts), open_rec, constrained, corrector, False)


def _strategy_result(
    context: Context,
    question: Question,
    transcript: Transcript,
    tail_s: float,
    work_s: float,
    silence_ms: int,
) -> dict[str, Any]:
    response, handle_s = context.respond(transcript.text, in_routine(question))
    return {
        "text": transcript.text,
        "confidence": round(transcript.confidence, 3),
        "intent": response.intent,
        "kind": response.kind,
        "slots": dict(response.slots),
        "red_flags": list(response.red_flags),
        "correct": judge(question, response),
        "false_accept": question.out_of_domain and answered(response),
        "latency_ms": silence_ms + 1000.0 * (tail_s + handle_s),
        "work_s": work_s + handle_s,
    }


def evaluate_sample(context: Context, stack: Stack, sample: Sample) -> dict[str, Any]:
    source = FileSource(read_pcm(sample.path))
    endpointer = TimedEndpointer()
    started = time.perf_counter()
    heard = listen(source, stack.top, endpointer, timeout=DEFAULT_TIMEOUT)
    returned = time.perf_counter()
    vad_ended = endpointer.ended_start is not None
    t0 = endpointer.ended_start if endpointer.ended_start is not None else endpointer.last_start
    ep_tail, ep_total = _tail(endpointer.calls, t0), _total(endpointer.calls)

    transcripts: dict[str, tuple[Transcript, float, float]] = {}
    open_calls: list[Call] = []
    if stack.open is not None:
        text, open_calls = stack.open.take()
        transcripts["open"] = (text, ep_tail + _tail(open_calls, t0), ep_total + _total(open_calls))
    if stack.constrained is not None:
        text, calls = stack.constrained.take()
        transcripts["constrained"] = (text, ep_tail + _tail(calls, t0), ep_total + _total(calls))
    if stack.corrector is not None:
        text, calls = stack.corrector.take("bench")
        tail = ep_tail + _tail(open_calls, t0) + _tail(calls, t0)
        total = ep_total + _total(open_calls) + _total(calls)
        transcripts["corrected"] = (text, tail, total)
    if stack.hybrid:
        transcripts["hybrid"] = (heard, returned - t0, returned - started)

    question = sample.question
    silence_ms = endpointer.silence_ms
    strategies = {
        name: _strategy_result(context, question, *transcripts[name], silence_ms)
        for name in context.strategies
    }
    peers: dict[str, dict[str, Any]] = {}
    for peer in PEERS:
        for origin in PEER_SOURCES:
            if origin in transcripts:
                answer = context.peer(peer, transcripts[origin][0].text)
                peers[f"{peer}/{origin}"] = {
                    "intent": answer.intent,
                    "slots": answer.slots,
                    "correct": judge_peer(question, answer),
                    "false_accept": question.out_of_domain and answer.intent != FALLBACK,
                }
    return {
        "question": question.index,
        "reference": question.text,
        "expected": question.intent,
        "voice": sample.voice,
        "level": sample.level,
        "noise": sample.noise,
        "file": sample.path.name,
        "seconds": sample.seconds,
        "fed_seconds": source.fed_seconds,
        "speech_end": sample.speech_end,
        "endpoint": "vad" if vad_ended else "eof",
        "endpoint_at": endpointer.ended_at,
        "strategies": strategies,
        "peers": peers,
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
    """The questions' own text through the matcher and the peers: the ceiling without ASR."""
    out = []
    for question in questions:
        response, handle_s = context.respond(question.text, in_routine(question))
        systems = {"neck-coach": judge(question, response)}
        for peer in PEERS:
            systems[peer] = judge_peer(question, context.peer(peer, question.text))
        out.append(
            {
                "question": question.index,
                "out_of_domain": question.out_of_domain,
                "correct": systems,
                "handle_ms": 1000 * handle_s,
                "false_accept": {
                    "neck-coach": question.out_of_domain and answered(response),
                    **{
                        p: question.out_of_domain
                        and context.peer(p, question.text).intent != FALLBACK
                        for p in PEERS
                    },
                },
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
