"""Presenting the results: rich tables on stdout, a markdown section for the README, a chart.

Tables slice the figures by voice family (clean speech) and by condition (near-human voices);
every column header carries the number of utterances it rests on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable

from .design import BY_NAME, HARD_NOISY, NOISE_TYPES, REVERB, REVERB_NOISE_SNR, SNRS
from .metrics import CONDITION_COLUMNS, TARGETS, VOICE_COLUMNS
from .run import STOCK_OPEN
from .sets import CONTROLS, SIGNS
from .voices import ESPEAK, NEAR_HUMAN_LABEL

PEER_LABELS = {
    "hassil": "hassil 3.12 strict",
    "fuzzy": "nearest sentence (rapidfuzz)",
}
COLUMN_LABELS = {
    NEAR_HUMAN_LABEL: "near-human",
    "espeak-ng noisy": f"espeak-ng {HARD_NOISY}",
    **{f"snr-{snr}": f"{snr} dB" for snr in SNRS},
    REVERB: "reverb",
    "near-human all": "near-human, all",
    "near-human noisy": "near-human, noisy",
}
# The condition table's first column is the near-human clean figure.
CONDITION_LABELS = {**COLUMN_LABELS, NEAR_HUMAN_LABEL: "clean"}
# Columns of the compact tables (false accepts, WER, red flags): clean by family, then noise.
COMPACT_COLUMNS = (
    "piper",
    "festival-hts",
    "flite",
    ESPEAK,
    NEAR_HUMAN_LABEL,
    *(f"snr-{snr}" for snr in SNRS),
    REVERB,
    "near-human all",
)


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}%"


def num(value: float | None, fmt: str = ".0f", unit: str = "") -> str:
    return "–" if value is None else f"{value:{fmt}}{unit}"


def system_label(name: str, kind: str) -> tuple[str, str]:
    """(matcher, transcripts) for a row."""
    if kind == "peer":
        return PEER_LABELS.get(name, name), STOCK_OPEN
    return "Neck Coach", name


def _header(key: str, counts: dict[str, int], labels: dict[str, str]) -> str:
    return f"{labels.get(key, key)} (n={counts.get(key, 0)})"


def _systems_table(
    summary: dict[str, Any],
    title: str,
    metric: str,
    columns: Sequence[str],
    labels: dict[str, str],
    counts_key: str,
    note: str,
) -> Table:
    """One row per matcher and transcript source: ``metric`` per column, then typed text."""
    rows = summary["systems"]
    counts: dict[str, int] = next(iter(rows.values()))[counts_key] if rows else {}
    table = Table(
        title,
        ["matcher", "transcripts", *[_header(c, counts, labels) for c in columns], "typed text"],
        note=note,
    )
    typed = summary["text"][metric]
    for name, row in rows.items():
        matcher, origin = system_label(name, row["kind"])
        family = name if row["kind"] == "peer" else "neck-coach"
        values = row[metric]
        table.rows.append(
            [matcher, origin, *[pct(values.get(c)) for c in columns], pct(typed.get(family))]
        )
    return table


ACCURACY_NOTE = (
    "Question-set items: right intent and slots; off-topic questions must get no answer; "
    "red-flag questions must carry the caution (or a confirmation question). Peers, which have no "
    "safety layer, are scored on the intent. 'typed text' is the question's own text, without "
    "speech recognition. 'stock open' is Vosk as shipped with an open vocabulary; the peers "
    "match its transcripts."
)


def accuracy_by_voice(summary: dict[str, Any]) -> Table:
    return _systems_table(
        summary,
        "Intent accuracy by voice (clean speech)",
        "accuracy",
        VOICE_COLUMNS,
        COLUMN_LABELS,
        "n",
        ACCURACY_NOTE + " 'near-human' is piper, festival-hts and flite together.",
    )


def accuracy_by_condition(summary: dict[str, Any]) -> Table:
    return _systems_table(
        summary,
        "Intent accuracy by condition (near-human voices)",
        "accuracy",
        CONDITION_COLUMNS,
        CONDITION_LABELS,
        "n",
        "SNR columns pool babble, pink and brown noise at that SNR; noise-type columns pool the "
        f"three SNRs; reverb is the reverberant room with a pink floor at {REVERB_NOISE_SNR} dB.",
    )


def false_accept_table(summary: dict[str, Any]) -> Table:
    return _systems_table(
        summary,
        "Off-topic false accepts",
        "false_accept",
        COMPACT_COLUMNS,
        COLUMN_LABELS,
        "n_off_topic",
        "Share of off-topic questions that got an answer (lower is better). Voice columns are "
        "clean speech; SNR and reverb columns are the near-human voices.",
    )


def wer_table(summary: dict[str, Any]) -> Table:
    counts = summary["n"]
    table = Table(
        "Word error rate",
        ["transcripts", *[_header(c, counts, COLUMN_LABELS) for c in COMPACT_COLUMNS]],
        note=(
            "Against the item text, both lower-cased without punctuation, over every item "
            "(questions and red-flag items). 'corrected' and 'hybrid' output known sentences in "
            "canonical words (e.g. 'pain' for 'sore'), which counts as errors here even when the "
            "intent is right."
        ),
    )
    for name, row in summary["wer"].items():
        table.rows.append([name, *[pct(row.get(c)) for c in COMPACT_COLUMNS]])
    return table


def red_flag_tables(summary: dict[str, Any]) -> list[Table]:
    red = summary.get("red_flags")
    if not red:
        return []
    counts = red["counts"]
    text = summary["text"]
    recall = Table(
        "Red-flag recall",
        [
            "transcripts",
            *[f"{s} (n={counts['by_sign'][s]})" for s in SIGNS],
            *[_header(c, counts["signs"], COLUMN_LABELS) for c in COMPACT_COLUMNS],
            "typed text",
        ],
        note=(
            "Red-flag-set items that report a sign and got the caution (red_flags) or a "
            "confirmation question (kind 'confirm'). Per-sign columns: near-human voices, clean."
        ),
    )
    cautions = Table(
        "False cautions",
        [
            "transcripts",
            *[f"control: {c} (n={counts['by_control'][c]})" for c in CONTROLS],
            *[
                f"controls, {COLUMN_LABELS.get(c, c)} (n={counts['controls'].get(c, 0)})"
                for c in (NEAR_HUMAN_LABEL, "near-human noisy", ESPEAK)
            ],
            *[
                f"ordinary questions, {COLUMN_LABELS.get(c, c)} (n={counts['ordinary'].get(c, 0)})"
                for c in (NEAR_HUMAN_LABEL, "near-human noisy")
            ],
            "typed: controls",
            "typed: ordinary",
        ],
        note=(
            "Share that got a caution or confirmation when none was due (lower is better): the "
            "red-flag set's controls (about a symptom, a negated symptom, an ordinary question) "
            "and the question set's ordinary in-domain questions. Per-control columns: near-human "
            "voices, clean."
        ),
    )
    for name, row in red["systems"].items():
        recall.rows.append(
            [
                name,
                *[pct(row["recall_by_sign"][s]) for s in SIGNS],
                *[pct(row["recall"].get(c)) for c in COMPACT_COLUMNS],
                pct(text["recall"]),
            ]
        )
        cautions.rows.append(
            [
                name,
                *[pct(row["control_cautions_by_kind"][c]) for c in CONTROLS],
                *[
                    pct(row["control_cautions"].get(c))
                    for c in (NEAR_HUMAN_LABEL, "near-human noisy", ESPEAK)
                ],
                *[
                    pct(row["ordinary_cautions"].get(c))
                    for c in (NEAR_HUMAN_LABEL, "near-human noisy")
                ],
                pct(text["control_cautions"]),
                pct(text["ordinary_cautions"]),
            ]
        )
    return [recall, cautions]


LATENCY_COLUMNS = (NEAR_HUMAN_LABEL, "near-human noisy", ESPEAK)


def latency_table(summary: dict[str, Any], silence_ms: int) -> Table:
    table = Table(
        "Latency and speed",
        [
            "transcripts",
            *[
                f"{stat} {COLUMN_LABELS.get(c, c)}"
                for c in LATENCY_COLUMNS
                for stat in ("median", "p95")
            ],
            "endpoint missed",
            "RTF",
        ],
        note=(
            f"End of speech to answer text: the endpointer's {silence_ms} ms silence wait plus "
            "the measured finish, correction and matching. Utterances whose end the endpointer "
            "never found (noise kept it open until the file ended; live, the 15 s cap would end "
            "them) are left out of the latency and counted under 'endpoint missed'. RTF: "
            "processing seconds per second of audio streamed."
        ),
    )
    for name, row in summary["latency"].items():
        every = row["all"]
        table.rows.append(
            [
                name,
                *[
                    num(row[c][stat], unit=" ms")
                    for c in LATENCY_COLUMNS
                    for stat in ("median_ms", "p95_ms")
                ],
                f"{every['endpoint_missed']}/{every['utterances']}",
                num(summary["rtf"][name], ".3f"),
            ]
        )
    return table


ENDPOINT_COLUMNS = (NEAR_HUMAN_LABEL, *(f"snr-{snr}" for snr in SNRS), REVERB, ESPEAK)


def endpoint_table(summary: dict[str, Any]) -> Table:
    rows = summary["endpoint"]
    table = Table(
        "Endpointing",
        ["", *[_header(c, summary["n"], CONDITION_LABELS) for c in ENDPOINT_COLUMNS]],
        note="Audio time from the last speech sample to the endpointer's end of utterance.",
    )
    keys = ENDPOINT_COLUMNS
    table.rows.append(["end not found", *[pct(rows[k]["missed_rate"]) for k in keys]])
    table.rows.append(
        ["delay median", *[num(rows[k]["delay_median_ms"], unit=" ms") for k in keys]]
    )
    table.rows.append(["delay p95", *[num(rows[k]["delay_p95_ms"], unit=" ms") for k in keys]])
    return table


def startup_table(startup: dict[str, Any], memory: dict[str, Any]) -> Table:
    table = Table(
        "Start-up and memory",
        ["measure", "value"],
        note=(
            f"Cold start: median of {startup.get('runs', 0)} fresh `python -c` processes "
            "(launch, import, load data, build the Matcher, load the model, create the "
            f"{startup.get('strategy', '')} recognizer). Peak memory is the peak resident set "
            "(VmHWM); the target is judged on Neck Coach's own process after answering files "
            "through listen()."
        ),
    )
    rows = [
        ("model load (in a benchmark process)", num(memory.get("model_load_s"), ".2f", " s")),
        ("cold start to listening", num(startup.get("to_listening_s"), ".2f", " s")),
        ("… worst run", num(startup.get("worst_to_listening_s"), ".2f", " s")),
        ("… interpreter start and exit", num(startup.get("interpreter_s"), ".2f", " s")),
        ("… imports", num(startup.get("import_s"), ".2f", " s")),
        ("… load skill data", num(startup.get("data_s"), ".2f", " s")),
        ("… build the Matcher", num(startup.get("matcher_s"), ".2f", " s")),
        ("… load the model", num(startup.get("model_s"), ".2f", " s")),
        ("… create the recognizer", num(startup.get("recognizer_s"), ".2f", " s")),
        ("then build the DialogueManager", num(startup.get("dialogue_s"), ".2f", " s")),
        ("peak memory, ready to listen", num(startup.get("peak_rss_mb"), ".0f", " MB")),
        (
            f"peak memory, after answering {startup.get('turns', 0)} files",
            num(startup.get("peak_rss_mb_in_use"), ".0f", " MB"),
        ),
        (
            "peak memory, benchmark process (with peers)",
            num(memory.get("process_peak_mb"), ".0f", " MB"),
        ),
    ]
    table.rows = [list(row) for row in rows]
    return table


def _fmt_target(check: dict[str, Any], value: float | None = None) -> str:
    value = check["value"] if value is None else value
    unit = check.get("unit", "")
    if value is None:
        return "–"
    if unit == "%":
        return f"{100 * value:.1f}%"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.0f} MB"


def _margin(check: dict[str, Any]) -> str:
    if check.get("pass") is None:
        return "not measured"
    unit = check["unit"]
    size = abs(check["margin"])
    amount = {
        "%": f"{100 * size:.1f} pt",
        "ms": f"{size:.0f} ms",
        "s": f"{size:.2f} s",
        "MB": f"{size:.0f} MB",
    }[unit]
    return f"{'pass' if check['pass'] else 'MISS'} by {amount}"


def targets_table(targets: dict[str, Any]) -> Table:
    strategies = list(targets["per_strategy"])
    default = targets["default_strategy"]
    table = Table(
        "Targets",
        ["target", "goal", *[f"{s}{' (default)' if s == default else ''}" for s in strategies]],
        note="pass/MISS and by how much; typed figures, cold start and memory are one for all.",
    )
    names = [c["target"] for c in targets["per_strategy"][strategies[0]]] if strategies else []
    for i, name in enumerate(names):
        first = targets["per_strategy"][strategies[0]][i]
        goal = ("≥ " if first["higher_is_better"] else "≤ ") + _fmt_target(first, first["goal"])
        cells = []
        for s in strategies:
            check = targets["per_strategy"][s][i]
            cells.append(f"{_fmt_target(check)} — {_margin(check)}")
        table.rows.append([name, goal, *cells])
    for check in targets["shared"]:
        goal = ("≥ " if check.get("higher_is_better") else "≤ ") + _fmt_target(check, check["goal"])
        cell = f"{_fmt_target(check)} — {_margin(check)}"
        table.rows.append([check["target"], goal, *([cell] * max(1, len(strategies)))])
    return table


def print_tables(tables: Sequence[Table], console: Console | None = None) -> None:
    console = console or Console()
    for table in tables:
        rich = RichTable(title=table.title, caption=table.note or None, title_justify="left")
        for i, header in enumerate(table.headers):
            rich.add_column(header, justify="left" if i < 2 else "right")
        for row in table.rows:
            styled = [
                cell.replace("MISS", "[bold red]MISS[/]").replace("pass by", "[green]pass[/] by")
                for cell in row
            ]
            rich.add_row(*styled)
        console.print(rich)
        console.print()


def machine_table(meta: dict[str, Any]) -> Table:
    m = meta["machine"]
    engines = meta["engines"]
    design = meta["design"]
    rows = [
        ("CPU", f"{m['cpu']} ({m['nproc']} cores available)"),
        ("RAM", f"{m['ram_gb']} GB"),
        ("OS / Python", f"{m['os']} / Python {m['python']}"),
        ("packages", f"vosk {m['vosk']}, hassil {m['hassil']}, rapidfuzz {m['rapidfuzz']}"),
        ("speech model", meta["model"]),
        ("strategies", ", ".join(f"{s} ({meta['models'][s]})" for s in meta["strategies"])),
        (
            "set",
            f"{meta['set']}: {meta['items']['questions']} questions, "
            f"{meta['items']['red_flags']} red-flag items ({', '.join(meta['set_files'])})",
        ),
        (
            "voices",
            f"{', '.join(meta['voices'])} (piper-tts {engines['piper-tts']}, festival "
            f"{engines['festival']}, flite {engines['flite']}, espeak-ng {engines['espeak-ng']})",
        ),
        ("conditions", ", ".join(meta["conditions"])),
        (
            "design",
            f"{meta['utterances']} utterances: "
            + ", ".join(f"{k} {v}" for k, v in design.items())
            + (" (every SNR)" if meta["every_snr"] else ""),
        ),
        (
            "run time",
            f"{meta['run_seconds'] / 60:.1f} min with {meta['jobs']} process(es) "
            f"(audio {meta['generate_seconds']:.0f} s, recognition "
            f"{meta['evaluate_seconds']:.0f} s); budget {meta['budget_s'] / 60:.0f} min",
        ),
    ]
    return Table("Machine and run", ["", ""], [list(r) for r in rows])


def all_tables(results: dict[str, Any]) -> list[Table]:
    summary = results["summary"]
    return [
        targets_table(results["targets"]),
        accuracy_by_voice(summary),
        accuracy_by_condition(summary),
        false_accept_table(summary),
        wer_table(summary),
        *red_flag_tables(summary),
        latency_table(summary, results["meta"]["silence_ms"]),
        endpoint_table(summary),
        startup_table(results["startup"], results["memory"]),
        machine_table(results["meta"]),
    ]


def markdown(results: dict[str, Any], tables: Sequence[Table]) -> str:
    meta = results["meta"]
    kind = "held-out **test** set" if meta["set"] == "test" else f"**{meta['set']}** set"
    lines = [
        "<!-- generated by `make bench` (bench/report.py); paste into the README -->",
        "### Benchmark",
        "",
        f"Figures from the {kind} ({', '.join(meta['set_files'])}): "
        f"{meta['items']['questions']} questions and {meta['items']['red_flags']} red-flag "
        f"items, {meta['utterances']} utterances by {len(meta['voices'])} voices in "
        f"{len(meta['conditions'])} conditions (the sampling design is in `bench/design.py`), "
        f"streamed in {meta['chunk_ms']} ms chunks through the endpointer and Vosk as the "
        "microphone path does. Peers run on the same stock-open transcripts; hassil 3.12 has no "
        f"fuzzy matcher, so it is compared strict. Run on {meta['date']}"
        f"{'' if meta['full_run'] else ' (a partial run: ' + ' '.join(meta['argv']) + ')'}.",
        "",
        "![Intent accuracy against noise](docs/accuracy_vs_snr.png)",
        "",
    ]
    for table in tables:
        lines.append(f"**{table.title}**")
        lines.append("")
        if table.headers == ["", ""]:
            lines.append("| | |")
        else:
            lines.append("| " + " | ".join(h.replace("|", "\\|") for h in table.headers) + " |")
        aligns = ["---" if i < 2 else "---:" for i in range(len(table.headers))]
        lines.append("| " + " | ".join(aligns) + " |")
        for row in table.rows:
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        if table.note:
            lines.append("")
            lines.append(f"_{table.note}_")
        lines.append("")
    return "\n".join(lines)


HARD_NOISY_SNR = BY_NAME[HARD_NOISY].snr or SNRS[0]


def _series(values: dict[str, float | None], keys: Sequence[str]) -> tuple[list[int], list[float]]:
    points = [(i, 100 * v) for i, k in enumerate(keys) if (v := values.get(k)) is not None]
    return [p[0] for p in points], [p[1] for p in points]


def chart(summary: dict[str, Any], default: str, path: Path) -> None:
    """Left: ``default``'s accuracy against SNR, one line per condition family (near-human
    voices), with the reverberant room as a point. Right: every row against SNR."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x_labels = ["clean", *(f"{snr} dB" for snr in SNRS)]
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), dpi=110, sharey=True)
    systems = summary["systems"]
    if default in systems:
        accuracy = systems[default]["accuracy"]
        for kind in NOISE_TYPES:
            keys = ["cell:clean", *(f"cell:{kind}-{snr}" for snr in SNRS)]
            xs, ys = _series(accuracy, keys)
            left.plot(xs, ys, marker="o", linewidth=2.0, label=kind)
        xs, ys = _series(accuracy, [f"cell:{REVERB}"])
        if ys:
            # The room has its own 25 dB floor; its point sits between clean and 20 dB.
            left.plot([0.5], ys, marker="*", markersize=12, linestyle="", label="reverb room")
        # The espeak-ng row: clean, and its one noisy condition at that condition's SNR.
        hard = [
            (0, accuracy.get(ESPEAK)),
            (1 + SNRS.index(HARD_NOISY_SNR), accuracy.get("espeak-ng noisy")),
        ]
        hard_points = [(x, 100 * v) for x, v in hard if v is not None]
        if hard_points:
            left.plot(
                [p[0] for p in hard_points],
                [p[1] for p in hard_points],
                marker="x",
                linestyle=":",
                color="grey",
                label=f"espeak-ng (clean, {HARD_NOISY})",
            )
    left.set_title(f"Neck Coach ({default}) by condition family, near-human voices")
    keys = [NEAR_HUMAN_LABEL, *(f"snr-{snr}" for snr in SNRS)]
    for name, row in systems.items():
        xs, ys = _series(row["accuracy"], keys)
        if not ys:
            continue
        matcher, origin = system_label(name, row["kind"])
        neck = row["kind"] == "neck-coach"
        right.plot(
            xs,
            ys,
            linestyle="-" if neck else "--",
            marker="o" if neck else "s",
            linewidth=2.0 if neck else 1.2,
            label=f"{matcher} on {origin}" if row["kind"] == "peer" else f"{matcher}: {origin}",
        )
    right.set_title("Every row, near-human voices (noise types pooled)")
    for ax in (left, right):
        for goal in (TARGETS["accuracy_clean"], TARGETS["accuracy_5db"]):
            ax.axhline(100 * goal.goal, color="grey", linewidth=0.8, linestyle=":")
        ax.set_xticks(range(len(x_labels)), x_labels)
        ax.set_xlabel("noise (SNR on active speech)")
        ax.set_ylim(0, 100)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, loc="lower left")
    left.set_ylabel("intent accuracy (%)")
    clean, five = (100 * TARGETS[k].goal for k in ("accuracy_clean", "accuracy_5db"))
    left.text(
        3, clean + 0.5, f"targets: {clean:.0f}% clean, {five:.0f}% at 5 dB", ha="right", fontsize=7
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
