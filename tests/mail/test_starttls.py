"""Sending through a mail server that speaks STARTTLS: encrypted before the login, or not at all.

A real aiosmtpd server with a certificate made for this test (openssl), which
the sender trusts through ``SSL_CERT_FILE``: the login and the message travel
only after STARTTLS, and a server that does not offer it gets neither.
"""
from __future__ import annotations

import shutil
import smtplib
import ssl
import subprocess
import threading
import time
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from calmdesk.checks.client import free_port
from calmdesk.mail.sending import SmtpTransport
from calmdesk.mail.settings import parse_smtp_url
from tests.mail.smtp import _Keep

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a test certificate")


class TlsServer:
    """Keeps what it receives (as tests/mail/smtp.py's server) and records whether the session was encrypted."""

    def __init__(self, context: ssl.SSLContext | None, login: tuple[str, str]):
        self.received: list[EmailMessage] = []
        self.envelopes: list = []
        self.logins: list[tuple[str, bool]] = []  # (user, over TLS?)
        self.lock = threading.Lock()
        self.port = free_port()
        self.login = login
        kwargs = {"tls_context": context, "require_starttls": True} if context else {}
        self.controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port, authenticator=self._auth,
                                     auth_required=True, auth_require_tls=context is not None, **kwargs)

    def _auth(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), session.ssl is not None))
        return AuthResult(success=(auth_data.login.decode(), auth_data.password.decode()) == self.login)

    def __enter__(self) -> "TlsServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the sender's default context trusts this test's server
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context


def message() -> EmailMessage:
    mime = EmailMessage()
    mime["From"], mime["To"], mime["Subject"] = "support@shop.example", "ann@example.com", "CD-1: hello"
    mime.set_content("Your reference: CD-1")
    return mime


def test_the_login_and_the_message_go_only_after_starttls(certificate):
    with TlsServer(certificate, login=("desk", "s3cret")) as server:
        SmtpTransport(parse_smtp_url(f"smtp://desk:s3cret@127.0.0.1:{server.port}")).send(message())
        deadline = time.monotonic() + 10
        while not server.received and time.monotonic() < deadline:
            time.sleep(0.05)
    assert [m["Subject"] for m in server.received] == ["CD-1: hello"]
    assert server.logins == [("desk", True)], "the password was sent inside TLS"


def test_a_server_without_starttls_gets_no_password_and_no_email(certificate):
    with TlsServer(None, login=("desk", "s3cret")) as server:
        with pytest.raises(smtplib.SMTPNotSupportedError):
            SmtpTransport(parse_smtp_url(f"smtp://desk:s3cret@127.0.0.1:{server.port}")).send(message())
    assert server.logins == [] and server.received == []
