"""Downloading the speech model: the one pinned archive, checked, unpacked safely, installed whole.

The model is Alpha Cephei's small US English model as published on Maven Central in the
``com.alphacephei:vosk-model-en`` Android package (a zip whose ``assets/model-en-us/`` folder is
the model), fetched over HTTPS with its SHA-256 pinned, so no Maven install is needed. It lands
in ``<models folder>/MODEL_NAME``, exactly where ``audio.model.locate_model`` looks.

Nothing half-done is ever left behind: the download and the unpacking happen in a hidden
``.download-*`` folder inside the models folder, which is removed on any failure (and on
SIGTERM or Ctrl-C, which the caller turns into exceptions); the finished model replaces an older
copy with renames only. Sizes are capped so a wrong server cannot fill the disk.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import shutil
import stat
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import ModelError
from .model import MODEL_NAME, MODEL_VERSION, check_model

_LOGGER = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ModelArchive:
    """Where a model archive is, what it must hash to, and which folder inside it is the model."""

    url: str
    sha256: str
    folder: str  # the model's folder inside the zip ("" = the zip's single top folder)
    max_download_bytes: int
    max_unpacked_bytes: int


MAVEN_CENTRAL = "https://repo1.maven.org/maven2"
_ENGLISH_PATH = f"com/alphacephei/vosk-model-en/{MODEL_VERSION}/vosk-model-en-{MODEL_VERSION}.aar"


def english_model(repository: str = MAVEN_CENTRAL) -> ModelArchive:
    """The pinned English model, from Maven Central or a mirror of it (same checksum)."""
    return ModelArchive(
        url=f"{repository.rstrip('/')}/{_ENGLISH_PATH}",
        sha256="8a5792fccaf873b4745dbd1b3fe19d8a77a15898e806674020eea820424771cd",
        folder="assets/model-en-us",
        max_download_bytes=100 << 20,  # the archive is 41 MB
        max_unpacked_bytes=400 << 20,  # the model is about 70 MB unpacked
    )


ENGLISH_MODEL = english_model()

BLOCK = 1 << 16


def download_model(
    models_dir: Path,
    archive: ModelArchive = ENGLISH_MODEL,
    progress: Progress | None = None,
    timeout: float = 30.0,
) -> Path:
    """Install the model into ``models_dir / MODEL_NAME`` and return it (checked).

    Running it again is harmless: a complete model already there is kept as it is.
    """
    final = models_dir / MODEL_NAME
    try:
        return check_model(final)
    except ModelError:
        pass
    models_dir.mkdir(parents=True, exist_ok=True)
    remove_partial_downloads(models_dir)
    # Work inside models_dir so the final rename stays on one filesystem.
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".download-") as work_name:
        work = Path(work_name)
        zipped = work / "model.zip"
        actual = fetch(archive.url, zipped, archive.max_download_bytes, progress, timeout)
        if actual != archive.sha256:
            raise ModelError(
                f"The download from {archive.url} is corrupt or not the expected model "
                f"(sha256 {actual}, expected {archive.sha256}). Try again later."
            )
        unpacked = work / "unpacked"
        model_root = extract_folder(zipped, archive.folder, unpacked, archive.max_unpacked_bytes)
        check_model(model_root)
        if final.exists() or final.is_symlink():
            final.rename(work / "previous")
        model_root.rename(final)
    _LOGGER.info("speech model installed at %s", final)
    return check_model(final)


def fetch(url: str, into: Path, limit: int, progress: Progress | None, timeout: float) -> str:
    """Stream ``url`` into the file ``into`` (at most ``limit`` bytes); its sha256."""
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, into.open("wb") as out:
            total = _content_length(url, response.headers.get("Content-Length"), limit)
            done = 0
            while block := response.read(BLOCK):
                done += len(block)
                if done > limit:
                    raise ModelError(
                        f"The download from {url} is larger than {limit >> 20} MB, far more than "
                        "the model; stopped."
                    )
                out.write(block)
                digest.update(block)
                if progress is not None:
                    progress(done, total)
            if total and done != total:
                raise ModelError(
                    f"The download from {url} ended early ({done} of {total} bytes). Try again."
                )
    except urllib.error.HTTPError as error:
        raise ModelError(f"The server refused the model download: {url} ({error}).") from error
    except (
        urllib.error.URLError,
        http.client.HTTPException,
        TimeoutError,
        ConnectionError,
    ) as error:
        raise ModelError(
            f"Cannot download the speech model from {url} ({error}). Check the network, or "
            "copy the model folder from another machine."
        ) from error
    return digest.hexdigest()


def _content_length(url: str, header: str | None, limit: int) -> int:
    """The promised size (0 when not given); a malformed or oversized one is a ``ModelError``."""
    if header is None:
        return 0
    try:
        total = int(header)
    except ValueError:
        raise ModelError(
            f"The server sent a malformed size ({header!r}) for {url}; it is not a plain "
            "download server. Try again later."
        ) from None
    if total < 0 or total > limit:
        raise ModelError(
            f"The server announces {total} bytes for {url}, not the model (at most {limit} bytes)."
        )
    return total


def extract_folder(archive: Path, folder: str, into: Path, limit: int) -> Path:
    """Unpack the members under ``folder`` of the zip ``archive`` into ``into``; the folder.

    ``folder`` "" takes the zip's single top-level folder. The whole archive is refused, before
    anything is written, if a member could land outside ``into`` (absolute paths, "..",
    symbolic links) or the members to unpack add up to more than ``limit`` bytes.
    """
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            for member in members:
                reason = _unsafe_reason(member, into)
                if reason:
                    raise ModelError(
                        f"The model archive {archive.name} is unsafe: member {member.filename!r} "
                        f"({reason}). Nothing was unpacked."
                    )
            prefix = (folder or _single_top(archive.name, members)).strip("/") + "/"
            wanted = [m for m in members if m.filename.startswith(prefix) and not m.is_dir()]
            if not wanted:
                raise ModelError(f"The model archive {archive.name} has no {prefix} folder.")
            size = sum(m.file_size for m in wanted)
            if size > limit:
                raise ModelError(
                    f"The model archive {archive.name} unpacks to {size >> 20} MB, more than "
                    f"the {limit >> 20} MB a model takes; refused."
                )
            into.mkdir(parents=True, exist_ok=True)
            for member in wanted:
                zipped.extract(member, into)
    except zipfile.BadZipFile as error:
        raise ModelError(
            f"The model archive {archive.name} is not a valid zip file ({error}). "
            "Download it again."
        ) from error
    return into / prefix.rstrip("/")


def _single_top(name: str, members: list[zipfile.ZipInfo]) -> str:
    tops = {PurePosixPath(m.filename).parts[0] for m in members if m.filename.strip("/")}
    if len(tops) != 1:
        raise ModelError(f"The model archive {name} does not hold one model folder.")
    return tops.pop()


def _unsafe_reason(member: zipfile.ZipInfo, target: Path) -> str | None:
    name = member.filename
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    if ".." in pure.parts:
        return "'..' in path"
    if stat.S_ISLNK(member.external_attr >> 16):
        return "symbolic link"
    resolved = (target / pure).resolve()
    if not resolved.is_relative_to(target.resolve()):
        return "escapes the target folder"
    return None


def remove_partial_downloads(models_dir: Path) -> None:
    """Remove ``.download-*`` folders a killed process left behind."""
    for leftover in models_dir.glob(".download-*"):
        shutil.rmtree(leftover, ignore_errors=True)
