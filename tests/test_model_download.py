"""Downloading the speech model: where it lands, what is refused, and that nothing half-done stays.

Downloads are tested against real servers on 127.0.0.1 serving archives built here (shaped like
the Maven Central package: the model in ``assets/model-en-us/``), since no test may depend on
the internet.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import signal
import socket
import socketserver
import stat
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from audio import model as model_module
from audio.errors import ModelError
from audio.model import GRAPHS, MODEL_NAME, REQUIRED_FILES, locate_model
from audio.model_download import ModelArchive, download_model, english_model, extract_folder

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "assets/model-en-us"


def aar(extra: dict[str, str] | None = None, folder: str = FOLDER) -> bytes:
    """A zip shaped like the Android package: other files, and the model in ``folder``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("AndroidManifest.xml", "<manifest/>")
        for name in (*REQUIRED_FILES, *GRAPHS[0]):
            zipped.writestr(f"{folder}/{name}", f"content of {name}")
        for name, text in (extra or {}).items():
            zipped.writestr(name, text)
    return buffer.getvalue()


def archive(url: str, data: bytes, **limits: int) -> ModelArchive:
    base = ModelArchive(url, hashlib.sha256(data).hexdigest(), FOLDER, 1 << 20, 1 << 20)
    return replace(base, **limits)


class Site:
    """A real HTTP server on 127.0.0.1 serving files from a folder, counting requests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests = 0
        site = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self) -> None:
                site.requests += 1
                super().do_GET()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def put(self, name: str, data: bytes) -> str:
        (self.root / name).write_bytes(data)
        return f"{self.url}/{name}"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    root = tmp_path / "site"
    root.mkdir()
    server = Site(root)
    thread = threading.Thread(target=server.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def raw_server(reply: bytes) -> tuple[str, socketserver.TCPServer]:
    """A TCP server on 127.0.0.1 answering every connection with ``reply`` bytes."""

    class Reply(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.recv(4096)
            self.request.sendall(reply)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Reply)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/model.aar", server


def test_the_model_lands_where_the_lookup_looks(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = aar()
    progress: list[tuple[int, int]] = []
    models = tmp_path / "user-models"
    monkeypatch.setattr(model_module, "user_models_dir", lambda: models)
    monkeypatch.setattr(model_module, "checkout_models_dir", lambda: tmp_path / "no-checkout")
    monkeypatch.delenv("NECK_COACH_MODEL", raising=False)
    installed = download_model(
        models, archive(site.put("m.aar", data), data), lambda d, t: progress.append((d, t))
    )
    assert installed == (models / MODEL_NAME).resolve()
    assert locate_model() == models / MODEL_NAME
    assert (installed / "am/final.mdl").read_text() == "content of am/final.mdl"
    assert not (installed / "AndroidManifest.xml").exists()
    assert progress[-1] == (len(data), len(data))
    assert [p.name for p in models.iterdir()] == [MODEL_NAME]  # no temp folder left behind


def test_running_it_twice_is_harmless_and_fetches_once(site: Site, tmp_path: Path) -> None:
    data = aar()
    source = archive(site.put("m.aar", data), data)
    first = download_model(tmp_path / "models", source)
    second = download_model(tmp_path / "models", source)
    assert first == second and site.requests == 1


def test_an_incomplete_copy_is_replaced(site: Site, tmp_path: Path) -> None:
    data = aar()
    old = tmp_path / MODEL_NAME
    (old / "am").mkdir(parents=True)
    (old / "stale.txt").write_text("old")
    installed = download_model(tmp_path, archive(site.put("m.aar", data), data))
    assert not (installed / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([MODEL_NAME, "site"])


def test_a_leftover_from_a_killed_download_is_cleared(site: Site, tmp_path: Path) -> None:
    (tmp_path / ".download-old").mkdir()
    data = aar()
    download_model(tmp_path, archive(site.put("m.aar", data), data))
    assert not list(tmp_path.glob(".download-*"))


def test_checksum_mismatch_is_refused_and_leaves_nothing(site: Site, tmp_path: Path) -> None:
    url = site.put("m.aar", aar())
    models = tmp_path / "models"
    with pytest.raises(ModelError, match="corrupt or not the expected model"):
        download_model(models, archive(url, b"something else"))
    assert list(models.iterdir()) == []


def test_a_missing_file_on_the_server_leaves_nothing(site: Site, tmp_path: Path) -> None:
    models = tmp_path / "models"
    with pytest.raises(ModelError, match="404"):
        download_model(models, archive(f"{site.url}/absent.aar", b""))
    assert list(models.iterdir()) == []


def test_an_unreachable_server_says_what_to_do_instead(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ModelError, match="Cannot download") as caught:
        download_model(tmp_path, archive(f"http://127.0.0.1:{port}/m.aar", b""), timeout=2)
    assert "copy the model folder" in str(caught.value)


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\nxyz", "malformed size"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\nxyz", "not the model"),
        (b"SSH-2.0-OpenSSH_9.2\r\n", "Cannot download"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", "Cannot download|ended early"),
    ],
)
def test_a_server_that_is_not_a_download_server_is_explained(
    reply: bytes, message: str, tmp_path: Path
) -> None:
    url, server = raw_server(reply)
    try:
        with pytest.raises(ModelError, match=message):
            download_model(tmp_path / "models", archive(url, b""), timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert list((tmp_path / "models").iterdir()) == []


def test_a_download_larger_than_the_cap_is_stopped(site: Site, tmp_path: Path) -> None:
    data = aar(extra={"padding.bin": "x" * 300_000})
    url = site.put("m.aar", data)
    with pytest.raises(ModelError, match="not the model"):
        download_model(tmp_path, archive(url, data, max_download_bytes=100_000))


def test_a_body_longer_than_the_cap_is_cut_off_even_without_a_size(tmp_path: Path) -> None:
    url, server = raw_server(b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 300_000)
    try:
        with pytest.raises(ModelError, match="larger than"):
            download_model(tmp_path, archive(url, b"", max_download_bytes=100_000), timeout=5)
    finally:
        server.shutdown()
        server.server_close()


def test_an_archive_that_unpacks_too_large_is_refused(site: Site, tmp_path: Path) -> None:
    data = aar(extra={f"{FOLDER}/huge.bin": "0" * 500_000})
    url = site.put("m.aar", data)
    with pytest.raises(ModelError, match="unpacks to"):
        download_model(tmp_path, archive(url, data, max_unpacked_bytes=100_000))
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_an_archive_without_the_model_folder_is_refused(site: Site, tmp_path: Path) -> None:
    data = aar(folder="assets/other")
    with pytest.raises(ModelError, match="has no assets/model-en-us/ folder"):
        download_model(tmp_path, archive(site.put("m.aar", data), data))


@pytest.mark.parametrize(
    ("member", "reason"), [("../evil", "'..' in path"), ("/tmp/evil", "absolute path")]
)
def test_members_that_escape_are_refused_before_anything_is_written(
    member: str, reason: str, tmp_path: Path
) -> None:
    zipped = tmp_path / "bad.aar"
    zipped.write_bytes(aar(extra={member: "pwned"}))
    with pytest.raises(ModelError, match=reason):
        extract_folder(zipped, FOLDER, tmp_path / "out", 1 << 20)
    assert not (tmp_path / "out").exists() and not list(tmp_path.rglob("evil"))


def test_a_symlink_member_is_refused(tmp_path: Path) -> None:
    zipped = tmp_path / "link.aar"
    link = zipfile.ZipInfo(f"{FOLDER}/link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(zipped, "w") as out:
        out.writestr(link, "/etc/passwd")
    with pytest.raises(ModelError, match="symbolic link"):
        extract_folder(zipped, FOLDER, tmp_path / "out", 1 << 20)


def test_an_error_while_unpacking_leaves_no_download_folder(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM mid-extraction arrives as SystemExit (the CLI's handler): the temp folder goes."""
    data = aar()

    def killed(*args: object, **kwargs: object) -> None:
        raise SystemExit(143)

    monkeypatch.setattr(zipfile.ZipFile, "extract", killed)
    with pytest.raises(SystemExit):
        download_model(tmp_path / "models", archive(site.put("m.aar", data), data))
    assert list((tmp_path / "models").iterdir()) == []


