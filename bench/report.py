"""Presenting the results: rich tables on stdout, a markdown snippet for the README, a chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable

LEVEL_LABELS = {"clean": "clean", "20": "20 dB", "10": "10 dB", "5": "5 dB"}
PEER_LABELS = {
    "hassil": "hassil 3.12 strict",
    "fuzzy": "nearest sentence (rapidfuzz)",
}


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


def _system_label(name: str) -> tuple[str, str]:
    if "/" in name:
        peer, origin = name.split("/", 1)
        return PEER_LABELS.get(peer, peer), origin
    return "Neck Coach", name


def _systems_table(summary: dict[str, Any], title: str, metric: str, note: str) -> Table:
    """One row per matcher and transcript source: ``metric`` per noise level, overall, typed."""
    levels = summary["levels"]
    text = summary["text"]
    table = Table(
        title,
        ["matcher", "transcripts", *[LEVEL_LABELS[lv] for lv in levels], "overall", "typed text"],
        note=note,
    )
    for name, row in summary["systems"].items():
        matcher, origin = _system_label(name)
        family = "neck-coach" if row["kind"] == "neck-coach" else name.split("/")[0]
        values = row[metric]
        table.rows.append(
            [
                matcher,
                origin,
                *[pct(values.get(lv)) for lv in levels],
                pct(values["overall"]),
                pct(text[metric].get(family)),
            ]
        )
    return table


def accuracy_table(summary: dict[str, Any]) -> Table:
    return _systems_table(
        summary,
        "Intent accuracy",
        "accuracy",
        "Right intent and slots; out-of-domain questions must get no answer; red-flag "
        "questions must carry the caution (peers, which have no safety layer, are scored on "
        "the intent). 'typed text' is the question's own text, without speech recognition.",
    )


def false_accept_table(summary: dict[str, Any]) -> Table:
    return _systems_table(
        summary,
        "Out-of-domain false accepts",
        "false_accept",
        "Share of out-of-domain questions that got an answer (lower is better).",
    )


def wer_table(summary: dict[str, Any]) -> Table:
    levels = summary["levels"]
    table = Table(
        "Word error rate",
        ["strategy", *[LEVEL_LABELS[lv] for lv in levels], "overall"],
        note=(
            "Against the question text, both lower-cased without punctuation. 'corrected' and "
            "'hybrid' output known sentences in canonical words (e.g. 'pain' for 'sore'), which "
            "counts as errors here even when the intent is right."
        ),
    )
    for name, row in summary["wer"].items():
        table.rows.append([name, *[pct(row.get(lv)) for lv in levels], pct(row["overall"])])
    return table


def latency_table(summary: dict[str, Any], silence_ms: int) -> Table:
    levels = summary["levels"]
    table = Table(
        "Latency and speed",
        [
            "strategy",
            "median",
            "p95",
            *[f"median {LEVEL_LABELS[lv]}" for lv in levels],
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
        total = summary["systems"][name]["n"]["overall"]
        table.rows.append(
            [
                name,
                num(row["median_ms"], unit=" ms"),
                num(row["p95_ms"], unit=" ms"),
                *[num(row["by_level"][lv]["median_ms"], unit=" ms") for lv in levels],
                f"{row['endpoint_missed']}/{total}",
                num(summary["rtf"][name]["overall"], ".3f"),
            ]
        )
    return table


def endpoint_table(summary: dict[str, Any]) -> Table:
    levels = summary["levels"]
    table = Table(
        "Endpointing",
        ["", *[LEVEL_LABELS[lv] for lv in levels], "overall"],
        note="Audio time from the last speech sample to the endpointer's end of utterance.",
    )
    rows = summary["endpoint"]
    keys = [*levels, "overall"]
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
        note="pass/MISS and by how much; cold start and memory are one figure for all.",
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


def machine_table(meta: dict[str, Any]) -> Table:
    m = meta["machine"]
    rows = [
        ("CPU", f"{m['cpu']} ({m['nproc']} cores available)"),
        ("RAM", f"{m['ram_gb']} GB"),
        ("OS / Python", f"{m['os']} / Python {m['python']}"),
        ("packages", f"vosk {m['vosk']}, hassil {m['hassil']}, rapidfuzz {m['rapidfuzz']}"),
        ("speech model", meta["model"]),
        ("speech", f"espeak-ng {m['espeak-ng']}: {', '.join(meta['voices'])}"),
        (
            "set",
            f"{meta['questions']} questions × {len(meta['voices'])} voices × "
            f"{len(meta['levels'])} levels = {meta['utterances']} utterances",
        ),
        ("noise", "pink, brown or babble (six espeak talkers), SNR on active speech"),
        (
            "run time",
            f"{meta['run_seconds'] / 60:.1f} min with {meta['jobs']} process(es) "
            f"(audio {meta['generate_seconds']:.0f} s, recognition "
            f"{meta['evaluate_seconds']:.0f} s)",
        ),
    ]
    return Table("Machine and run", ["", ""], [list(r) for r in rows])


def all_tables(results: dict[str, Any]) -> list[Table]:
    summary = results["summary"]
    return [
        targets_table(results["targets"]),
        accuracy_table(summary),
        false_accept_table(summary),
        wer_table(summary),
        latency_table(summary, results["meta"]["silence_ms"]),
        endpoint_table(summary),
        startup_table(results["startup"], results["memory"]),
        machine_table(results["meta"]),
    ]


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


def markdown(results: dict[str, Any], tables: Sequence[Table]) -> str:
    meta = results["meta"]
    lines = [
        "<!-- generated by `make bench` (bench/report.py); paste into the README -->",
        "### Benchmark",
        "",
        f"{meta['questions']} spoken questions × {len(meta['voices'])} espeak-ng voices × "
        f"{len(meta['levels'])} noise levels = {meta['utterances']} utterances, streamed in "
        f"{meta['chunk_ms']} ms chunks through the endpointer and Vosk as the microphone path "
        f"does. Peers run on the same transcripts; hassil 3.12 has no fuzzy matcher, so it is "
        f"compared strict. Run on {meta['date']}.",
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


def chart(summary: dict[str, Any], path: Path) -> None:
    """Accuracy against SNR, one line per strategy (solid) and peer (dashed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = summary["levels"]
    x = list(range(len(levels)))
    fig, ax = plt.subplots(figsize=(10.5, 5), dpi=120)
    for name, row in summary["systems"].items():
        values = [row["accuracy"].get(lv) for lv in levels]
        points = [(i, 100 * v) for i, v in zip(x, values, strict=True) if v is not None]
        if not points:
            continue
        matcher, origin = _system_label(name)
        peer = row["kind"] != "neck-coach"
        label = f"{matcher} on {origin}" if peer else f"Neck Coach: {origin}"
        ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            linestyle="--" if peer else "-",
            marker="s" if peer else "o",
            linewidth=1.2 if peer else 2.0,
            label=label,
        )
    ax.axhline(98, color="grey", linewidth=0.8, linestyle=":")
    ax.axhline(94, color="grey", linewidth=0.8, linestyle=":")
    ax.text(x[-1], 98.5, "targets: 98% clean, 94% at 5 dB", ha="right", va="bottom", fontsize=7)
    ax.set_xticks(x, [LEVEL_LABELS[lv] for lv in levels])
    ax.set_xlabel("noise (SNR on active speech)")
    ax.set_ylabel("intent accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title("Neck Coach: intent accuracy against noise")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
