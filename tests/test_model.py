"""Finding, checking, loading and downloading the speech model.

Downloads are tested against a real HTTP server on 127.0.0.1 serving zips built here, since the
official site is not reachable from test machines.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import socket
import stat
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from audio import model as model_module
from audio.model import (
    GRAPHS,
    REQUIRED_FILES,
    check_model,
    download_model,
    load_model,
    locate_model,
    safe_extract,
)
from skill.errors import ModelError

NAME = "vosk-model-tiny-test"


def fake_model(folder: Path, graph: tuple[str, ...] = GRAPHS[0], skip: str = "") -> Path:
    for name in (*REQUIRED_FILES, *graph):
        if name != skip:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text("x")
    return folder


def model_zip(top: str = NAME, extra: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name in (*REQUIRED_FILES, *GRAPHS[0]):
            zipped.writestr(f"{top}/{name}", f"content of {name}")
        for name, text in (extra or {}).items():
            zipped.writestr(name, text)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving files from a temp folder: (base url, folder)."""
    root = tmp_path / "site"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()
    httpd.server_close()


def test_explicit_path_wins_over_everything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NECK_COACH_MODEL", str(tmp_path / "from-env"))
    assert locate_model(tmp_path / "given") == tmp_path / "given"


def test_environment_variable_comes_next(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NECK_COACH_MODEL", str(tmp_path / "from-env"))
    assert locate_model() == tmp_path / "from-env"


def test_repository_model_comes_before_user_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("NECK_COACH_MODEL", raising=False)
    monkeypatch.setattr(model_module, "repo_model_dir", lambda: tmp_path)
    assert locate_model() == tmp_path


def test_user_data_folder_is_the_last_resort(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("NECK_COACH_MODEL", raising=False)
    monkeypatch.setattr(model_module, "repo_model_dir", lambda: tmp_path / "absent")
    located = locate_model()
    assert located.name == "vosk-model-small-en-us-0.15"
    assert "neck-coach" in str(located)


def test_repository_model_path_is_beside_the_audio_package() -> None:
    expected = Path(model_module.__file__).resolve().parent.parent / "models"
    assert model_module.repo_model_dir().parent == expected


def test_complete_model_folder_passes(tmp_path: Path) -> None:
    assert check_model(fake_model(tmp_path)) == tmp_path.resolve()


def test_static_graph_model_passes(tmp_path: Path) -> None:
    assert check_model(fake_model(tmp_path, graph=GRAPHS[1]))


@pytest.mark.parametrize("missing", ["am/final.mdl", "conf/mfcc.conf", "ivector/final.ie"])
def test_missing_file_is_named_with_ways_to_get_a_model(tmp_path: Path, missing: str) -> None:
    with pytest.raises(ModelError, match=missing) as caught:
        check_model(fake_model(tmp_path, skip=missing))
    message = str(caught.value)
    assert "make setup" in message and "neck-coach model download" in message
    assert "NECK_COACH_MODEL" in message


def test_missing_graph_names_both_kinds(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"graph/HCLr\.fst.*graph/HCLG\.fst"):
        check_model(fake_model(tmp_path, graph=()))


def test_absent_folder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="No speech model at"):
        check_model(tmp_path / "nothing")


def test_real_model_loads_once_per_process(vosk_model: Any) -> None:
    assert load_model() is vosk_model
    assert vosk_model.vosk_model_find_word("neck") >= 0


def test_damaged_model_files_raise_model_error_not_crash(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="could not load"):
        load_model(fake_model(tmp_path))


def test_download_verifies_and_unpacks_into_place(server: tuple[str, Path], tmp_path: Path) -> None:
    url, root = server
    data = model_zip()
    (root / "m.zip").write_bytes(data)
    progress: list[tuple[int, int]] = []
    dest = tmp_path / "models"
    installed = download_model(
        dest, f"{url}/m.zip", sha256(data), lambda d, t: progress.append((d, t))
    )
    assert installed == (dest / NAME).resolve()
    assert (installed / "am/final.mdl").read_text() == "content of am/final.mdl"
    assert progress[-1] == (len(data), len(data))
    assert [p.name for p in dest.iterdir()] == [NAME]  # no temp folder left behind


def test_download_replaces_an_older_copy(server: tuple[str, Path], tmp_path: Path) -> None:
    url, root = server
    data = model_zip()
    (root / "m.zip").write_bytes(data)
    old = tmp_path / NAME
    old.mkdir()
    (old / "stale.txt").write_text("old")
    installed = download_model(tmp_path, f"{url}/m.zip", sha256(data))
    assert not (installed / "stale.txt").exists()
    assert check_model(installed)


def test_checksum_mismatch_is_refused_and_leaves_nothing(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    url, root = server
    (root / "m.zip").write_bytes(model_zip())
    dest = tmp_path / "models"
    with pytest.raises(ModelError, match="corrupt or not the expected model"):
        download_model(dest, f"{url}/m.zip", "0" * 64)
    assert list(dest.iterdir()) == []


def test_zip_with_parent_directory_member_is_refused(
    server: tuple[str, Path], tmp_path: Path
) -> None:
    url, root = server
    data = model_zip(extra={"../evil": "pwned", f"{NAME}/../../evil2": "pwned"})
    (root / "m.zip").write_bytes(data)
    dest = tmp_path / "deep" / "models"
    with pytest.raises(ModelError, match=r"unsafe.*'\.\.'"):
        download_model(dest, f"{url}/m.zip", sha256(data))
    assert not list(tmp_path.rglob("evil*"))
    assert list(dest.iterdir()) == []


def test_absolute_member_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "abs.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("/tmp/evil", "pwned")
    with pytest.raises(ModelError, match="absolute path"):
        safe_extract(archive, tmp_path / "out")


def test_symlink_member_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    link = zipfile.ZipInfo("model/link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(link, "/etc/passwd")
    with pytest.raises(ModelError, match="symbolic link"):
        safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "out" / "model" / "link").exists()


def test_not_a_zip_is_a_model_error(server: tuple[str, Path], tmp_path: Path) -> None:
    url, root = server
    data = b"<html>not found</html>"
    (root / "page.zip").write_bytes(data)
    with pytest.raises(ModelError, match="not a valid zip"):
        download_model(tmp_path, f"{url}/page.zip", sha256(data))


def test_unreachable_site_says_what_to_do_instead(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ModelError, match="Cannot reach") as caught:
        download_model(tmp_path, f"http://127.0.0.1:{port}/m.zip", "0" * 64, timeout=2)
    assert "--model" in str(caught.value) and "NECK_COACH_MODEL" in str(caught.value)


def test_missing_file_on_server_is_reported(server: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = server
    with pytest.raises(ModelError, match="404"):
        download_model(tmp_path, f"{url}/absent.zip", "0" * 64)
