"""Handing one email to the world: an SMTP server (production) or an ``.eml`` file (the embedded default).

Why two transports.  Trying the product must not need a mail server, yet what
it would send should be visible: ``var/mail/<id>-<kind>.eml`` opens in any mail
program.  Production sends through ``SMTP_URL`` with STARTTLS (or TLS) and a
login.  Both get the same message: plain text and HTML alternatives, our
sender, the Reply-To, a stable Message-ID (a retry after a lost answer is
recognisable as the same email) and ``List-Unsubscribe`` with its one-click
POST variant (RFC 8058), which mail programs show as an "unsubscribe" button.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from calmdesk.mail.settings import MailSettings, SmtpTarget
from calmdesk.models import utcnow

TIMEOUT_SECONDS = 20.0


class Transport(Protocol):
    def send(self, message: MimeMessage) -> None: ...


def build(settings: MailSettings, *, message_id: int, kind: str, to: str, subject: str, text: str, html: str,
          unsubscribe_url: str) -> MimeMessage:
    mime = MimeMessage()
    mime["From"] = settings.sender
    mime["To"] = to
    mime["Reply-To"] = settings.reply_to
    mime["Subject"] = subject
    mime["Date"] = format_datetime(utcnow())
    domain = settings.sender.rsplit("@", 1)[-1].strip(" >") or "calmdesk.local"
    mime["Message-ID"] = f"<calmdesk-{message_id}@{domain}>"  # the same on every retry
    mime["X-Calmdesk-Kind"] = kind
    mime["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    mime["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mime["Auto-Submitted"] = "auto-generated"
    mime.set_content(text)
    mime.add_alternative(html, subtype="html")
    return mime


class SmtpTransport:
    def __init__(self, target: SmtpTarget):
        self.target = target

    def send(self, message: MimeMessage) -> None:
        target = self.target
        if target.tls == "ssl":
            client = smtplib.SMTP_SSL(target.host, target.port, timeout=TIMEOUT_SECONDS,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_SECONDS)
        with client:
            client.ehlo()
            if target.tls == "starttls":
                client.starttls(context=ssl.create_default_context())  # SMTPNotSupportedError if not offered
                client.ehlo()
            if target.username:
                client.login(target.username, target.password or "")
            client.send_message(message)


class FileTransport:
    """Writes ``<dir>/<id>-<kind>.eml``; a retry overwrites the same file."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def send(self, message: MimeMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        number = message["Message-ID"].strip("<>").split("@")[0].rsplit("-", 1)[-1]
        path = self.directory / f"{number}-{message['X-Calmdesk-Kind']}.eml"
        temporary = path.with_suffix(".eml.tmp")
        temporary.write_bytes(bytes(message))
        temporary.replace(path)


def transport_for(settings: MailSettings) -> Transport:
    return SmtpTransport(settings.smtp) if settings.smtp else FileTransport(settings.mail_dir)
