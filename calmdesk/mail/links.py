"""Signed, expiring links in emails: rate the fix, "still not fixed", unsubscribe, back to the chat.

Why signed tokens and not a login.  The customer clicks from their inbox; they
have no account.  So each link carries a small payload (which email it was in,
what it does, until when) with an HMAC-SHA256 of it: nobody can make a link
for another ticket or change "rate 1" into "rate 5", and an old link stops
working.  The payload names the email's id only - never the conversation's
sender id, which is a bearer secret for the chat (calmdesk/web/chat.py), nor
the address.  Opening a link twice is harmless: what it does is idempotent
(calmdesk/mail/actions.py).

Token: ``base64url(json payload) "." base64url(hmac)``, e.g.
``eyJtIjo0MiwiYSI6InJhdGU6NCIsIngiOjE3MzU2ODk2MDB9.q8...``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

ACTIONS = ("rate:1", "rate:2", "rate:3", "rate:4", "rate:5", "not_fixed", "unsubscribe", "resume")
DAY = 86400
LIFETIME = {"unsubscribe": 365 * DAY, "resume": 60 * DAY}  # rating links: CHECK_IN_LINK_DAYS
CHECK_IN_LINK_DAYS = 30


class BadLink(ValueError):
    """Not one of our links, changed, or expired; the message says which, for the page shown."""


@dataclass(frozen=True)
class LinkClaim:
    message_id: int
    action: str
    expires: int


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(secret: bytes, message_id: int, action: str, now: float | None = None) -> str:
    if action not in ACTIONS:
        raise ValueError(f"unknown link action {action!r}")
    lifetime = LIFETIME.get(action, CHECK_IN_LINK_DAYS * DAY)
    payload = _b64(json.dumps({"m": message_id, "a": action, "x": int((time.time() if now is None else now) + lifetime)},
                              separators=(",", ":")).encode())
    return payload + "." + _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())


def read_token(secret: bytes, token: str, now: float | None = None) -> LinkClaim:
    """The claim in a token we made; BadLink if it was not made with ``secret``, was changed or has expired."""
    payload, dot, signature = (token or "").partition(".")
    if not dot or len(token) > 400:
        raise BadLink("this link is not complete")
    expected = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, signature):
        raise BadLink("this link is not complete")
    try:
        data = json.loads(_unb64(payload))
        claim = LinkClaim(int(data["m"]), str(data["a"]), int(data["x"]))
    except (ValueError, KeyError, TypeError):
        raise BadLink("this link is not complete") from None
    if claim.action not in ACTIONS:
        raise BadLink("this link is not complete")
    if claim.expires < (time.time() if now is None else now):
        raise BadLink("this link has expired")
    return claim
