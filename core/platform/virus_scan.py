"""The virus-scan hook of ``core.platform.uploads`` for ClamAV: clamd's INSTREAM command over
its Unix socket (``ZHONGCHUANG_CLAMD_SOCKET``, e.g. ``/run/clamav/clamd.ctl`` of
Debian's ``clamav-daemon``).  Fails closed: when clamd cannot be reached or answers
something else than a verdict, the upload is refused (and may be tried again later).
"""
from __future__ import annotations

import socket
import struct
from collections.abc import Callable

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 60  # our choice: a 10 MB file scans in well under a second


def clamd(socket_path: str) -> Callable[[bytes, str], str | None]:
    """A scanner for ``app.config["UPLOAD_VIRUS_SCAN"]``: the reason to refuse, or None."""
    def scan(data: bytes, original_name: str) -> str | None:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(TIMEOUT_SECONDS)
                conn.connect(socket_path)
                conn.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    chunk = data[start:start + CHUNK]
                    conn.sendall(struct.pack("!I", len(chunk)) + chunk)
                conn.sendall(struct.pack("!I", 0))
                answer = b""
                while not answer.endswith(b"\0"):
                    received = conn.recv(4096)
                    if not received:
                        break
                    answer += received
        except OSError:
            return "病毒检查服务暂不可用，请稍后再试"
        verdict = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
        if verdict.endswith(" OK"):
            return None
        if verdict.endswith(" FOUND"):  # "stream: Eicar-Signature FOUND"
            return "检出 " + verdict.removeprefix("stream:").removesuffix(" FOUND").strip()
        return "病毒检查服务未给出结果，请稍后再试"
    return scan
