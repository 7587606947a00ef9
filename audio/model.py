"""Finding, checking, loading and downloading the Vosk speech model.

Where the model comes from, in order: an explicit path (CLI ``--model``), the environment
variable ``NECK_COACH_MODEL``, the repository's ``models/`` folder filled by ``make setup``, and
finally the user data folder that ``neck-coach model download`` fills. Every failure is a
``ModelError`` naming what is missing and the ways to get a model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from skill.errors import ModelError

if TYPE_CHECKING:
    import vosk

log = logging.getLogger(__name__)

ENV_VAR = "NECK_COACH_MODEL"
REPO_MODEL_NAME = "vosk-model-en-us-0.3.45"
SMALL_MODEL_NAME = "vosk-model-small-en-us-0.15"
OFFICIAL_SMALL_EN_URL = f"https://alphacephei.com/vosk/models/{SMALL_MODEL_NAME}.zip"
# The official archive (41,205,931 bytes); the site publishes no checksum, so this one is pinned.
OFFICIAL_SMALL_EN_SHA256 = "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"

REQUIRED_FILES = (
    "am/final.mdl",
    "conf/model.conf",
    "conf/mfcc.conf",
    "ivector/final.ie",
    "ivector/final.dubm",
    "ivector/final.mat",
    "ivector/global_cmvn.stats",
    "ivector/online_cmvn.conf",
    "ivector/splice.conf",
)
# A dynamic graph (accepts a runtime grammar) or a static one.
GRAPHS = (("graph/HCLr.fst", "graph/Gr.fst"), ("graph/HCLG.fst",))

HOW_TO_GET = (
    "Get a model with `make setup` (in the repository) or `neck-coach model download`, "
    f"or point to one with --model PATH or {ENV_VAR}=PATH."
)

DOWNLOAD_BLOCK = 1 << 16

_loaded: dict[Path, vosk.Model] = {}
_load_lock = threading.Lock()


def repo_model_dir() -> Path:
    """The model ``make setup`` unpacks: ``models/`` beside the ``audio`` package."""
    return Path(__file__).resolve().parent.parent / "models" / REPO_MODEL_NAME


def user_model_dir() -> Path:
    """Where ``neck-coach model download`` puts the small English model."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("neck-coach")) / "models" / SMALL_MODEL_NAME


def locate_model(explicit: str | Path | None = None) -> Path:
    """The model folder to use (not yet checked): the first source that names one.

    An explicit path or the environment variable wins even if it is wrong, so a typo is reported
    rather than silently replaced by another model.
    """
    if explicit is not None:
        return Path(explicit).expanduser()
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    repo = repo_model_dir()
    if repo.is_dir():
        return repo
    return user_model_dir()


def missing_files(path: Path) -> list[str]:
    """The files Vosk needs that ``path`` lacks, relative to it (empty when complete)."""
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    graphs_present = [all((path / name).is_file() for name in graph) for graph in GRAPHS]
    if not any(graphs_present):
        missing.append(" + ".join(GRAPHS[0]) + " (or " + " + ".join(GRAPHS[1]) + ")")
    return missing


def check_model(path: str | Path) -> Path:
    """``path`` as an absolute Path if it holds a complete Vosk model, else ``ModelError``."""
    path = Path(path).expanduser()
    if not path.is_dir():
        raise ModelError(f"No speech model at {path}. {HOW_TO_GET}")
    missing = missing_files(path)
    if missing:
        raise ModelError(
            f"The speech model at {path} is incomplete: missing {', '.join(missing)}. "
            f"Delete the folder and get it again. {HOW_TO_GET}"
        )
    return path.resolve()


