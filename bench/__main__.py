"""``python -m bench``: plan the spoken set, make it, run it, report. ``--help`` lists the options.

The run checks its own wall-clock time against a budget (``FULL_BUDGET_S`` for a full run,
``QUICK_BUDGET_S`` for ``--quick``, or ``--budget``): it reports the time in every output and
exits with status 3 after writing them when the run took longer.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import shutil
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from audio.endpoint import DEFAULT_SILENCE_MS
from audio.model import locate_model
from audio.strategies import DEFAULT_STRATEGY, STRATEGIES

from . import audio_set, design, metrics, report, run, sets, startup, voices
from .audio_set import Sample
from .sets import Question

_LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "out"
DOCS_CHART = ROOT / "docs" / "accuracy_vs_snr.png"
MAX_JOBS = 2
QUICK_QUESTIONS = 18
QUICK_RED_FLAGS = 6
# Wall-clock budgets (s) on the 2-core benchmark machine, audio generation included.
FULL_BUDGET_S = 30 * 60.0
QUICK_BUDGET_S = 5 * 60.0
OVER_BUDGET_EXIT = 3
# Files the in-use memory process answers after its cold start.
MEMORY_TURNS = 24


def _model_for(values: Sequence[str], parser: argparse.ArgumentParser) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        name, _, path = value.partition("=")
        if not name or not path:
            parser.error(f"--model-for takes NAME=PATH, not {value!r}")
        if not Path(path).is_dir():
            parser.error(f"--model-for {name}: {path} is not a folder")
        out[name] = str(Path(path).resolve())
    return out


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Neck Coach's spoken benchmark: accuracy, off-topic false accepts, WER, "
        "red-flag recall and false cautions, latency, start-up and memory, by voice family and "
        "condition, against hassil and nearest-sentence matching.",
    )
    parser.add_argument(
        "--set",
        default="dev",
        help="item set: bench/sets/NAME_questions.yaml and NAME_red_flags.yaml "
        "(default dev; 'test' is the frozen held-out set: report only, never tune)",
    )
    parser.add_argument("--questions", type=Path, help="a question file instead of the set's")
    parser.add_argument("--red-flags", type=Path, help="a red-flag file instead of the set's")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: {QUICK_QUESTIONS} questions and {QUICK_RED_FLAGS} red-flag items "
        "spread over the files, same design",
    )
    parser.add_argument("--limit", type=int, help="at most N items of each file, spread out")
    parser.add_argument(
        "--strategies",
        default=",".join(STRATEGIES),
        help=f"comma-separated recognition strategies (default: all of {', '.join(STRATEGIES)})",
    )
    parser.add_argument(
        "--model-for",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="a strategy's own Vosk model folder (repeatable); others use the stock model",
    )
    parser.add_argument(
        "--voices",
        help="comma-separated families (piper, festival-hts, flite, espeak-ng, near-human) or "
        f"voices ({', '.join(v.id for v in voices.VOICES)}); default all",
    )
    parser.add_argument(
        "--conditions",
        help="comma-separated conditions (clean, babble-20 ... brown-5, reverb), noise types, "
        "SNRs (20, 10, 5) or 'noise'; default all",
    )
    parser.add_argument(
        "--every-snr",
        action="store_true",
        help="every item at every SNR of every noise type (denser, about 1.7x slower)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=MAX_JOBS,
        help=f"processes (1-{MAX_JOBS}; default {MAX_JOBS}: the full run needs both cores for "
        "its time budget; one process gives cleaner latency figures)",
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
        "--budget",
        type=float,
        help=f"wall-clock budget in seconds (default {FULL_BUDGET_S:.0f}, "
        f"{QUICK_BUDGET_S:.0f} with --quick); over it the run exits with {OVER_BUDGET_EXIT}",
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
    args.model_for = _model_for(args.model_for, parser)
    stray = [name for name in args.model_for if name not in args.strategies]
    if stray:
        parser.error(f"--model-for names strategies that do not run: {', '.join(stray)}")
    try:
        args.voices = voices.select(args.voices)
        args.conditions = design.select_conditions(args.conditions)
    except ValueError as error:
        parser.error(str(error))
    if not args.conditions:
        parser.error("no conditions chosen")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if not 1 <= args.jobs <= MAX_JOBS:
        parser.error(f"--jobs must be 1 to {MAX_JOBS} (the benchmark machine has 2 cores)")
    if args.budget is None:
        args.budget = QUICK_BUDGET_S if args.quick else FULL_BUDGET_S
    try:
        args.item_set = sets.load_set(args.set, args.questions, args.red_flags)
    except sets.SetError as error:
        parser.error(str(error))
    if args.questions is not None:
        # Figures from a question file of one's own are not the named set's.
        args.item_set = replace(args.item_set, name="custom")
    return args


def choose_items(item_set: sets.ItemSet, quick: bool, limit: int | None) -> list[Question]:
    """The items of the run: every item, or a spread of each file for --quick / --limit."""
    questions, red_flags = item_set.question_items, item_set.red_flag_items
    if quick:
        questions = sets.spread(questions, QUICK_QUESTIONS)
        red_flags = sets.spread(red_flags, QUICK_RED_FLAGS)
    if limit is not None:
        questions = sets.spread(questions, limit)
        red_flags = sets.spread(red_flags, limit)
    return [*questions, *red_flags]


def batches(samples: Sequence[Sample]) -> list[list[Sample]]:
    """Fixed batches of consecutive items in one voice and condition; the noisiest conditions
    first so the slowest work starts early."""
    groups: dict[tuple[str, str], list[Sample]] = defaultdict(list)
    for sample in samples:
        groups[(sample.voice.id, sample.condition.name)].append(sample)
    order = {c.name: i for i, c in enumerate(reversed(design.CONDITIONS))}
    out = []
    for key in sorted(groups, key=lambda k: (order[k[1]], k[0])):
        group = groups[key]
        out += [group[i : i + run.BATCH] for i in range(0, len(group), run.BATCH)]
    return out


def design_counts(planned: Sequence[design.Planned]) -> dict[str, int]:
    """Utterances per part of the design."""
    counts: Counter[str] = Counter()
    for p in planned:
        if not p.voice.near_human:
            counts["espeak-ng"] += 1
        elif p.condition.name == design.CLEAN:
            counts["near-human clean"] += 1
        elif p.condition.reverb:
            counts["reverb"] += 1
        else:
            counts["near-human noise"] += 1
    return dict(counts)


def evaluate(
    work: list[list[Sample]],
    items: Sequence[Question],
    spec: run.RunSpec,
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
            run.set_context(run.make_context(spec))
            text = run.evaluate_text(items)
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
                args=(spec, share, list(items) if i == 0 else None, queue),
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


def _is_full_run(args: argparse.Namespace) -> bool:
    return not (
        args.quick or args.limit or args.every_snr or args.questions or args.red_flags
    ) and (
        args.strategies == list(STRATEGIES)
        and args.voices == list(voices.VOICES)
        and args.conditions == list(design.CONDITIONS)
        and not args.model_for
    )


def main(argv: Sequence[str] | None = None) -> int:
    began = time.perf_counter()
    args = parse_args(argv)
    console = Console()
    if not console.is_terminal:
        # Redirected to a file or a CI log: wide enough for the tables not to wrap.
        console = Console(width=170)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    item_set: sets.ItemSet = args.item_set
    items = choose_items(item_set, args.quick, args.limit)
    planned = design.plan(items, args.voices, args.conditions, args.every_snr)
    spec = run.RunSpec(tuple(args.strategies), tuple(sorted(args.model_for.items())))
    full_run = _is_full_run(args)

    n_questions = sum(1 for q in items if q.kind == sets.QUESTION_KIND)
    console.print(
        f"[bold]Neck Coach benchmark[/], set [bold]{item_set.name}[/]: {n_questions} questions "
        f"and {len(items) - n_questions} red-flag items -> {len(planned)} utterances "
        f"({', '.join(f'{k} {v}' for k, v in design_counts(planned).items())}); strategies "
        f"{', '.join(args.strategies)}; {args.jobs} process(es)"
    )
    if args.jobs > 1:
        console.print(
            "[yellow]note[/]: with two processes every timed call shares the cores, so latency "
            "and RTF come out pessimistic (--jobs 1 for cleaner timing)"
        )
    step = time.perf_counter()
    samples = audio_set.build(planned, out / "audio", seed=args.seed, jobs=args.jobs)
    generate_seconds = time.perf_counter() - step
    console.print(f"audio ready: {len(samples)} files in {generate_seconds:.1f} s")

    step = time.perf_counter()
    records, text, figures = evaluate(batches(samples), items, spec, args.jobs, console)
    evaluate_seconds = time.perf_counter() - step
    order = {
        p: i for i, p in enumerate((p.question.id, p.voice.id, p.condition.name) for p in planned)
    }
    records.sort(key=lambda r: order[(r["question"], r["voice"], r["condition"])])
    console.print(f"recognized {len(records)} utterances in {evaluate_seconds:.1f} s")

    cold: dict[str, Any] = {}
    if args.cold_start_runs > 0:
        console.print(f"timing {args.cold_start_runs} cold start(s)…")
        every = max(1, len(samples) // MEMORY_TURNS)
        cold = startup.cold_start(args.cold_start_runs, [s.path for s in samples[::every]])

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
    summary = metrics.summarize(records, text)
    targets = metrics.check_targets(summary, cold, memory)
    stock = locate_model()
    models = spec.models(stock)
    meta: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "argv": list(argv) if argv is not None else sys.argv[1:],
        "full_run": full_run,
        "machine": startup.machine(),
        "engines": voices.versions(),
        "model": stock.name,
        "models": {
            s: models[s].name if models[s] == stock else str(models[s]) for s in args.strategies
        },
        "set": item_set.name,
        "set_files": [
            str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p) for p in item_set.sources
        ],
        "items": {"questions": n_questions, "red_flags": len(items) - n_questions},
        "voices": [v.id for v in args.voices],
        "conditions": [c.name for c in args.conditions],
        "every_snr": args.every_snr,
        "design": design_counts(planned),
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
        "budget_s": args.budget,
    }
    default = targets["default_strategy"]
    failures = {
        column: metrics.failures(records, default, column)
        for column in (voices.NEAR_HUMAN_LABEL, "snr-5", design.REVERB, voices.ESPEAK)
    }
    results = {
        "meta": meta,
        "summary": summary,
        "startup": cold,
        "memory": memory,
        "targets": targets,
        "failures": {default: failures},
    }
    meta["run_seconds"] = time.perf_counter() - began
    meta["within_budget"] = meta["run_seconds"] <= args.budget

    tables = report.all_tables(results)
    report.print_tables(tables, console)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    with (out / "utterances.jsonl").open("w") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    (out / "results.md").write_text(report.markdown(results, tables))
    chart = out / "accuracy_vs_snr.png"
    report.chart(summary, default or DEFAULT_STRATEGY, chart)
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
    minutes, budget = meta["run_seconds"] / 60, args.budget / 60
    if not meta["within_budget"]:
        console.print(
            f"[bold red]over budget[/]: the run took {minutes:.1f} min, budget {budget:.1f} min"
        )
        return OVER_BUDGET_EXIT
    console.print(f"[bold]run time[/]: {minutes:.1f} min (budget {budget:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