def test_sigterm_mid_download_exits_143_and_leaves_nothing(tmp_path: Path) -> None:
    """The real command, killed while a slow mirror is still sending the archive."""
    started = threading.Event()

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(40 << 20))
            self.end_headers()
            started.set()
            for _ in range(400):
                try:
                    self.wfile.write(b"\0" * 4096)
                except OSError:
                    return
                time.sleep(0.05)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    models = tmp_path / "models"
    env = dict(os.environ, NECK_COACH_MAVEN_MIRROR=f"http://127.0.0.1:{server.server_address[1]}")
    command = [sys.executable, "-c", "from skill.app.cli import run; run()"]
    process = subprocess.Popen(
        [*command, "model", "download", "--to", str(models)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert started.wait(20)
        deadline = time.monotonic() + 10
        while not list(models.glob(".download-*")) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert list(models.glob(".download-*"))
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
    finally:
        process.kill()
        server.shutdown()
        server.server_close()
    assert process.returncode == 143
    assert "Traceback" not in err
    assert list(models.iterdir()) == []


def test_the_pinned_archive_is_the_maven_central_package() -> None:
    pinned = english_model()
    assert pinned.url.startswith("https://repo1.maven.org/maven2/com/alphacephei/")
    assert pinned.url.endswith(".aar") and len(pinned.sha256) == 64
