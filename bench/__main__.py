"""``python -m bench``: generate the spoken set, run it, report. ``--help`` lists the options."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from audio.endpoint import DEFAULT_SILENCE_MS
from audio.model import locate_model
from audio.strategies import STRATEGIES as ALL_STRATEGIES

from . import audio_set, metrics, report, run, startup
from .audio_set import DEFAULT_VOICES, LEVELS, VOICES, Sample, Voice

# ``domain`` needs the biased model built first; bench/domain_eval.py measures it.
STRATEGIES = tuple(s for s in ALL_STRATEGIES if s != "domain")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "out"
DOCS_CHART = ROOT / "docs" / "accuracy_vs_snr.png"
MAX_JOBS = 2
QUICK_QUESTIONS = 44
QUICK_VOICES = 1
# Files the in-use memory process answers after its cold start.
MEMORY_TURNS = 24


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Neck Coach's spoken benchmark: accuracy, WER, false accepts, latency, "
        "speed, start-up and memory, against hassil and nearest-sentence matching.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a subset: {QUICK_QUESTIONS} questions spread over the file, "
        f"the first {QUICK_VOICES} voices",
    )
    parser.add_argument(
        "--strategies",
        default=",".join(STRATEGIES),
        help=f"comma-separated recognition strategies (default: all of {', '.join(STRATEGIES)})",
    )
    parser.add_argument(
        "--voices",
        help="comma-separated espeak-ng voices with speeds, e.g. en-us@150,en-gb@170, or 'all' "
        f"for {', '.join(v.id for v in VOICES)} "
        f"(default: {', '.join(v.id for v in DEFAULT_VOICES)})",
    )
    parser.add_argument(
        "--levels",
        default=",".join(LEVELS),
        help="comma-separated noise levels: clean and SNRs in dB (default: clean,20,10,5)",
    )
    parser.add_argument(
        "--limit", type=int, help="at most N questions, evenly spread over the file"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help=f"processes (1-{MAX_JOBS}; default 1: on the 2-core benchmark machine a second "
        "process gains under 20%% and slows every timed call, inflating latency and RTF)",
    )
    parser.add_argument("--seed", type=int, default=1234, help="noise seed (default 1234)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--cold-start-runs",
        type=int,
        default=3,
        help="fresh processes timed for the cold start (0 skips it; default 3)",
    )
    parser.add_argument(
        "--no-docs",
        action="store_true",
        help="do not copy the chart to docs/ (only a full run copies it anyway)",
    )
    args = parser.parse_args(argv)
    args.strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    unknown = [s for s in args.strategies if s not in STRATEGIES]
    if unknown or not args.strategies:
        parser.error(f"unknown strategies {unknown}; choose from {', '.join(STRATEGIES)}")
    args.levels = [lv.strip() for lv in args.levels.split(",") if lv.strip()]
    if not args.levels or any(lv not in LEVELS for lv in args.levels):
        parser.error(f"levels must be among {', '.join(LEVELS)}")
    args.levels = [lv for lv in LEVELS if lv in args.levels]
    if args.voices == "all":
        args.voices = list(VOICES)
    elif args.voices:
        args.voices = [Voice.parse(v) for v in args.voices.split(",") if v.strip()]
    else:
        args.voices = list(DEFAULT_VOICES[:QUICK_VOICES] if args.quick else DEFAULT_VOICES)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if not 1 <= args.jobs <= MAX_JOBS:
        parser.error(f"--jobs must be 1 to {MAX_JOBS} (the benchmark machine has 2 cores)")
    return args


def batches(samples: Sequence[Sample], levels: Sequence[str]) -> list[list[Sample]]:
    """Fixed batches of consecutive questions in one voice and level; the noisiest first so the
    slowest work starts early."""
    groups: dict[tuple[str, str], list[Sample]] = defaultdict(list)
    for sample in samples:
        groups[(sample.voice, sample.level)].append(sample)
    order = {level: i for i, level in enumerate(reversed(levels))}
    out = []
    for key in sorted(groups, key=lambda k: (order[k[1]], k[0])):
        group = sorted(groups[key], key=lambda s: s.question.index)
        out += [group[i : i + run.BATCH] for i in range(0, len(group), run.BATCH)]
    return out


def evaluate(
    work: list[list[Sample]],
    questions: Sequence[audio_set.Question],
    strategies: Sequence[str],
    jobs: int,
    console: Console,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Records, text records and per-batch process figures. With two jobs each process takes
    every other batch, in order (see ``run.worker_main``)."""
    records: list[dict[str, Any]] = []
    figures: list[dict[str, Any]] = []
    text: list[dict[str, Any]] = []
    total = sum(len(b) for b in work)
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("recognizing", total=total)
        if jobs == 1:
            run.set_context(run.make_context(strategies))
            text = run.evaluate_text(questions)
            for batch in work:
                result = run.evaluate_batch(batch)
                records += result["records"]
                figures.append(result)
                progress.advance(task, len(batch))
            return records, text, figures
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        shares = [work[i::jobs] for i in range(jobs)]
        processes = [
            context.Process(
                target=run.worker_main,
                args=(list(strategies), share, list(questions) if i == 0 else None, queue),
            )
            for i, share in enumerate(shares)
        ]
        for process in processes:
            process.start()
        expected = len(work) + 1
        try:
            while expected:
                kind, payload = queue.get()
                expected -= 1
                if kind == "error":
                    raise RuntimeError(f"a benchmark worker failed:\n{payload}")
                if kind == "text":
                    text = payload
                    continue
                records += payload["records"]
                figures.append(payload)
                progress.advance(task, len(payload["records"]))
        finally:
            for process in processes:
                process.join(timeout=10)
                if process.is_alive():
                    process.terminate()
    return records, text, figures


