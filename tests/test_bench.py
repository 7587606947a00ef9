"""The benchmark's behaviour: set files, the sampling design, noise mixing, the audio cache, the
figures and report built from records, and one small end-to-end run through the real model.

The full benchmark (``make bench``) is not part of the tests, and nothing here is timed: the
benchmark checks its own run time against its budget.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench import audio_set, design, metrics, noise, report, run, sets, typed, voices
from bench.__main__ import OVER_BUDGET_EXIT, batches, choose_items, main
from bench.design import CONDITIONS, Planned
from bench.sets import Question
from bench.voices import BABBLE_VOICES, NEAR_HUMAN, VOICES, Voice
from skill.dialogue import Response
from skill.response import Kind

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
QUESTIONS = DATA / "bench_questions.yaml"
RED_FLAGS = DATA / "bench_red_flags.yaml"


def _items(n: int) -> list[Question]:
    return [Question(index=i, text=f"question {i}", intent="difference") for i in range(n)]


# -- sets ---------------------------------------------------------------------------------------


def test_a_run_reads_a_question_file_and_a_red_flag_file() -> None:
    item_set = sets.load_set("fixture", QUESTIONS, RED_FLAGS)
    assert [q.kind for q in item_set.questions].count("question") == 3
    assert len(item_set.red_flag_items) == 10
    ids = [q.id for q in item_set.questions]
    assert len(set(ids)) == len(ids) and ids[0] == "q0" and ids[3] == "r0"
    off_topic = [q for q in item_set.question_items if q.out_of_domain]
    assert [q.text for q in off_topic] == ["tell me something funny"]
    signs = Counter(q.sign for q in item_set.red_flag_items)
    assert signs["weakness"] == 2 and signs["none"] == 4
    assert all(q.control for q in item_set.red_flag_items if q.is_control)
    assert all(q.ordinary for q in item_set.question_items if not q.out_of_domain)


def test_the_dev_set_is_found_by_name() -> None:
    item_set = sets.load_set("dev")
    assert item_set.sources[0].name == "dev_questions.yaml"
    assert len(item_set.question_items) > 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("- text: hello\n", "'intent'"),
        ("- text: my arm is weak\n  sign: weak\n", "sign 'weak'"),
        ("- text: what is numbness\n  sign: none\n", "control"),
        ("[]\n", "no items"),
        ("- text: ''\n  intent: help\n", "no text"),
    ],
)
def test_malformed_set_files_are_refused(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "x_questions.yaml"
    path.write_text(body)
    with pytest.raises(sets.SetError, match=message):
        sets.load_set("x", folder=tmp_path)


def test_a_missing_set_is_refused(tmp_path: Path) -> None:
    with pytest.raises(sets.SetError, match="has no files"):
        sets.load_set("nowhere", folder=tmp_path)


def test_quick_items_spread_over_both_files() -> None:
    item_set = sets.load_set("fixture", QUESTIONS, RED_FLAGS)
    chosen = choose_items(item_set, quick=False, limit=2)
    assert [q.id for q in chosen] == ["q0", "q1", "r0", "r5"]


# -- the sampling design ------------------------------------------------------------------------


def test_every_item_is_clean_in_every_near_human_family_and_flite_voices_take_turns() -> None:
    planned = design.plan(_items(9), VOICES, CONDITIONS)
    clean = [p for p in planned if p.condition.name == "clean" and p.voice.near_human]
    for item in _items(9):
        families = sorted(p.voice.family for p in clean if p.question == item)
        assert families == sorted(NEAR_HUMAN)
    flite = Counter(p.voice.name for p in clean if p.voice.family == "flite")
    assert flite == {"rms": 3, "awb": 3, "slt": 3}


def test_noise_is_a_latin_square_over_snr_and_family() -> None:
    items = _items(18)
    planned = design.plan(items, VOICES, CONDITIONS)
    noisy = [p for p in planned if p.condition.snr is not None and not p.condition.reverb]
    noisy = [p for p in noisy if p.voice.near_human]
    for kind in design.NOISE_TYPES:
        of_kind = [p for p in noisy if p.condition.noise == kind]
        # Each item once per noise type; every (SNR, family) pair equally often.
        assert sorted(p.question.index for p in of_kind) == list(range(18))
        pairs = Counter((p.condition.snr, p.voice.family) for p in of_kind)
        assert len(pairs) == 9 and set(pairs.values()) == {2}
    for item in items:
        snrs = sorted(p.condition.snr or 0 for p in noisy if p.question == item)
        assert snrs == [5, 10, 20]  # a different SNR for each noise type


def test_reverb_and_the_espeak_row() -> None:
    planned = design.plan(_items(10), VOICES, CONDITIONS)
    reverb = [p for p in planned if p.condition.reverb]
    assert len(reverb) == 10 and all(p.voice.near_human for p in reverb)
    espeak = [p for p in planned if p.voice.family == "espeak-ng"]
    assert Counter(p.condition.name for p in espeak) == {"clean": 10, design.HARD_NOISY: 5}
    assert len(planned) == 10 * 8.5


def test_every_snr_says_each_item_in_every_noise_condition() -> None:
    planned = design.plan(_items(3), VOICES, CONDITIONS, every_snr=True)
    noisy = {(p.question.index, p.condition.name) for p in planned if p.voice.near_human}
    for kind in design.NOISE_TYPES:
        for snr in design.SNRS:
            assert all((i, f"{kind}-{snr}") in noisy for i in range(3))


def test_chosen_voices_and_conditions_keep_the_rotation() -> None:
    chosen = voices.select("flite:rms,espeak-ng")
    conditions = design.select_conditions("clean,pink,reverb")
    assert [c.name for c in conditions] == ["clean", "pink-20", "pink-10", "pink-5", "reverb"]
    planned = design.plan(_items(6), chosen, conditions)
    assert {p.voice.id for p in planned} == {"flite:rms", "espeak-ng:en-us@150"}
    assert Counter(p.condition.name for p in planned if p.voice.near_human) == {
        "clean": 6,
        "pink-20": 2,
        "pink-10": 2,
        "pink-5": 2,
        "reverb": 6,
    }
    with pytest.raises(ValueError, match="unknown condition"):
        design.select_conditions("pink-15")
    with pytest.raises(ValueError, match="family:name"):
        voices.select("mbrola:us1")


def test_babble_talkers_are_not_test_talkers() -> None:
    test_talkers = {(v.family.split("-")[0], v.name) for v in VOICES}
    assert len(BABBLE_VOICES) >= 4
    for voice in BABBLE_VOICES:
        assert (voice.family.split("-")[0], voice.name) not in test_talkers
    babble = " ".join(audio_set.babble_texts()).lower()
    assert "neck" not in babble and "pain" not in babble and "spasm" not in babble


def test_batches_hold_one_voice_and_condition_each() -> None:
    planned = design.plan(_items(50), VOICES, CONDITIONS)
    samples = [
        audio_set.Sample(p.question, p.voice, p.condition, Path(f"{i}.wav"), 1.0, 0.5)
        for i, p in enumerate(planned)
    ]
    work = batches(samples)
    assert sum(len(b) for b in work) == len(samples)
    for batch in work:
        assert len({(s.voice, s.condition) for s in batch}) == 1
        assert len(batch) <= run.BATCH


def test_strategies_on_their_own_model_get_a_listen_pass_of_their_own(tmp_path: Path) -> None:
    spec = run.RunSpec(("open", "constrained", "hybrid"), (("constrained", str(tmp_path)),))
    context = run.make_context(spec, with_model=False)
    assert context.shared == ("open", "hybrid")
    assert context.generic == ("constrained",)
    # ``open`` on the stock model is the stock-open row, not a row of its own.
    assert context.systems == ["constrained", "hybrid", run.STOCK_OPEN]


# -- noise and the audio cache ------------------------------------------------------------------


def test_noise_is_mixed_at_the_asked_snr() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(16000) / 16000
    speech = np.concatenate([np.zeros(4800), 0.1 * np.sin(2 * np.pi * 220 * t), np.zeros(16000)])
    level = noise.active_rms(speech)
    bed = rng.standard_normal(64000)
    for background in (
        noise.pink(len(speech), rng),
        noise.brown(len(speech), rng),
        noise.segment(bed, len(speech), rng),
    ):
        for snr in (20.0, 10.0, 5.0):
            mixed = noise.mix(speech, background, snr, level)
            assert noise.measured_snr(speech, mixed - speech) == pytest.approx(snr, abs=0.01)


def test_babble_keeps_at_least_four_talkers_going() -> None:
    texts = audio_set.babble_texts()[:4]
    talkers = [[noise.trim(voices.synthesize(t, v)) for t in texts] for v in BABBLE_VOICES]
    tracks = noise.babble_tracks(talkers, 20.0, np.random.default_rng(3))
    counts = noise.overlap(tracks)[100:]  # after the first second, when every talker has begun
    assert len(tracks) == len(BABBLE_VOICES)
    assert float(np.mean(counts >= 4)) > 0.95


def test_files_are_cached_by_content_and_mixed_at_their_snr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = Question(index=0, text="what causes a neck spasm", intent="spasm_causes")
    voice = Voice("flite", "slt")
    planned = [
        Planned(item, voice, design.BY_NAME[name]) for name in ("clean", "pink-10", "reverb")
    ]
    first = audio_set.build(planned, tmp_path, seed=7, jobs=1)
    clean, noisy, reverb = (audio_set.read_samples(s.path) for s in first)
    assert len(clean) == len(noisy) == len(reverb)
    assert noise.measured_snr(clean, noisy - clean) == pytest.approx(10.0, abs=0.05)
    assert not np.allclose(reverb, clean)
    assert first[0].speech_end < first[0].seconds

    # A second build makes nothing: the speech engine is not even called.
    def refuse(text: str, voice: Voice) -> Any:
        raise AssertionError("synthesized again")

    monkeypatch.setattr(audio_set, "synthesize", refuse)
    stamps = [s.path.stat().st_mtime_ns for s in first]
    again = audio_set.build(planned, tmp_path, seed=7, jobs=1)
    assert [s.path for s in again] == [s.path for s in first]
    assert [s.path.stat().st_mtime_ns for s in again] == stamps
    # Another seed is another noise draw, but the same clean file.
    other = audio_set.build(planned[:2], tmp_path, seed=8, jobs=1)
    assert other[0].path == first[0].path and other[1].path != first[1].path


# -- judging, figures and the report ------------------------------------------------------------


def _response(**fields: Any) -> Response:
    base: dict[str, Any] = {
        "transcript": "",
        "intent": "when_doctor",
        "confidence": 1.0,
        "text": "",
        "kind": "answer",
    }
    return Response(**{**base, **fields})


def test_a_confirmation_question_counts_as_the_caution() -> None:
    question = Question(index=0, text="my arm is weak", intent="when_doctor", red_flag=True)
    assert run.judge(question, _response(kind="confirm", intent="confirm_red_flag"))
    assert run.judge(question, _response(red_flags=("arm weakness",)))
    assert not run.judge(question, _response())
    assert run.cautioned(_response(kind="confirm")) and not run.cautioned(_response())
    sign = Question(index=0, text="my arm is weak", kind="red_flag", sign="weakness")
    assert run.judge(sign, _response()) is None


def _record(
    item: Question, family: str, condition: str, correct: bool | None, cautioned: bool
) -> dict[str, Any]:
    c = design.BY_NAME[condition]
    result = {
        "text": item.text if correct is not False else "something else",
        "intent": item.intent,
        "kind": "answer",
        "slots": {},
        "correct": correct,
        "false_accept": item.out_of_domain and not correct,
        "cautioned": cautioned,
        "latency_ms": 320.0,
        "work_s": 0.1,
    }
    peers = {}
    if item.kind == "question":
        peers = {p: {"correct": bool(correct), "false_accept": False} for p in run.PEERS}
    return {
        **run.item_fields(item),
        "voice": f"{family}:x",
        "family": family,
        "condition": condition,
        "condition_family": c.family,
        "snr": None if c.reverb else c.snr,
        "seconds": 3.0,
        "fed_seconds": 3.0,
        "speech_end": 2.0,
        "endpoint": "vad",
        "endpoint_at": 2.37,
        "systems": {"hybrid": result, run.STOCK_OPEN: result},
        "peers": peers,
    }


def _fixture_records() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    right = Question(index=0, text="what causes a neck spasm", intent="spasm_causes")
    off = Question(index=1, text="tell me something funny", intent="fallback")
    weak = Question(index=0, text="my arm is weak", kind="red_flag", sign="weakness")
    fever = Question(index=1, text="i have a fever", kind="red_flag", sign="fever")
    about = Question(
        index=2, text="what is numbness", kind="red_flag", sign="none", control="about"
    )
    records = [
        _record(right, "piper", "clean", True, False),
        _record(right, "flite", "clean", False, True),  # wrong, and a false caution
        _record(off, "piper", "clean", True, False),
        _record(off, "festival-hts", "babble-5", False, False),  # a false accept at 5 dB
        _record(weak, "piper", "clean", None, True),
        _record(fever, "piper", "clean", None, False),  # a missed fever
        _record(about, "flite", "clean", None, True),  # a false caution on a control
        _record(right, "espeak-ng", "clean", False, False),
    ]
    text = [
        {
            **run.item_fields(q),
            "correct": {"neck-coach": True if q.kind == "question" else None},
            "false_accept": {"neck-coach": False},
            "cautioned": {"neck-coach": q.is_sign},
            "handle_ms": 2.0,
        }
        for q in (right, off, weak, fever, about)
    ]
    for t in text:
        if t["item_kind"] == "question":
            t["correct"].update({p: True for p in run.PEERS})
            t["false_accept"].update({p: False for p in run.PEERS})
    return records, text


def test_figures_are_sliced_by_voice_family_and_condition() -> None:
    records, text = _fixture_records()
    summary = metrics.summarize(records, text)
    hybrid = summary["systems"]["hybrid"]
    assert hybrid["accuracy"]["piper"] == 1.0
    assert hybrid["accuracy"]["flite"] == 0.0
    assert hybrid["accuracy"]["near-human"] == pytest.approx(2 / 3)
    assert hybrid["accuracy"]["espeak-ng"] == 0.0
    assert hybrid["accuracy"]["snr-5"] == 0.0 and hybrid["accuracy"]["babble"] == 0.0
    assert hybrid["false_accept"]["near-human all"] == 0.5
    assert summary["systems"][run.STOCK_OPEN]["kind"] == "reference"
    assert summary["systems"]["hassil"]["kind"] == "peer"
    red = summary["red_flags"]["systems"]["hybrid"]
    assert red["recall"]["near-human"] == 0.5
    assert red["recall_by_sign"] == {
        "weakness": 1.0,
        "numbness": None,
        "fever": 0.0,
        "injury": None,
        "severe_pain": None,
    }
    assert red["control_cautions"]["near-human"] == 1.0
    assert red["control_cautions_by_kind"]["about"] == 1.0
    assert red["ordinary_cautions"]["near-human"] == 0.5
    assert summary["text"]["recall"] == 1.0 and summary["text"]["control_cautions"] == 0.0
    assert summary["wer"]["hybrid"]["piper"] == 0.0
    assert summary["latency"]["hybrid"]["all"]["median_ms"] == 320.0
    assert [f["reference"] for f in metrics.failures(records, "hybrid", "near-human")] == [
        "what causes a neck spasm",
        "i have a fever",
        "what is numbness",
    ]


def test_the_report_builds_tables_markdown_and_chart(tmp_path: Path) -> None:
    records, text = _fixture_records()
    summary = metrics.summarize(records, text)
    startup = {"to_listening_s": 2.5, "runs": 1, "strategy": "hybrid"}
    memory = {"peak_mb": 300.0, "model_load_s": 0.3}
    results = {
        "summary": summary,
        "targets": metrics.check_targets(summary, startup, memory),
        "startup": startup,
        "memory": memory,
        "meta": {
            "silence_ms": 300,
            "chunk_ms": 30,
            "date": "2026-01-01",
            "argv": ["--quick"],
            "full_run": False,
            "machine": {
                "cpu": "cpu",
                "nproc": 2,
                "ram_gb": 1,
                "os": "os",
                "python": "3.11",
                "vosk": "0.3.45",
                "hassil": "3",
                "rapidfuzz": "3",
            },
            "engines": {"piper-tts": "1", "festival": "2", "flite": "2", "espeak-ng": "1"},
            "model": "m",
            "models": {"hybrid": "m"},
            "strategies": ["hybrid"],
            "set": "dev",
            "set_files": ["bench/sets/dev_questions.yaml"],
            "items": {"questions": 2, "red_flags": 3},
            "voices": ["piper:joe"],
            "conditions": ["clean"],
            "design": {"near-human clean": 7},
            "every_snr": False,
            "utterances": len(records),
            "jobs": 1,
            "run_seconds": 60.0,
            "generate_seconds": 1.0,
            "evaluate_seconds": 50.0,
            "budget_s": 300.0,
        },
    }
    tables = report.all_tables(results)
    titles = [t.title for t in tables]
    assert "Red-flag recall" in titles and "False cautions" in titles
    assert all(len(row) == len(t.headers) for t in tables for row in t.rows)
    text_md = report.markdown(results, tables)
    assert "### Benchmark" in text_md and "**dev** set" in text_md
    assert "| Neck Coach | hybrid | 100.0% |" in text_md  # piper, clean
    chart = tmp_path / "chart.png"
    report.chart(summary, "hybrid", chart)
    assert chart.stat().st_size > 0


# -- end to end, through the real model ---------------------------------------------------------


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    out = tmp_path_factory.mktemp("bench")
    code = main(
        [
            f"--questions={QUESTIONS}",
            f"--red-flags={RED_FLAGS}",
            "--limit=2",
            "--voices=flite:slt",
            "--conditions=clean,pink-10",
            "--strategies=open,hybrid",
            "--jobs=1",
            "--cold-start-runs=0",
            # Any run takes longer than this: the budget check must fire, after the outputs.
            "--budget=0.001",
            "--no-docs",
            f"--out={out}",
        ]
    )
    return out, code


@pytest.mark.model
def test_a_small_run_writes_every_output(vosk_model: Any, smoke: tuple[Path, int]) -> None:
    out, code = smoke
    assert code == OVER_BUDGET_EXIT
    for name in ("results.json", "results.md", "utterances.jsonl", "accuracy_vs_snr.png"):
        assert (out / name).stat().st_size > 0, name
    results = json.loads((out / "results.json").read_text())
    meta, summary = results["meta"], results["summary"]
    assert meta["utterances"] == 4 * 2 and meta["within_budget"] is False
    assert meta["items"] == {"questions": 2, "red_flags": 2}
    assert set(summary["systems"]) == {"hybrid", run.STOCK_OPEN, "hassil", "fuzzy"}
    assert 0.0 <= summary["systems"]["hybrid"]["accuracy"]["flite"] <= 1.0
    assert summary["red_flags"]["counts"]["signs"]["flite"] == 2  # r0 weakness, r5 severe pain
    assert summary["latency"]["hybrid"]["all"]["median_ms"] > 0
    assert "### Benchmark" in (out / "results.md").read_text()


BENCH_STACK = """
import sys
from audio.microphone import listen
from bench import run
context = run.make_context(run.RunSpec(("open", "constrained", "corrected", "hybrid")))
stack = run.build_stack(context)
source = run.FileSource(run.read_pcm(sys.argv[1]))
print(listen(source, stack.top, run.TimedEndpointer()).text)
"""
MAKE_RECOGNIZER = """
import sys
from audio.endpoint import Endpointer
from audio.microphone import listen
from audio.model import load_model
from audio.strategies import make_recognizer
from bench.run import FileSource, read_pcm
from skill.data import load_skill_data
from skill.matcher import Matcher
matcher = Matcher(load_skill_data().intents)
recognizer = make_recognizer(
    "hybrid", load_model(), matcher.spoken_sentences, judge=matcher.judge
)
print(listen(FileSource(read_pcm(sys.argv[1])), recognizer, Endpointer()).text)
"""


def _heard(script: str, wav: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, str(wav)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.model
def test_the_bench_hybrid_stack_hears_what_make_recognizer_hears(
    vosk_model: Any, smoke: tuple[Path, int]
) -> None:
    """The benchmark rebuilds the hybrid strategy from timed parts; it must hear exactly what
    ``make_recognizer("hybrid")`` hears. Each runs in a fresh process: Kaldi dithers with a
    process-wide random state, so a process's earlier audio shifts later transcripts slightly."""
    out, _ = smoke
    wav = sorted((out / "audio" / "clean").glob("*.wav"))[0]
    assert _heard(BENCH_STACK, wav) == _heard(MAKE_RECOGNIZER, wav)


