"""A real SMTP server for the tests (aiosmtpd over TCP on 127.0.0.1): mail sent by the app
(core.notify.mail) arrives here as parsed messages, no mock in between.

The fixture ``smtp_sink`` listens on ``ZHONGCHUANG_SMTP_PORT`` when that is set (CI's pass with
a real worker, which reads the same variable), else on a free port.  A test points its app at
it with ``{"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_sink.port}``.
Registered for every test by tests/conftest.py (``pytest_plugins``).
"""
from __future__ import annotations

import email
import email.policy
import os
import socket
import threading
import time
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class Sink:
    """What the server received: ``messages`` (``email.message.EmailMessage``, UTF-8 decoded)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.port = 0
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, n: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until at least ``n`` messages arrived (a worker sends from another process)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} mail(s) arrived within {timeout} s, expected {n}")
                self._arrived.wait(left)
        return list(self.messages)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_sink():
    sink = Sink()
    port = int(os.environ["ZHONGCHUANG_SMTP_PORT"]) if os.environ.get("ZHONGCHUANG_SMTP_PORT") else free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.port = port
    try:
        yield sink
    finally:
        controller.stop()
