"""The benchmark's smoke test: the whole pipeline on 3 questions, one voice, clean and 10 dB.

The full benchmark (``make bench``) is not part of the tests; this only proves it runs end to end
and writes a sane report.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench import noise
from bench.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
TIME_BUDGET_S = 120.0


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], float]:
    out = tmp_path_factory.mktemp("bench")
    began = time.monotonic()
    code = main(
        [
            "--limit=3",
            "--voices=en-us@150",
            "--levels=clean,10",
            "--jobs=1",
            "--cold-start-runs=1",
            "--no-docs",
            f"--out={out}",
        ]
    )
    assert code == 0
    return out, json.loads((out / "results.json").read_text()), time.monotonic() - began


@pytest.mark.model
def test_the_smoke_run_writes_every_output_in_its_time_budget(
    vosk_model: Any, report: tuple[Path, dict[str, Any], float]
) -> None:
    out, _, seconds = report
    for name in ("results.json", "results.md", "utterances.jsonl", "accuracy_vs_snr.png"):
        assert (out / name).stat().st_size > 0, name
    assert seconds < TIME_BUDGET_S
    assert "### Benchmark" in (out / "results.md").read_text()


@pytest.mark.model
def test_the_report_has_sane_figures(
    vosk_model: Any, report: tuple[Path, dict[str, Any], float]
) -> None:
    _, results, _ = report
    summary = results["summary"]
    assert results["meta"]["utterances"] == 6
    assert summary["levels"] == ["clean", "10"]
    for name in ("open", "constrained", "corrected", "hybrid", "hassil/open", "fuzzy/open"):
        row = summary["systems"][name]
        for level in ("clean", "10", "overall"):
            assert 0.0 <= row["accuracy"][level] <= 1.0
    for strategy, latency in summary["latency"].items():
        if latency["n"]:
            assert latency["median_ms"] > 0 and latency["p95_ms"] >= latency["median_ms"]
        assert summary["rtf"][strategy]["overall"] > 0
        assert summary["wer"][strategy]["clean"] >= 0
    assert results["startup"]["to_listening_s"] > 0
    assert results["memory"]["peak_mb"] > 0
    assert {t["target"] for t in results["targets"]["shared"]} == {
        "cold start to listening",
        "peak memory",
    }


BENCH_STACK = """
import sys
from typing import cast
from audio.microphone import listen
from audio.recognizer import Recognizer
from bench import run
context = run.make_context(["open", "constrained", "corrected", "hybrid"])
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
    vosk_model: Any, report: tuple[Path, dict[str, Any], float]
) -> None:
    """The benchmark rebuilds the hybrid strategy from timed parts; it must hear exactly what
    ``make_recognizer("hybrid")`` hears. Each runs in a fresh process: Kaldi dithers with a
    process-wide random state, so a process's earlier audio shifts later transcripts slightly."""
    out, _, _ = report
    wav = sorted((out / "audio" / "clean").glob("*.wav"))[0]
    assert _heard(BENCH_STACK, wav) == _heard(MAKE_RECOGNIZER, wav)


def test_noise_is_mixed_at_the_asked_snr() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(16000) / 16000
    speech = np.concatenate([np.zeros(4800), 0.1 * np.sin(2 * np.pi * 220 * t), np.zeros(16000)])
    level = noise.active_rms(speech)
    for kind in (noise.pink, noise.brown):
        background = kind(len(speech), rng)
        mixed = noise.mix(speech, background, 10.0, level)
        assert noise.measured_snr(speech, mixed - speech) == pytest.approx(10.0, abs=0.01)
