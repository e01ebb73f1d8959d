"""Mail settings, from the environment, shared by the action server (which queues) and the web app (which sends).

Why here and not in each caller.  The bot may only promise an email the
product will send (``MailSettings.enabled``), and both processes must agree on
where links point and on the key that signs them.

* ``MAIL_ENABLED`` (default ``true``): ``false`` turns email off; the bot then
  never promises one.
* ``SMTP_URL``: ``smtp://user:password@host:587`` sends through that server
  with STARTTLS (required; add ``?starttls=off`` only for a local test server),
  ``smtps://...:465`` with TLS from the start.  Unset in the embedded profile:
  each email is written as an ``.eml`` file under ``MAIL_DIR`` (``var/mail``),
  so trying the product needs no mail server.  The production profile
  (``MAIL_WITHOUT_SMTP=off`` in deploy/production.env) sends only through SMTP:
  without ``SMTP_URL`` its email is off.
* ``MAIL_FROM`` (sender), ``MAIL_REPLY_TO`` (where answers go; default the sender).
* ``MAIL_BASE_URL``: where links in emails point (default ``$WEB_URL``).
* ``MAIL_LINK_SECRET``: key of the signed links (default: derived from
  ``SUPPORT_API_TOKEN``, which both processes have).
* ``MAIL_RETRY_DELAYS`` (``30,120,600,3600``), ``MAIL_MAX_PER_DAY`` (5 emails per
  address per 24 hours), ``CHECK_IN_DAYS`` (3), ``MAIL_POLL_SECONDS`` (1).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from calmdesk.db import REPO_ROOT

DEFAULT_RETRY_DELAYS = (30.0, 120.0, 600.0, 3600.0)
_PROCESS_SECRET = secrets.token_bytes(32)
DEFAULT_SENDER = "Northwind Goods support <support@northwind.example>"


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: str  # "starttls", "ssl" or "none"
    username: str | None = None
    password: str | None = None

    def describe(self) -> str:
        return f"smtp://{self.host}:{self.port} ({self.tls})"


@dataclass(frozen=True)
class MailSettings:
    enabled: bool
    smtp: SmtpTarget | None  # None: .eml files in mail_dir
    mail_dir: Path
    sender: str
    reply_to: str
    base_url: str
    secret: bytes
    retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS
    max_per_day: int = 5
    check_in_days: float = 3.0
    poll_seconds: float = 1.0

    @property
    def max_attempts(self) -> int:
        return len(self.retry_delays) + 1

    def describe(self) -> str:
        """For `make run`: where email goes."""
        if not self.enabled:
            return "off (MAIL_ENABLED=false): the bot promises no email"
        return f"through {self.smtp.describe()}" if self.smtp else f"written as .eml files to {self.mail_dir}"

    @classmethod
    def from_env(cls, web_url: str | None = None) -> "MailSettings":
        env = os.environ
        enabled = env.get("MAIL_ENABLED", "true").strip().lower() not in ("false", "0", "no", "off")
        raw_smtp = env.get("SMTP_URL", "").strip()
        if not raw_smtp and env.get("MAIL_WITHOUT_SMTP", "files").strip().lower() == "off":
            enabled = False  # the production profile: a real mail server or no email at all
        secret_text = env.get("MAIL_LINK_SECRET") or env.get("SUPPORT_API_TOKEN") or ""
        # Without either, a key for this process only: fine for one process (tests), but the action
        # server's links would not open in the web app - the stack always sets SUPPORT_API_TOKEN.
        secret = (hmac.new(secret_text.encode(), b"calmdesk mail links", hashlib.sha256).digest()
                  if secret_text else _PROCESS_SECRET)
        base = env.get("MAIL_BASE_URL") or web_url or env.get("WEB_URL") or "http://127.0.0.1:8000"
        delays = _delays(env.get("MAIL_RETRY_DELAYS", ""))
        return cls(
            enabled=enabled,
            smtp=parse_smtp_url(raw_smtp) if raw_smtp else None,
            mail_dir=Path(env.get("MAIL_DIR") or REPO_ROOT / "var" / "mail"),
            sender=env.get("MAIL_FROM") or DEFAULT_SENDER,
            reply_to=env.get("MAIL_REPLY_TO") or env.get("MAIL_FROM") or DEFAULT_SENDER,
            base_url=base.rstrip("/"),
            secret=secret,
            retry_delays=delays,
            max_per_day=_whole(env.get("MAIL_MAX_PER_DAY", "5"), "MAIL_MAX_PER_DAY", 1, 1000),
            check_in_days=float(env.get("CHECK_IN_DAYS") or 3),
            poll_seconds=float(env.get("MAIL_POLL_SECONDS") or 1.0),
        )


def parse_smtp_url(url: str) -> SmtpTarget:
    """``smtp://user:pass@host:587`` (STARTTLS), ``smtps://host:465`` (TLS), ``?starttls=off`` (local tests only)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465, not {url!r}")
    query = parse_qs(parts.query)
    if parts.scheme == "smtps":
        tls = "ssl"
    else:
        tls = "none" if query.get("starttls", ["on"])[0].lower() in ("off", "no", "false", "0") else "starttls"
    port = parts.port or (465 if tls == "ssl" else 587)
    return SmtpTarget(host=parts.hostname, port=port, tls=tls,
                      username=unquote(parts.username) if parts.username else None,
                      password=unquote(parts.password) if parts.password else None)


def _delays(raw: str) -> tuple[float, ...]:
    if not raw.strip():
        return DEFAULT_RETRY_DELAYS
    try:
        values = tuple(float(part) for part in raw.split(","))
    except ValueError:
        raise ValueError(f"MAIL_RETRY_DELAYS must be seconds separated by commas (e.g. 30,120,600), not {raw!r}") from None
    if any(not 0 <= v <= 86400 for v in values):
        raise ValueError("MAIL_RETRY_DELAYS: each delay must be between 0 and 86400 seconds")
    return values


def _whole(raw: str, name: str, low: int, high: int) -> int:
    if not raw.strip().isdigit() or not low <= int(raw) <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
    return int(raw)
