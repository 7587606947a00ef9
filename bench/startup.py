"""Cold start and the machine: what it costs a fresh process to get ready to listen.

The cold start runs in a new ``python -c`` subprocess each time, as ``neck-coach voice`` starts:
import, load the skill data, read the matcher (and its semantic layer) from the cache, find the
biased model (cached) and load it, and create the default strategy's recognizer. The
subprocess reports each phase and its own peak memory; the parent times the whole process from
launch to exit. The dialogue manager (built before the first answer) is timed as a separate
phase after "ready to listen". The first run then answers a few of the benchmark's files
(through ``listen`` and the dialogue, as a session would) so its peak memory is that of Neck
Coach in use, not of the benchmark process with its peers and caches.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

COLD_START = r"""
import json, time
t0 = time.perf_counter()


def peak_mb():
    # VmHWM belongs to this program's own address space; ru_maxrss would carry the parent's
    # peak across fork and exec.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


from audio.strategies import DEFAULT_STRATEGY
from skill.app.recognition import load_recognition
from skill.app.settings import ListeningSettings
from skill.data import load_skill_data
from skill.dialogue import DialogueManager
from skill.matcher_cache import load_matcher
t1 = time.perf_counter()
data = load_skill_data()
t2 = time.perf_counter()
matcher = load_matcher(data)
t3 = time.perf_counter()
recognition = load_recognition(ListeningSettings(), data, matcher, print)
t4 = time.perf_counter()
recognizer = recognition.recognizer("microphone")
t5 = time.perf_counter()
dialogue = DialogueManager(data, matcher)
t6 = time.perf_counter()
ready_rss = peak_mb()
import sys
from audio.endpoint import Endpointer
from audio.microphone import listen
from audio.wavfile import read_wav


class File:
    def __init__(self, path):
        self.path = path

    def chunks(self, timeout=2.0):
        return read_wav(self.path, 480)


for path in sys.argv[1:]:
    heard = listen(File(path), recognizer, Endpointer())
    dialogue.handle(heard.text, heard=heard)
print(json.dumps({
    "strategy": DEFAULT_STRATEGY,
    "import_s": t1 - t0, "data_s": t2 - t1, "matcher_s": t3 - t2, "model_s": t4 - t3,
    "recognizer_s": t5 - t4, "ready_s": t5 - t0, "dialogue_s": t6 - t5,
    "peak_rss_mb": ready_rss,
    "turns": len(sys.argv) - 1,
    "peak_rss_mb_after_turns": peak_mb(),
}))
"""


def cold_start_once(files: Sequence[Path] = ()) -> dict[str, Any]:
    began = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", COLD_START, *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - began
    if result.returncode != 0:
        raise RuntimeError(f"the cold-start subprocess failed:\n{result.stderr.strip()}")
    phases: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    # Ready to listen, from launching the interpreter: the process wall time minus the
    # dialogue manager built after the recognizer (and the interpreter's exit, which is brief).
    # Ready to listen, from launching the interpreter: the wall time up to the recognizer, i.e.
    # the interpreter's start plus the phases measured inside.
    phases["process_s"] = wall
    inside = phases["ready_s"] + phases["dialogue_s"]
    phases["interpreter_s"] = max(0.0, wall - inside) if not files else None
    return phases


def cold_start(runs: int, files: Sequence[Path] = ()) -> dict[str, Any]:
    """Median of ``runs`` cold starts (each phase separately), and the worst total; the first
    run afterwards answers ``files`` for the in-use peak memory."""
    in_use = cold_start_once(files) if files else None
    samples = [cold_start_once() for _ in range(runs)]
    for sample in samples:
        sample["to_listening_s"] = sample["interpreter_s"] + sample["ready_s"]
    keys = [k for k, v in samples[0].items() if isinstance(v, int | float)]
    out: dict[str, Any] = {k: statistics.median(s[k] for s in samples) for k in keys}
    out["strategy"] = samples[0]["strategy"]
    out["runs"] = runs
    out["worst_to_listening_s"] = max(s["to_listening_s"] for s in samples)
    out["peak_rss_mb"] = max(s["peak_rss_mb"] for s in samples)
    if in_use is not None:
        out["turns"] = in_use["turns"]
        out["peak_rss_mb_in_use"] = in_use["peak_rss_mb_after_turns"]
    return out


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def machine() -> dict[str, Any]:
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu": _cpu_model(),
        "ram_gb": round(_ram_gb(), 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "vosk": _version("vosk"),
        "hassil": _version("hassil"),
        "rapidfuzz": _version("rapidfuzz"),
        "espeak-ng": _espeak_version(),
    }


def _espeak_version() -> str:
    try:
        out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout
    except OSError:
        return "missing"
    words = out.split()
    return words[words.index("text-to-speech:") + 1] if "text-to-speech:" in words else out.strip()
