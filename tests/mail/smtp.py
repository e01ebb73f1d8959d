"""A real SMTP server for the tests: aiosmtpd on a free loopback port, keeping what it receives.

``stop()`` and ``start()`` again on the same port are a mail server that goes
away and comes back; ``login`` makes it demand AUTH (PLAIN/LOGIN) with that
user and password.
"""
from __future__ import annotations

import email
import email.policy
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from calmdesk.checks.client import free_port


class _Keep:
    def __init__(self, server: "SmtpServer"):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.received.append(message)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class SmtpServer:
    def __init__(self, port: int | None = None, login: tuple[str, str] | None = None):
        self.port = port or free_port()
        self.login = login
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        credentials = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        return f"smtp://{credentials}127.0.0.1:{self.port}?starttls=off"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = self.login and auth_data.login.decode() == self.login[0] and auth_data.password.decode() == self.login[1]
        return AuthResult(success=bool(ok))

    def start(self) -> "SmtpServer":
        kwargs = {}
        if self.login:
            kwargs = {"authenticator": self._authenticate, "auth_required": True, "auth_require_tls": False}
        for _ in range(50):  # the port may still be closing from the last stop()
            try:
                self._controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port, **kwargs)
                self._controller.start()
                return self
            except (OSError, RuntimeError):
                time.sleep(0.1)
        raise RuntimeError(f"could not start the SMTP server on port {self.port}")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.received if m["To"] == address]

    def wait_for(self, address: str, count: int = 1, timeout: float = 20.0, kind: str | None = None) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.to(address) if kind is None or m["X-Calmdesk-Kind"] == kind]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        return [m for m in self.to(address) if kind is None or m["X-Calmdesk-Kind"] == kind]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