# -- judging a run again ------------------------------------------------------------------------


def _recorded_run(folder: Path, set_name: str) -> Path:
    """A run of one off-topic question whose first reading is a question the skill knows and
    whose second, likely reading is someone else's."""
    folder.mkdir()
    (folder / "results.json").write_text(json.dumps({"meta": {"set": set_name}}))
    heard = {
        "text": "how do i strength in my neck",
        "confidence": 0.6,
        "alternatives": [
            ["how do i strength in my neck", 0.6],
            ["how do i strengthen my knees", 0.4],
        ],
        "partials": ["how do i"],
        "correct": False,
        "false_accept": True,  # as if an older dialogue had answered the first reading
        "cautioned": False,
    }
    record = {
        "question": "q0",
        "reference": "how do i strengthen my knees",
        "item_kind": "question",
        "expected": "fallback",
        "out_of_domain": True,
        "red_flag": False,
        "sign": "",
        "control": "",
        "condition": "clean",
        "systems": {"domain": heard},
    }
    (folder / "utterances.jsonl").write_text(json.dumps(record) + "\n")
    return folder


def test_rejudging_a_development_run_asks_todays_dialogue_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import rejudge

    assert rejudge.main([str(_recorded_run(tmp_path / "dev", "dev"))]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("off-topic"))
    # Today's dialogue takes the likely reading that is someone else's question, so the verdict
    # differs from the one recorded: it was asked again, not copied.
    assert "run    1/1" in line
    assert "now    0/1" in line


