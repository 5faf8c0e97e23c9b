"""The clamd hook (issue 12 item 12): INSTREAM over a Unix socket, spoken here by a
small stand-in for clamd that flags the EICAR test string; the upload is refused on a
finding and when clamd is down (fail closed)."""
from __future__ import annotations

import io
import socket
import struct
import tempfile
import threading
from pathlib import Path

from werkzeug.datastructures import FileStorage

import pytest

from core.platform import uploads
from core.app import create_app
from core.platform.virus_scan import clamd
from tests.conftest import BASE_CONFIG
from tests.factories import pdf_bytes

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture
def fake_clamd():
    folder = Path(tempfile.mkdtemp(prefix="clamd-"))  # short: Unix socket paths are limited
    path = str(folder / "clamd.ctl")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    received = []

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += conn.recv(1)
                data = b""
                while True:
                    size = struct.unpack("!I", conn.recv(4, socket.MSG_WAITALL))[0]
                    if size == 0:
                        break
                    data += conn.recv(size, socket.MSG_WAITALL)
                received.append((command, data))
                conn.sendall(b"stream: Eicar-Signature FOUND\0" if EICAR in data else b"stream: OK\0")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield path, received
    server.close()


def test_clean_file_passes_and_the_whole_file_is_streamed(fake_clamd):
    path, received = fake_clamd
    data = pdf_bytes(200_000)  # several 64 KB chunks
    assert clamd(path)(data, "a.pdf") is None
    assert received == [(b"zINSTREAM\0", data)]


def test_a_finding_is_the_reason(fake_clamd):
    path, _ = fake_clamd
    assert clamd(path)(EICAR, "eicar.pdf") == "检出 Eicar-Signature"


def test_clamd_down_refuses(tmp_path):
    assert clamd(str(tmp_path / "absent.ctl"))(b"x", "a.pdf") == "病毒检查服务暂不可用，请稍后再试"


def test_configured_from_the_environment_and_refuses_the_upload(fake_clamd, monkeypatch, tmp_path):
    path, _ = fake_clamd
    monkeypatch.setenv("ZHONGCHUANG_CLAMD_SOCKET", path)
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "UPLOAD_FOLDER": str(tmp_path)})
    with app.app_context():
        upload = FileStorage(io.BytesIO(b"%PDF-1.4\n" + EICAR), filename="a.pdf")
        with pytest.raises(uploads.UploadError, match="未通过病毒检查：检出 Eicar-Signature"):
            uploads.save(upload)
    assert list(tmp_path.iterdir()) == []