def load_model(path: str | Path | None = None) -> vosk.Model:
    """The checked model at ``path`` (located if None), loaded once per process."""
    checked = check_model(locate_model(path))
    with _load_lock:
        cached = _loaded.get(checked)
        if cached is not None:
            return cached
        try:
            import vosk
        except (ImportError, OSError) as error:
            raise ModelError(
                f"The vosk package cannot be loaded ({error}). Reinstall it: pip install vosk"
            ) from error
        # Kaldi logs every loading step to stderr otherwise.
        vosk.SetLogLevel(-1)
        try:
            model = vosk.Model(str(checked))
        except Exception as error:
            raise ModelError(
                f"Vosk could not load the model at {checked} ({error}); it may be damaged. "
                f"Delete the folder and get it again. {HOW_TO_GET}"
            ) from error
        _loaded[checked] = model
        log.info("loaded speech model %s", checked)
        return model


def _is_symlink(member: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(member.external_attr >> 16)


def _unsafe_reason(member: zipfile.ZipInfo, target: Path) -> str | None:
    name = member.filename
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    if ".." in pure.parts:
        return "'..' in path"
    if _is_symlink(member):
        return "symbolic link"
    resolved = (target / pure).resolve()
    if not resolved.is_relative_to(target.resolve()):
        return "escapes the target folder"
    return None


def safe_extract(archive: Path, target: Path) -> None:
    """Extract ``archive`` into ``target``; refuses it all if any member could escape."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            for member in members:
                reason = _unsafe_reason(member, target)
                if reason:
                    raise ModelError(
                        f"The model archive {archive.name} is unsafe: member {member.filename!r} "
                        f"({reason}). Nothing was extracted. Download it again from the official "
                        "site."
                    )
            zipped.extractall(target)
    except zipfile.BadZipFile as error:
        raise ModelError(
            f"The model archive {archive.name} is not a valid zip file ({error}). "
            "Download it again."
        ) from error


def _fetch(
    url: str, into: Path, progress: Callable[[int, int], None] | None, timeout: float
) -> str:
    """Stream ``url`` into the file ``into``; returns the sha256 of what was written."""
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, into.open("wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while block := response.read(DOWNLOAD_BLOCK):
                out.write(block)
                digest.update(block)
                done += len(block)
                if progress is not None:
                    progress(done, total)
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise ModelError(
            f"Cannot reach {url} to download the speech model ({error}). Check the network, or "
            f"download the zip on another machine, unzip it and point to it with --model PATH or "
            f"{ENV_VAR}=PATH (or run `make setup` in the repository)."
        ) from error
    return digest.hexdigest()


def download_model(
    dest_dir: str | Path | None = None,
    url: str = OFFICIAL_SMALL_EN_URL,
    sha256: str = OFFICIAL_SMALL_EN_SHA256,
    progress: Callable[[int, int], None] | None = None,
    timeout: float = 30.0,
) -> Path:
    """Download, verify and safely unpack a model zip; returns the checked model folder.

    ``dest_dir`` is the folder that will contain the model (default: the user data folder). The
    zip's single top-level folder becomes ``dest_dir/<that name>``, replacing an older copy only
    once the new one is complete. ``progress(done_bytes, total_bytes)`` gets total 0 if unknown.
    """
    dest = Path(dest_dir).expanduser() if dest_dir is not None else user_model_dir().parent
    dest.mkdir(parents=True, exist_ok=True)
    # Work inside dest so the final rename stays on one filesystem.
    with tempfile.TemporaryDirectory(dir=dest, prefix=".download-") as work_name:
        work = Path(work_name)
        archive = work / "model.zip"
        actual = _fetch(url, archive, progress, timeout)
        if actual != sha256.lower():
            raise ModelError(
                f"The download from {url} is corrupt or not the expected model "
                f"(sha256 {actual}, expected {sha256}). Try again later."
            )
        unpacked = work / "unpacked"
        unpacked.mkdir()
        safe_extract(archive, unpacked)
        tops = [entry for entry in unpacked.iterdir()]
        model_root = tops[0] if len(tops) == 1 and tops[0].is_dir() else unpacked
        name = model_root.name if model_root is not unpacked else Path(url).stem
        check_model(model_root)
        final = dest / name
        if final.exists():
            old = work / "previous"
            final.rename(old)
        model_root.rename(final)
        shutil.rmtree(work / "previous", ignore_errors=True)
    log.info("speech model installed at %s", final)
    return check_model(final)