def test_the_frozen_set_is_never_rejudged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import rejudge

    assert rejudge.main([str(_recorded_run(tmp_path / "test", "test"))]) == 2
    assert "frozen" in capsys.readouterr().out


# -- typed understanding of a set --------------------------------------------------------------


def test_typed_scores_right_answers_and_answered_off_topic_questions() -> None:
    questions = [q for q in sets.load_file(sets.set_paths("dev4")[0]) if q.kind == "question"]
    wanted = {q.text: q for q in questions}

    def respond(text: str, routine: bool) -> tuple[Response, float]:
        # Right on every in-domain question, and an answer for every off-topic one.
        question = wanted[text]
        intent = "difference" if question.out_of_domain else question.intent
        return Response(text, intent, 1.0, "", Kind.ANSWER, slots=dict(question.slots)), 0.0

    result = typed.score("dev4", respond)
    off_topic = sum(q.out_of_domain for q in questions)
    assert result.total == len(questions) and result.off_topic == off_topic
    assert result.off_topic_answered == off_topic
    assert result.right == len(questions) - off_topic - sum(q.red_flag for q in questions)
    assert "dev4: right" in result.line()


def test_typed_refuses_the_frozen_set_unless_held_out_is_said(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        typed.main(["dev", "test"])
    assert exit_info.value.code == 2
    assert "--held-out" in capsys.readouterr().err