def main(argv: Sequence[str] | None = None) -> int:
    began = time.perf_counter()
    args = parse_args(argv)
    console = Console()
    if not console.is_terminal:
        # Redirected to a file or a CI log: wide enough for the tables not to wrap.
        console = Console(width=150)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    every_question = audio_set.load_questions()
    questions = every_question
    if args.quick:
        questions = audio_set.spread(questions, QUICK_QUESTIONS)
    if args.limit is not None:
        questions = audio_set.spread(questions, args.limit)
    full_run = not (args.quick or args.limit) and (
        args.strategies == list(STRATEGIES)
        and args.levels == list(LEVELS)
        and args.voices == list(DEFAULT_VOICES)
    )

    if args.jobs > 1:
        console.print(
            "[yellow]note[/]: with two processes on this machine every timed call is slower "
            "(the cores are shared), so latency and RTF come out pessimistic"
        )
    console.print(
        f"[bold]Neck Coach benchmark[/]: {len(questions)} questions × {len(args.voices)} voices "
        f"× {len(args.levels)} levels, strategies {', '.join(args.strategies)}, "
        f"{args.jobs} process(es)"
    )
    step = time.perf_counter()
    samples = audio_set.build(
        questions,
        args.voices,
        args.levels,
        out / "audio",
        seed=args.seed,
        jobs=args.jobs,
        babble_from=every_question,
    )
    generate_seconds = time.perf_counter() - step
    console.print(f"audio ready: {len(samples)} files in {generate_seconds:.1f} s")

    step = time.perf_counter()
    records, text, figures = evaluate(
        batches(samples, args.levels), questions, args.strategies, args.jobs, console
    )
    evaluate_seconds = time.perf_counter() - step
    level_order = {level: i for i, level in enumerate(args.levels)}
    records.sort(key=lambda r: (r["voice"], level_order[r["level"]], r["question"]))
    console.print(f"recognized {len(records)} utterances in {evaluate_seconds:.1f} s")

    cold: dict[str, Any] = {}
    if args.cold_start_runs > 0:
        console.print(f"timing {args.cold_start_runs} cold start(s)…")
        step = max(1, len(samples) // MEMORY_TURNS)
        cold = startup.cold_start(args.cold_start_runs, [s.path for s in samples[::step]])

    process_peak = max(f["peak_rss_mb"] for f in figures)
    # The target is about Neck Coach in use: the cold-start process after answering some of the
    # files. The benchmark process also holds the peers, caches and records.
    in_use = cold.get("peak_rss_mb_in_use") or cold.get("peak_rss_mb")
    memory = {
        "model_load_s": statistics.median(f["model_load_s"] for f in figures),
        "process_peak_mb": process_peak,
        "main_peak_mb": run.peak_rss_mb(),
        "peak_mb": in_use if in_use is not None else process_peak,
        "peak_measured_on": "neck-coach process" if in_use is not None else "benchmark process",
    }
    summary = metrics.summarize(records, args.levels, text)
    targets = metrics.check_targets(summary, cold, memory)
    model = locate_model()
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "argv": list(argv) if argv is not None else sys.argv[1:],
        "full_run": full_run,
        "machine": startup.machine(),
        "model": model.name,
        "questions": len(questions),
        "voices": [v.id for v in args.voices],
        "levels": args.levels,
        "strategies": args.strategies,
        "utterances": len(records),
        "jobs": args.jobs,
        "seed": args.seed,
        "chunk_ms": run.CHUNK_MS,
        "silence_ms": DEFAULT_SILENCE_MS,
        "batch": run.BATCH,
        "grammar_words_missing_from_model": figures[0]["missing_words"] if figures else [],
        "generate_seconds": generate_seconds,
        "evaluate_seconds": evaluate_seconds,
        "run_seconds": time.perf_counter() - began,
    }
    failures = {
        s: {lv: metrics.failures(records, s, lv) for lv in args.levels} for s in args.strategies
    }
    results = {
        "meta": meta,
        "summary": summary,
        "startup": cold,
        "memory": memory,
        "targets": targets,
        "failures": failures,
    }

    tables = report.all_tables(results)
    report.print_tables(tables, console)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    with (out / "utterances.jsonl").open("w") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    (out / "results.md").write_text(report.markdown(results, tables))
    chart = out / "accuracy_vs_snr.png"
    report.chart(summary, chart)
    copied = ""
    if full_run and not args.no_docs:
        DOCS_CHART.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(chart, DOCS_CHART)
        copied = f" and {DOCS_CHART.relative_to(ROOT)}"
    missing = meta["grammar_words_missing_from_model"]
    if missing:
        console.print(
            f"[yellow]note[/]: template words the model lacks (the constrained grammar drops "
            f"them): {', '.join(missing)}"
        )
    console.print(
        f"wrote {out / 'results.json'}, results.md, utterances.jsonl, {chart.name}{copied}"
    )
    console.print(f"[bold]run time[/]: {meta['run_seconds'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
